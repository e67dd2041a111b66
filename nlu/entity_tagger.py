"""Learned entities of any annotated type: the CRF sequence tagger with Rasa's regex/lookup features.

The deterministic extractors own their types (times, head counts, identifiers, and places
when the data has a place gazetteer); every other entity type annotated in the training data
is learned here, with its Rasa `role` and `group`, by `nlu.sequence_tagger.CrfSlotTagger`
over characters. On top of its character, word and value-lexicon features every character
gets a mark for each `regex:` pattern and `lookup:` entry that covers it (matched without
word boundaries, case-insensitive, as Rasa's `RegexFeaturizer` with
`use_word_boundaries: false`), so a lookup table or a pattern helps for values never seen in
an example.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sklearn_crfsuite

from nlu.extractors.base import Entity
from nlu.sequence_tagger import CrfSlotTagger, Features, TaggedText
from nlu.training_data import Example

logger = logging.getLogger(__name__)

DETERMINISTIC_TYPES = frozenset(
    {"time", "passengers", "plate", "booking_id", "ticket_id", "tracking_no", "phone", "carrier"}
)
"""Entity types the deterministic extractors produce whatever the data."""
PLACE_TYPES = frozenset({"place", "origin", "destination"})
"""Owned by the place extractor and the role tagger when the data has a place gazetteer."""
EXTRACTOR = "CRFEntityExtractor"
C1, C2, LBFGS_ITERATIONS = 0.1, 0.05, 150
_SEP = "|"
BLANK = "\ue010"


def owned_types(has_places: bool) -> frozenset[str]:
    """The entity types the deterministic extractors answer for."""
    return DETERMINISTIC_TYPES | PLACE_TYPES if has_places else DETERMINISTIC_TYPES


def _label(entity: str, role: str | None, group: str | None) -> str:
    return _SEP.join((entity, role or "", group or ""))


@dataclass
class Patterns:
    """The data's `regex:` patterns and `lookup:` tables, compiled once; marks per character."""

    regexes: dict[str, list[str]] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    _compiled: list[tuple[str, re.Pattern[str]]] | None = field(default=None, repr=False, compare=False)

    def compiled(self) -> list[tuple[str, re.Pattern[str]]]:
        if self._compiled is None:
            out: list[tuple[str, re.Pattern[str]]] = []
            for name, patterns in sorted(self.regexes.items()):
                for pattern in patterns:
                    try:
                        out.append(("rx:" + name, re.compile(pattern)))
                    except re.error as exc:
                        logger.warning("regex %r of %s is not a valid pattern (%s); ignored", pattern, name, exc)
            for name, entries in sorted(self.lookups.items()):
                words = sorted({e.strip() for e in entries if e.strip()}, key=lambda w: (-len(w), w))
                if words:
                    out.append(("lk:" + name, re.compile("|".join(map(re.escape, words)), re.IGNORECASE)))
            self._compiled = out
        return self._compiled

    def spans(self, text: str) -> list[tuple[str, int, int]]:
        """(feature name, start, end) of every pattern and lookup match in `text`."""
        return [(name, m.start(), m.end()) for name, rx in self.compiled() for m in rx.finditer(text) if m.end() > m.start()]

    def names(self, text: str) -> list[str]:
        """The names of the patterns and lookups that match somewhere in `text` (intent features)."""
        return sorted({name for name, _, _ in self.spans(text)})

    def blank_lookups(self, text: str, types: frozenset[str], taken: Sequence[Entity]) -> str:
        """`text` with the matches of the lookup tables of `types` blanked (a private-use
        character the tokenizer drops), outside the `taken` spans: the intent classifier then
        learns the words around a package or a city, not the package or city."""
        tables = {"lk:" + name for name in types}
        if not tables & {name for name, _ in self.compiled()}:
            return text
        chars = list(text)
        for name, start, end in self.spans(text.lower()):
            if name in tables and not any(start < e.end and e.start < end for e in taken):
                chars[start:end] = [BLANK] * (end - start)
        return "".join(chars)

    def char_marks(self, text: str) -> list[Features]:
        marks: list[Features] = [{} for _ in text]
        for name, start, end in self.spans(text):
            for k in range(start, end):
                pos = "B" if k == start else "E" if k == end - 1 else "I"
                marks[k][f"{name}={pos}"] = 1.0
                marks[k][name] = 1.0
        return marks

    def __getstate__(self) -> dict[str, object]:
        return {"regexes": self.regexes, "lookups": self.lookups, "_compiled": None}


