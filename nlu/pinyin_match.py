"""Pinyin-based similarity for Chinese words, tolerant to homophones and input slips.

Villagers type place names with a pinyin IME or speak them to speech recognition, so a
wrong character usually sounds the same or nearly the same as the right one (松口 for 嵩口,
林舍 for 林畲, 临地 for 灵地). This module compares characters by their readings (all
heteronym readings from pypinyin, cached per character): same character 1.0, same reading
with tone 0.95, same reading without tone 0.9, same reading after folding the confusions
common in southern Mandarin (z/zh, c/ch, s/sh, n/l, f/h, en/eng, in/ing, an/ang) 0.75.
A character as typed is read by its usual reading first: a match that needs one of its rare
readings (单 as chan, 号 as xiao) counts `RARE_READING` times less, so 单号 is not 长校.
Words are compared by an edit-distance alignment over these character scores; typed
pinyin in Latin letters ("songkou") is compared against the words' spelled pinyin.
"""

from __future__ import annotations

import itertools
from functools import lru_cache

from pypinyin import Style, pinyin

SAME_CHAR = 1.0
SAME_TONE3 = 0.95
SAME_TONELESS = 0.9
SAME_FUZZY = 0.75
RARE_READING = 0.85

_INITIAL_FOLDS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("f", "h"))
_FINAL_FOLDS = (("ing", "in"), ("eng", "en"), ("ang", "an"))


def is_han(ch: str) -> bool:
    """True for a CJK unified ideograph (basic block or extension A)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def toneless(syllable: str) -> str:
    """'song1' -> 'song'."""
    return syllable.rstrip("012345")


def fold(syllable: str) -> str:
    """Toneless syllable with the common initial/final confusions folded together."""
    s = toneless(syllable)
    for long, short in _INITIAL_FOLDS:
        if s.startswith(long):
            s = short + s[len(long) :]
            break
    if s.startswith("n") and len(s) > 1 and not s.startswith("ng"):
        s = "l" + s[1:]
    for long, short in _FINAL_FOLDS:
        if s.endswith(long):
            s = s[: -len(long)] + short
            break
    return s


@lru_cache(maxsize=16384)
def readings(ch: str) -> frozenset[str]:
    """All tone-numbered readings of one Han character (empty for anything else)."""
    if len(ch) != 1 or not is_han(ch):
        return frozenset()
    result = pinyin(ch, style=Style.TONE3, heteronym=True, errors="ignore")
    return frozenset(r for group in result for r in group if r and r.isascii())


@lru_cache(maxsize=16384)
def toneless_readings(ch: str) -> frozenset[str]:
    return frozenset(toneless(r) for r in readings(ch))


@lru_cache(maxsize=16384)
def folded_readings(ch: str) -> frozenset[str]:
    return frozenset(fold(r) for r in readings(ch))


@lru_cache(maxsize=16384)
def usual_readings(ch: str) -> frozenset[str]:
    """The reading(s) a character has out of context (单 -> dan1, not chan2 or shan4)."""
    if len(ch) != 1 or not is_han(ch):
        return frozenset()
    result = pinyin(ch, style=Style.TONE3, heteronym=False, errors="ignore")
    return frozenset(r for group in result for r in group if r and r.isascii())


def _reading_similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if a & b:
        return SAME_TONE3
    if {toneless(r) for r in a} & {toneless(r) for r in b}:
        return SAME_TONELESS
    if {fold(r) for r in a} & {fold(r) for r in b}:
        return SAME_FUZZY
    return 0.0


def char_similarity(a: str, b: str) -> float:
    """Similarity of two characters in 0..1 by sound (1.0 for the same character)."""
    if a == b:
        return SAME_CHAR
    if readings(a) & readings(b):
        return SAME_TONE3
    if toneless_readings(a) & toneless_readings(b):
        return SAME_TONELESS
    if folded_readings(a) & folded_readings(b):
        return SAME_FUZZY
    return 0.0


@lru_cache(maxsize=65536)
def typed_char_similarity(typed: str, meant: str) -> float:
    """Like `char_similarity`, but `typed` is heard by its usual reading (see module doc)."""
    if typed == meant:
        return SAME_CHAR
    usual = _reading_similarity(usual_readings(typed), readings(meant))
    return usual or RARE_READING * char_similarity(typed, meant)


def aligned_similarity(typed: str, meant: str) -> float:
    """Position-by-position similarity of two equally long strings (0 if any pair is 0).

    `typed` is the text as written, `meant` the known word it may stand for.
    """
    if len(typed) != len(meant) or not typed:
        return 0.0
    total = 0.0
    for x, y in zip(typed, meant, strict=True):
        s = typed_char_similarity(x, y)
        if s == 0.0:
            return 0.0
        total += s
    return total / len(typed)


def word_similarity(a: str, b: str) -> float:
    """Sound similarity of two words in 0..1, allowing inserted or missing characters."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    prev = [float(j) for j in range(len(b) + 1)]
    for i, x in enumerate(a, start=1):
        cur = [float(i)] + [0.0] * len(b)
        for j, y in enumerate(b, start=1):
            cur[j] = min(prev[j] + 1.0, cur[j - 1] + 1.0, prev[j - 1] + 1.0 - char_similarity(x, y))
        prev = cur
    return max(0.0, 1.0 - prev[-1] / max(len(a), len(b)))


@lru_cache(maxsize=4096)
def spellings(word: str, limit: int = 8) -> tuple[str, ...]:
    """Toneless pinyin spellings of a word ('嵩口' -> ('songkou',)), heteronyms included."""
    options = [sorted(toneless_readings(ch)) or [ch.lower()] for ch in word]
    out: list[str] = []
    for combo in itertools.islice(itertools.product(*options), limit):
        out.append("".join(combo))
    return tuple(out)


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]


def spelled_similarity(typed: str, word: str) -> float:
    """Similarity of Latin-letter pinyin as typed ('song kou') to a Chinese word."""
    letters = "".join(c for c in typed.lower() if c.isascii() and c.isalpha())
    if not letters:
        return 0.0
    best = 0.0
    for spelled in spellings(word):
        dist = _levenshtein(letters, spelled)
        best = max(best, 1.0 - dist / max(len(letters), len(spelled)))
    return best
