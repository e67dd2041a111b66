"""Sound-alike scoring of place names, the pure half of the gazetteer search.

Villagers type names with a pinyin input method or speak them to speech recognition, so a
wrong name usually sounds like the right one (松口 for 嵩口, 田园 for 田源, 林地 for 灵地).
`name_similarity` aligns two names character by character (weighted edit distance): the
same character costs nothing, a homophone (any shared toneless reading, heteronyms
included) little, a near-homophone after folding the confusions of southern Mandarin
(z/zh, c/ch, s/sh, n/l, f/h, in/ing, en/eng, an/ang) a little more. Names typed in Latin
letters ("songkou") are compared with the names' spelled pinyin. Readings are cached per
character, so scoring a whole county's gazetteer takes well under a millisecond.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin, pinyin

HOMOPHONE_COST = 0.1
FUZZY_COST = 0.3
OTHER_COST = 1.0
CONTAINS_BASE = 0.55
CONTAINS_SPAN = 0.2  # a query contained in a name scores below the automatic-accept bar

ADMIN_SUFFIXES = ("县城", "镇", "乡", "村", "市", "县")
_LATIN = re.compile(r"[a-z']+")
_INITIAL_FOLDS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("f", "h"))
_FINAL_FOLDS = (("ing", "in"), ("eng", "en"), ("ang", "an"))


def normalize(text: str) -> str:
    """NFKC (full-width letters to ASCII), lower case, no whitespace or separators."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "·.-_,，。")


def is_latin(text: str) -> bool:
    """True for typed pinyin such as 'songkou' or "xi'an" (normalized text)."""
    return bool(_LATIN.fullmatch(text))


def _fold(syllable: str) -> str:
    s = syllable
    for long, short in _INITIAL_FOLDS:
        if s.startswith(long):
            s = short + s[len(long) :]
            break
    if s.startswith("n") and not s.startswith("ng") and len(s) > 1:
        s = "l" + s[1:]
    for long, short in _FINAL_FOLDS:
        if s.endswith(long):
            s = s[: -len(long)] + short
            break
    return s


@lru_cache(maxsize=16384)
def readings(ch: str) -> frozenset[str]:
    """Toneless readings of one character (heteronyms included); the character itself otherwise."""
    found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors=lambda _: [])
    result = frozenset(r for group in found for r in group if r.isascii() and r.isalpha())
    return result or frozenset((ch,))


@lru_cache(maxsize=16384)
def folded_readings(ch: str) -> frozenset[str]:
    return frozenset(_fold(r) for r in readings(ch))


@lru_cache(maxsize=16384)
def spelled(name: str) -> str:
    """The usual pinyin of a name, letters only: 嵩口镇 -> 'songkouzhen'."""
    return "".join(lazy_pinyin(name, style=Style.NORMAL)).lower()


@lru_cache(maxsize=65536)
def char_cost(a: str, b: str) -> float:
    """Cost of writing `a` where `b` was meant, 0 (same) to 1 (unrelated)."""
    if a == b:
        return 0.0
    if readings(a) & readings(b):
        return HOMOPHONE_COST
    if folded_readings(a) & folded_readings(b):
        return FUZZY_COST
    return OTHER_COST


def _aligned(query: str, name: str) -> float:
    """1 - weighted edit distance / longer length, over characters."""
    previous = [float(j) for j in range(len(name) + 1)]
    for i, qc in enumerate(query, start=1):
        current = [float(i)]
        for j, nc in enumerate(name, start=1):
            current.append(min(previous[j] + 1.0, current[j - 1] + 1.0, previous[j - 1] + char_cost(qc, nc)))
        previous = current
    return max(0.0, 1.0 - previous[-1] / max(len(query), len(name)))


@lru_cache(maxsize=4096)
def _pattern(a: str) -> dict[str, int]:
    """Bit mask of the positions of each letter of `a` (Myers' algorithm)."""
    masks: dict[str, int] = {}
    for i, ch in enumerate(a):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    return masks


def _levenshtein(a: str, b: str) -> int:
    """Edit distance, bit-parallel (Myers 1999, Hyyrö's formulation): one pass over `b`."""
    m = len(a)
    if m == 0:
        return len(b)
    masks, full, high = _pattern(a), (1 << m) - 1, 1 << (m - 1)
    pv, mv, score = full, 0, m
    for ch in b:
        eq = masks.get(ch, 0)
        xv = eq | mv
        xh = ((((eq & pv) + pv) & full) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
    return score


def _levenshtein_ratio(a: str, b: str) -> float:
    return max(0.0, 1.0 - _levenshtein(a, b) / max(len(a), len(b), 1))


def _contained(query: str, name: str) -> float:
    if len(query) >= 2 and query in name and query != name:
        return CONTAINS_BASE + CONTAINS_SPAN * len(query) / len(name)
    return 0.0


def name_similarity(query: str, name: str, floor: float = 0.0) -> float:
    """How well a normalized query matches a gazetteer name, 0..1 (1 = the same name).

    A homophone of a two-character name scores 0.95, a near-homophone 0.85; a query that
    is only part of a longer name scores at most 0.75. Scores that cannot reach `floor`
    may be reported lower than they are (the alignment is skipped).
    """
    if not query or not name:
        return 0.0
    if query == name:
        return 1.0
    if is_latin(query):
        letters = query.replace("'", "")
        target = spelled(name)
        if letters == target:
            return 0.95
        partial = _contained(letters, target) if len(letters) >= 4 else 0.0
        if 0.9 * _length_bound(letters, target) < floor:
            return partial
        return max(0.9 * _levenshtein_ratio(letters, target), partial)
    contained = _contained(query, name)
    if _length_bound(query, name) < floor:
        return contained
    return max(_aligned(query, name), contained)


def _length_bound(a: str, b: str) -> float:
    """The best score two strings of these lengths could reach."""
    return 1.0 - abs(len(a) - len(b)) / max(len(a), len(b))


def short_forms(name: str, kind: str) -> list[str]:
    """Names derived by dropping an administrative suffix: 嵩口镇 -> 嵩口, 清流县城 -> 清流, 清流县."""
    if kind == "landmark":
        return []
    forms: list[str] = []
    for suffix in ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            forms.append(stem)
            if suffix == "县城":
                forms.append(stem + "县")
            break
    return forms


def strip_suffix(query: str) -> str | None:
    """The query without its administrative suffix (宋口乡 -> 宋口), or None."""
    for suffix in ADMIN_SUFFIXES:
        if query.endswith(suffix) and len(query) - len(suffix) >= 2:
            return query[: -len(suffix)]
    return None