@dataclass
class EntityTagger(CrfSlotTagger):
    """The CRF slot tagger plus regex/lookup marks; labels carry entity, role and group."""

    patterns: Patterns = field(default_factory=Patterns)
    use_lexicon: bool = False
    """The base tagger's lexicon of annotated values; off: with few distinct values per type
    it is memorised and unseen values go untagged (lookup tables serve that purpose here)."""

    def new_crf(self) -> sklearn_crfsuite.CRF:
        """L-BFGS with elastic-net regularisation: a Rasa project's few hundred examples make the
        averaged perceptron trust single words and intents (它 tagged 我 as a phone number)."""
        return sklearn_crfsuite.CRF(
            algorithm="lbfgs", c1=C1, c2=C2, max_iterations=LBFGS_ITERATIONS, all_possible_transitions=True
        )

    def features(self, text: str, intent: str, lexicon: dict[str, set[str]]) -> list[Features]:
        out = super().features(text, intent, lexicon if self.use_lexicon else {})
        shapes = [_shape(ch) for ch in text]
        n = len(text)
        for i, (feats, marks) in enumerate(zip(out, self.patterns.char_marks(text.lower()), strict=True)):
            feats.update(marks)
            window = [shapes[j] if 0 <= j < n else "_" for j in range(i - 2, i + 3)]
            feats["s=" + window[2]] = 1.0
            feats["s-1s=" + "".join(window[1:3])] = 1.0
            feats["ss+1=" + "".join(window[2:4])] = 1.0
            feats["s-2..s+2=" + "".join(window)] = 1.0
            feats["s-1c=" + window[1] + text[i]] = 1.0
            feats["cs+1=" + text[i] + window[3]] = 1.0
        return out

    def __getstate__(self) -> dict[str, object]:
        # the pipeline hands its own tokenizer back on load (one jieba dictionary, not two)
        return {**self.__dict__, "tokenizer": None}

    def train_on(self, examples: Sequence[tuple[str, Example]], types: Iterable[str]) -> None:
        """Learn the entities of `types` from (cleaned text, example) pairs."""
        wanted = set(types)
        sentences = []
        for text, ex in examples:
            tags = ["O"] * len(text)
            for ent in ex.entities:
                if ent.entity not in wanted or ent.end > len(text):
                    continue
                label = _label(ent.entity, ent.role, ent.group)
                tags[ent.start] = "B-" + label
                for i in range(ent.start + 1, ent.end):
                    tags[i] = "I-" + label
            sentences.append(TaggedText(text, tags, ex.full_intent))
        self.fit(sentences)

    def entities(self, text: str, intent: str) -> list[Entity]:
        """The tagged spans of `text` as entities (value: the text as written)."""
        if not text.strip():
            return []
        crf = getattr(self, "_crf", None)
        if crf is None:
            raise RuntimeError("the entity tagger is not trained")
        feats = self.features(text, intent, self.lexicon)
        tags = list(crf.predict_single(feats))
        marginals = crf.predict_marginals_single(feats)
        out: list[Entity] = []
        start, label = None, ""
        for i, tag in enumerate([*tags, "O"]):
            inside = tag.startswith("I-") and tag[2:] == label
            if start is not None and not inside:
                surface = text[start:i]
                if surface.strip():
                    confidence = min(marginals[k][tags[k]] for k in range(start, i))
                    first = start + len(surface) - len(surface.lstrip())
                    out.append(_entity(label, surface.strip(), first, confidence))
                start = None
            if tag.startswith("B-") or (tag.startswith("I-") and not inside):
                start, label = i, tag[2:]
        return out


_CN_DIGITS = frozenset("零〇一二两三四五六七八九十百千万亿")


def _shape(ch: str) -> str:
    """d: digit, n: Chinese numeral, a: Latin letter, h: other Han, p: anything else."""
    if ch.isdigit():
        return "d"
    if ch in _CN_DIGITS:
        return "n"
    if ch.isascii() and ch.isalpha():
        return "a"
    return "h" if "\u4e00" <= ch <= "\u9fff" else "p"


def _entity(label: str, surface: str, start: int, confidence: float) -> Entity:
    entity, role, group = label.split(_SEP)
    return Entity(
        entity, surface, start, start + len(surface), EXTRACTOR, confidence, role=role or None, group=group or None
    )
