"""Self-corrections inside one message: only the corrected value comes out.

Villagers correct themselves as they type or speak: "后天哦不对大后天下午三点", "八点半啊不是九点",
"两个人不对三个人", "从田源 不对 从沙芜走", "不是嵩口 是嵩溪". Two entities of the same family
(a time, a head count, a place) with a correction word between them, or the shape
"不是A(，)是B", mean that the first one was a slip; a plain "A不是B" ("去县城不是嵩口") keeps A. `find_corrections` names the slips and
the correction words; the pipeline masks both (length-preserving, so offsets stay those of
the text as written) and analyses the message again, so neither the slip nor "不对" reaches
the intent classifier or the entities.

A message that is nothing but a correction ("不是后天 是周六", "不对 是大后天") answers a
question: `is_bare_correction` tells the pipeline to call it `inform`, not `deny`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from nlu.extractors.base import Entity
from nlu.extractors.numbers import cn_to_int

_FAMILIES = {"time": "time", "passengers": "passengers", "place": "place"}
_MARKER = re.compile(
    r"(?P<particle>[哦噢喔啊呃嗯]\s*)?(?P<word>不对不对|不对|不是|说错了|讲错了|搞错了|打错了|错了|[哦噢喔啊]不)"
    r"(?:\s*[，,、]?\s*)"
)
_BETWEEN_LIMIT = 10
"""A correction word further than this from either entity is about something else."""
_IS = re.compile(r"[\s，,、]*(?:而|就|应该)?是\s*")
_NOT_BEFORE = re.compile(r"(?:不是|不对)\s*$")
_FILLER = set("是就而吧呢的啊哦噢嗯呀了 ,，。.!！、")
_COUNT_AFTER = re.compile(
    r"(?P<gap>[\s，,、]*(?:[哦噢啊嗯]\s*)?(?:不对不对|不对|不是|说错了|讲错了|搞错了|错了)?[\s，,、]*"
    r"(?:而|就|应该)?是?\s*)(?P<n>[0-9]{1,2}|[一二两三四五六七八九十]{1,3}|俩|仨)(?:个人|个|人|位)?"
)
"""After a head count: a correction and a bare count ("三个人 不对 两个", "不是三个人 是两个")."""
_LEAD = re.compile(r"^\s*(?:[哦噢啊嗯]\s*)?(?:不是|不对|错了|说错了)")


@dataclass(frozen=True)
class Correction:
    """Spans to mask: the slip (an entity) and the words that corrected it."""

    slip: Entity
    marker: tuple[int, int]


def find_corrections(text: str, entities: Sequence[Entity]) -> list[Correction]:
    """Slips corrected later in the same message (see the module docstring)."""
    ordered = sorted((e for e in entities if e.entity in _FAMILIES), key=lambda e: e.start)
    found: list[Correction] = []
    for index, first in enumerate(ordered):
        later = next((e for e in ordered[index + 1 :] if e.entity == first.entity), None)
        if later is None or later.start - first.end > _BETWEEN_LIMIT:
            continue
        gap = text[first.end : later.start]
        marker = _MARKER.search(gap)
        if marker is not None:
            span = (first.end + marker.start(), first.end + marker.end())
            if marker.group("word") == "不是" and not marker.group("particle"):
                found.append(Correction(later, span))  # 县城不是嵩口: "A, not B"
            else:
                found.append(Correction(first, span))  # 八点半啊不是九点: the first was a slip
            continue
        before = _NOT_BEFORE.search(text[: first.start])
        if before is not None and _IS.fullmatch(gap):
            found.append(Correction(first, (before.start(), first.start)))
    return found


def corrected_counts(text: str, entities: Sequence[Entity]) -> list[Entity]:
    """Head counts said bare after a corrected one: "不是三个人 是两个" -> passengers 2 at 两个.

    The number extractor does not take a bare "两个" for people; right after a head count
    that is being corrected, it is one, so `find_corrections` then sees the slip.
    """
    counts = [e for e in entities if e.entity == "passengers"]
    out: list[Entity] = []
    for first in counts:
        match = _COUNT_AFTER.match(text, first.end)
        if match is None or any(e.start < match.end() and match.start("n") < e.end for e in entities):
            continue
        corrected = _MARKER.search(match.group("gap")) or (
            _NOT_BEFORE.search(text[: first.start]) and "是" in match.group("gap")
        )
        value = cn_to_int(match.group("n"))
        if corrected and value is not None and 0 < value < 100:
            out.append(Entity("passengers", value, match.start("n"), match.end(), "CorrectedCount", 0.9))
    return out


def mask(text: str, corrections: Sequence[Correction]) -> str:
    """The text with every slip and correction word blanked out (same length)."""
    chars = list(text)
    for correction in corrections:
        for start, end in ((correction.slip.start, correction.slip.end), correction.marker):
            for i in range(start, end):
                chars[i] = " "
    return "".join(chars)


def is_bare_correction(original: str, masked: str, entities: Sequence[Entity]) -> bool:
    """"不是后天 是周六" / "不对 是大后天": a correction and the right value, nothing else."""
    if not entities or not (_LEAD.search(original) or masked != original):
        return False
    rest = list(masked)
    for ent in entities:
        for i in range(ent.start, ent.end):
            rest[i] = " "
    leftover = _LEAD.sub("", "".join(rest), count=1)
    return ("是" in leftover or masked != original) and all(ch in _FILLER for ch in leftover)
