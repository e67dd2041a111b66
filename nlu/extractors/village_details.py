"""Villages the gazetteer does not list, so that what a villager said is not lost.

The pilot gazetteer names the townships and some of their villages. A villager says
嵩口镇上坪村 or 从上坪村去县医院 about a village it lacks; keeping only 嵩口镇 would send the
car to the town. Three rules, applied to the places the gazetteer already found:

- a township followed by one of its own listed places is that place (嵩口镇溪源村 -> 溪源村);
- a township or village followed by a village-shaped name (上坪村, 上坪村3组, 3组) keeps it as
  detail: the value is the gazetteer name with the detail after it (嵩口镇上坪村);
- a village-shaped name standing alone after a place cue (从/在/去/到/寄到 …) or as the whole
  answer is a place whose value is the text as written (上坪村), for the dialog to ask which
  township it belongs to.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_NUMBER = "0-9０-９一二三四五六七八九十"
_GROUP = rf"[{_NUMBER}]{{1,3}}(?:组|队|村民小组)"
VILLAGE = re.compile(rf"(?P<name>[\u4e00-\u9fff]{{1,4}}?)(?:自然村|村)(?:{_GROUP})?|{_GROUP}")
"""上坪村 / 上坪自然村 / 上坪村3组 / 3组: the shape of a village or a group of one."""

# characters a village's own name does not hold: function words and verbs of a request
_NOT_IN_NAME = frozenset("的了我你他她它在从去到回是和与跟等要想把给就也都还吗呢吧啊呀个人车点改")
_GENERIC = frozenset(
    {"农村", "乡村", "山村", "本村", "我村", "邻村", "全村", "各村", "村村", "新农村", "城中村", "渔村", "小山村", "老村"}
)
_CUES = frozenset("去到从在往回至住由寄送发是成")  # 是 / 改成: a correction names the village
_NEXT_CUES = ("到", "去", "出发", "上车", "的", "有", "坐", "寄", "发", "至", "往", "接")
_TRAILING = frozenset("啊吧呢呀哦嘛了哈噢呗的，,。.!！?？ ")


def village_at(text: str, start: int, *, group_only: bool = False) -> int | None:
    """The end of a village-shaped name starting at `start`, or None."""
    match = VILLAGE.match(text, start)
    if match is None:
        return None
    name = match.group("name")
    if name is None:
        return match.end()
    if group_only or any(ch in _NOT_IN_NAME for ch in name):
        return None
    whole = text[start : match.end()]
    if whole in _GENERIC or text[start : start + len(name) + 1] in _GENERIC:
        return None
    return match.end()


def standalone_villages(
    text: str, taken: list[bool], is_word: Callable[[str], bool]
) -> list[tuple[int, int]]:
    """Spans of village-shaped names no gazetteer place covers, after a cue or as the whole answer."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(text):
        at_start = i == 0 or not _is_han(text[i - 1])
        after_cue = i > 0 and text[i - 1] in _CUES
        end = village_at(text, i) if (at_start or after_cue) and not taken[i] else None
        if end is None or any(taken[i:end]) or is_word(text[i:end]):
            i += 1
            continue
        rest = text[end:].lstrip("".join(_TRAILING))
        if at_start and not after_cue and rest and not text.startswith(_NEXT_CUES, end):
            i += 1  # 上坪村 alone is an answer, 上坪村到县城 a trip; 上坪村民 … is neither
            continue
        spans.append((i, end))
        i = end
    return spans


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
