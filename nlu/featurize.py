"""Turn a message into model features: entity-masked words and character n-grams.

The extractors' spans (places, times, numbers, identifiers) are first cut out of the text
as single placeholder tokens, and jieba segments the text between them. Intent features
are then the masked words, their bigrams (with start/end markers), a length bucket, and
character 1-3-grams of the masked text. Masking makes a sentence about 田源 look the same
as one about 林畲, so the intent model learns the wording, not the places of the
training data; the role tagger reads the same segments around each place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nlu.extractors.base import Entity
from nlu.tokenizers.base import Tokenizer

PLACEHOLDERS: dict[str, str] = {
    "place": "\ue000",
    "time": "\ue001",
    "passengers": "\ue002",
    "tracking_no": "\ue003",
    "booking_id": "\ue004",
    "ticket_id": "\ue005",
    "phone": "\ue006",
    "plate": "\ue007",
}
"""Entity families replaced by one private-use character; carriers stay as words."""

_MASK_NAMES = {kind: f"<{kind}>" for kind in PLACEHOLDERS}


@dataclass(frozen=True)
class Segment:
    """A word of the message or a masked entity span (`kind` set, e.g. "place")."""

    text: str
    start: int
    end: int
    kind: str | None = None

    @property
    def word(self) -> str:
        """What the models see: the placeholder name for masked spans, else the word."""
        return _MASK_NAMES[self.kind] if self.kind else self.text.lower()


def mask_kind(entity: Entity) -> str | None:
    """The placeholder family of an extracted entity (None: keep its words)."""
    if entity.entity in ("origin", "destination"):
        return "place"
    return entity.entity if entity.entity in PLACEHOLDERS else None


def segment(text: str, entities: Sequence[Entity], tokenizer: Tokenizer) -> list[Segment]:
    """Words and masked entity spans of `text`, in order. `entities` must not overlap."""
    out: list[Segment] = []
    pos = 0
    for ent in sorted(entities, key=lambda e: e.start):
        kind = mask_kind(ent)
        if kind is None or ent.start < pos:
            continue
        out.extend(_words(text, pos, ent.start, tokenizer))
        out.append(Segment(text[ent.start : ent.end], ent.start, ent.end, kind))
        pos = ent.end
    out.extend(_words(text, pos, len(text), tokenizer))
    return out


def _words(text: str, start: int, end: int, tokenizer: Tokenizer) -> list[Segment]:
    if start >= end:
        return []
    return [Segment(t.text, t.start + start, t.end + start) for t in tokenizer.tokenize(text[start:end])]


def masked_text(segments: Sequence[Segment]) -> str:
    """The message as the char n-grams see it: words joined, entities as placeholders."""
    parts = []
    for seg in segments:
        if seg.kind:
            parts.append(PLACEHOLDERS[seg.kind])
        else:
            parts.append("".join("0" if ch.isdigit() else ch for ch in seg.text.lower()))
    return "".join(parts)


def _length_bucket(n: int) -> str:
    if n <= 1:
        return "len:1"
    if n <= 3:
        return "len:2-3"
    if n <= 6:
        return "len:4-6"
    if n <= 12:
        return "len:7-12"
    return "len:13+"


def intent_features(segments: Sequence[Segment]) -> list[str]:
    """The feature bag of the intent classifier for one segmented message."""
    words = [seg.word for seg in segments]
    feats = ["w:" + w for w in words]
    bounded = ["^", *words, "$"]
    feats += ["b:" + a + "|" + b for a, b in zip(bounded, bounded[1:], strict=False)]
    feats.append(_length_bucket(len(words)))
    if words and all(seg.kind for seg in segments):
        feats.append("only:" + "+".join(sorted({seg.kind or "" for seg in segments})))
    chars = masked_text(segments)
    for n in (1, 2, 3):
        feats += ["c:" + chars[i : i + n] for i in range(len(chars) - n + 1)]
    return feats
