"""Finds gazetteer places in running text, exactly or by sound.

Every window of the text is looked up among the gazetteer's surface forms (canonical
names, aliases, derived short forms); windows of Han characters are also compared by
pinyin (`nlu.pinyin_match`) with the forms, which catches homophones and pinyin-input
slips (松口 -> 嵩口镇, 林舍 -> 林畲镇). A sound-alike must earn its place: a two-character one
needs a place cue next to it (去/到/从/在 ... before it, 出发/的车/到 ... after it) or must stand
alone as the whole answer; a longer one needs a cue or a near-perfect match ending in the same
character (林舍村, 嵩口中新小学; not 三名是 for 三明市). Sound-alikes and
short forms that are part of a longer ordinary word (松口气, 田园风光; jieba's dictionary) are
dropped. Overlaps are settled longest first, then exact before alias, short, pinyin. A
generic facility alias right after another place belongs to that place: 嵩口汽车站 is one
place, 嵩口镇 (not 嵩口镇 plus the county's 汽车站), while 县城汽车站 stays the county station.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from nlu.extractors.base import Entity, EntityExtractor
from nlu.extractors.village_details import standalone_villages, village_at
from nlu.gazetteer import Gazetteer, SurfaceForm
from nlu.pinyin_match import aligned_similarity, folded_readings, is_han

logger = logging.getLogger(__name__)

MIN_FUZZY = 0.8
MIN_FUZZY_WITHOUT_CUE = 0.9
FUZZY_CONFIDENCE = 0.9
MIN_SPELLED = 0.95
SPELLED_MARGIN = 0.099
_LATIN_RUN = re.compile(r"(?<![A-Za-z])[A-Za-z]{4,30}(?![A-Za-z])")
_METHOD_RANK = {"exact": 0, "alias": 1, "short": 2, "pinyin": 3}
_PRE_CUES = frozenset("去到从在往回至来离住经过由自达抵是发寄送上")
_POST_CUES = (
    "出发", "上车", "下车", "的车", "的班", "的公交", "的客车", "的巴士", "的快递", "的包裹",
    "那边", "这边", "那里", "这里", "那儿", "方向", "附近", "公交", "班车", "客车", "汽车", "大巴", "中巴",
    "站", "镇", "乡", "村", "街", "去", "到", "走", "发", "开", "回", "来", "至", "往",
)  # fmt: skip
_CUE_CHARS = _PRE_CUES | {c for c in _POST_CUES if len(c) == 1} | {"的"}
_PARTICLES = frozenset("啊吧呢呀哦嘛了哈噢呗的")


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    form: SurfaceForm
    method: str
    confidence: float

    def key(self) -> tuple[int, int, float, int]:
        return (self.start - self.end, _METHOD_RANK[self.method], -self.confidence, self.start)


def _jieba_is_word() -> Callable[[str], bool]:
    import jieba  # deferred: only the extractor needs the dictionary

    jieba.dt.check_initialized()
    freq = jieba.dt.FREQ
    return lambda word: freq.get(word, 0) > 0


class PlaceExtractor(EntityExtractor):
    """Entities `place` with canonical value; additional_info kind and method."""

    name = "PlaceExtractor"

    def __init__(self, gazetteer: Gazetteer, *, is_word: Callable[[str], bool] | None = None) -> None:
        self._gazetteer = gazetteer
        self._exact = {f.text: f for f in gazetteer.forms if not f.shadowed}
        self._lengths = sorted({len(t) for t in self._exact}, reverse=True)
        self._by_sound: dict[str, list[SurfaceForm]] = {}
        for form in self._exact.values():
            if not all(is_han(ch) for ch in form.text):
                continue
            for key in folded_readings(form.text[0]):
                self._by_sound.setdefault(key, []).append(form)
            for ch in form.text:
                folded_readings(ch)  # warm the per-character pinyin cache
        self._is_word = is_word if is_word is not None else _jieba_is_word()
        county = next((e.canonical[:-2] for e in gazetteer.entries if e.kind == "county_seat"), None)
        self._county_prefixes = tuple(p for p in ("县", county) if p)

    def extract(self, text: str, *, now: datetime | None = None) -> list[Entity]:
        if not isinstance(text, str) or not text:
            return []
        candidates = self._exact_candidates(text) + self._sound_candidates(text) + self._spelled_candidates(text)
        chosen: list[_Candidate] = []
        taken = [False] * len(text)
        for cand in sorted(candidates, key=_Candidate.key):
            if any(taken[cand.start : cand.end]):
                continue
            if cand.method in ("short", "pinyin") and self._cuts_word(text, cand.start, cand.end):
                continue
            chosen.append(cand)
            taken[cand.start : cand.end] = [True] * (cand.end - cand.start)
        chosen.sort(key=lambda c: c.start)
        chosen = self._bind_within(self._bind_facilities(chosen))
        entities = [self._entity(text, c, chosen) for c in chosen]
        taken = [False] * len(text)
        for ent in entities:
            taken[ent.start : ent.end] = [True] * (ent.end - ent.start)
        for start, end in standalone_villages(text, taken, self._is_word):
            info = {"kind": "village", "method": "pattern", "unlisted": True}
            entities.append(Entity("place", text[start:end], start, end, self.name, 0.8, info))
        return sorted(entities, key=lambda e: e.start)

    def _bind_within(self, chosen: list[_Candidate]) -> list[_Candidate]:
        """嵩口镇|溪源村 -> one 溪源村 span: a township followed by one of its own places."""
        out: list[_Candidate] = []
        for cand in chosen:
            prev = out[-1] if out else None
            outer = self._gazetteer.entry(prev.form.canonical) if prev and prev.end == cand.start else None
            inner = self._gazetteer.entry(cand.form.canonical)
            if prev and outer and inner and outer.kind == "township" and inner.township == outer.canonical:
                out[-1] = _Candidate(prev.start, cand.end, cand.form, cand.method, cand.confidence)
            else:
                out.append(cand)
        return out

    def _bind_facilities(self, chosen: list[_Candidate]) -> list[_Candidate]:
        """嵩口|汽车站 -> one 嵩口镇 span; 县城|汽车站 -> one 清流县汽车站 span."""
        out: list[_Candidate] = []
        for cand in chosen:
            prev = out[-1] if out else None
            if prev is None or prev.end != cand.start or not self._generic_facility(cand.form):
                out.append(cand)
                continue
            prev_entry = self._gazetteer.entry(prev.form.canonical)
            facility = self._gazetteer.entry(cand.form.canonical)
            if prev_entry is None or facility is None or prev_entry.kind == "landmark":
                out.append(cand)
                continue
            same_town = prev_entry.township is not None and prev_entry.township == facility.township
            keep = cand if same_town else prev
            out[-1] = _Candidate(
                prev.start, cand.end, keep.form, keep.method, min(prev.confidence, cand.confidence)
            )
        return out

    def _generic_facility(self, form: SurfaceForm) -> bool:
        """An alias like 汽车站 that names a kind of place, not which one (县汽车站 does)."""
        entry = self._gazetteer.entry(form.canonical)
        return (
            entry is not None
            and entry.kind == "landmark"
            and form.method in ("alias", "short")
            and not form.text.startswith(self._county_prefixes)
        )

    def _entity(self, text: str, cand: _Candidate, chosen: list[_Candidate]) -> Entity:
        entry = self._gazetteer.entry(cand.form.canonical)
        info = {"kind": entry.kind if entry else "unknown", "method": cand.method}
        value, end = cand.form.canonical, cand.end
        if entry is not None and entry.kind in ("township", "village"):
            detail_end = village_at(text, cand.end, group_only=entry.kind == "village")
            if detail_end is not None and not any(cand.end <= c.start < detail_end for c in chosen):
                detail = text[cand.end : detail_end]
                value, end = value + detail, detail_end  # 嵩口镇上坪村: the village the town holds
                info = {**info, "kind": "village", "within": cand.form.canonical, "detail": detail}
        return Entity("place", value, cand.start, end, self.name, cand.confidence, info)

    def _exact_candidates(self, text: str) -> list[_Candidate]:
        out = []
        for i in range(len(text)):
            for length in self._lengths:
                if i + length > len(text):
                    continue
                form = self._exact.get(text[i : i + length])
                if form is not None:
                    out.append(_Candidate(i, i + length, form, form.method, 1.0))
        return out

    def _sound_candidates(self, text: str) -> list[_Candidate]:
        out = []
        for i, ch in enumerate(text):
            if not is_han(ch):
                continue
            seen: set[str] = set()
            for key in folded_readings(ch):
                for form in self._by_sound.get(key, ()):
                    if form.text in seen:
                        continue
                    seen.add(form.text)
                    end = i + len(form.text)
                    window = text[i:end]
                    if end > len(text) or window == form.text:
                        continue
                    score = aligned_similarity(window, form.text)
                    if score < MIN_FUZZY or self._holds_exact(window, form.canonical):
                        continue
                    if self._sound_alike_allowed(text, i, end, score, window[-1] == form.text[-1]):
                        out.append(_Candidate(i, end, form, "pinyin", round(FUZZY_CONFIDENCE * score, 3)))
        return out

    def _spelled_candidates(self, text: str) -> list[_Candidate]:
        """明天从songkou去县城: a place typed in pinyin letters, when one place is clearly meant
        (its own village of the same name may come second: songkou -> 嵩口镇 before 嵩口村)."""
        out = []
        for run in _LATIN_RUN.finditer(text):
            ranked = self._gazetteer.resolve(run.group().lower(), limit=2)
            if not ranked or ranked[0][1] < MIN_SPELLED:
                continue
            if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < SPELLED_MARGIN:
                continue
            form = SurfaceForm(run.group(), ranked[0][0], "pinyin")
            out.append(_Candidate(run.start(), run.end(), form, "pinyin", round(FUZZY_CONFIDENCE * ranked[0][1], 3)))
        return out

    def _holds_exact(self, window: str, canonical: str) -> bool:
        """福州是 sounds like 福州市, but 福州 alone is the better span for the same place."""
        return any(
            (f := self._exact.get(window[a:b])) is not None and f.canonical == canonical
            for a in range(len(window))
            for b in range(a + 2, len(window) + 1)
        )

    def _sound_alike_allowed(self, text: str, start: int, end: int, score: float, same_last: bool) -> bool:
        if end - start >= 3 and score >= MIN_FUZZY_WITHOUT_CUE and same_last:
            return True
        if start > 0 and text[start - 1] in _PRE_CUES:
            return True
        if text.startswith(_POST_CUES, end):
            return True
        return self._stands_alone(text, start, end)

    def _stands_alone(self, text: str, start: int, end: int) -> bool:
        """The whole answer, maybe with particles: 温交 / 里甜的 (but 现成的 is a word + 的)."""
        if start > 0 and is_han(text[start - 1]):
            return False
        j = end
        while j < len(text) and text[j] in _PARTICLES:
            j += 1
        if "的" in text[end:j] and self._is_ordinary(text[start:end]):
            return False
        return j == len(text) or not is_han(text[j])

    def _cuts_word(self, text: str, start: int, end: int) -> bool:
        """True if the window lies inside an ordinary word or cuts one in half.

        A word straddling the left edge (这里|田园 for 里田) is tolerated only when a place cue
        follows the window, one straddling the right edge (灵|地上) only when a cue precedes it.
        """
        for a in range(max(0, start - 2), start + 1):
            for b in range(end, min(len(text), end + 2) + 1):
                if (a, b) != (start, end) and self._is_ordinary(text[a:b]):
                    return True
        left = any(
            self._is_ordinary(text[a:b]) and not _all_cues(text[a:start])
            for a in range(max(0, start - 2), start)
            for b in range(start + 1, end)
        )
        right = any(
            self._is_ordinary(text[a:b]) and not _all_cues(text[end:b]) and not _cue_covers(text, end, b)
            for a in range(start + 1, end)
            for b in range(end + 1, min(len(text), end + 2) + 1)
        )
        if left and right:
            return True
        if left and not text.startswith(_POST_CUES, end):
            return True
        return right and not (start > 0 and text[start - 1] in _PRE_CUES)

    def _is_ordinary(self, word: str) -> bool:
        return word not in self._exact and self._is_word(word)


def _cue_covers(text: str, end: int, b: int) -> bool:
    """县成|方向: the word 成方 reaches only into the cue 方向 that follows the place."""
    return any(len(cue) >= b - end and text.startswith(cue, end) for cue in _POST_CUES)


def _all_cues(piece: str) -> bool:
    """A word like 流到 (清流|到) that only glues a cue to the place is no evidence against it."""
    return all(ch in _CUE_CHARS for ch in piece)
