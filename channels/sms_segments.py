"""Split an answer into SMS parts the way a phone counts them.

A text with any Chinese character travels as UCS-2: 70 characters fit one SMS, and a
longer text is sent as concatenated parts of 67 characters each (the other three carry
the joining header). Pure GSM-7 text (plain ASCII here) fits 160, or 153 per part.
Characters outside the Basic Multilingual Plane (emoji) count twice. Parts end at
sentence boundaries (。！？；, then ，、：, then a space) where one lies in the part, so no
part stops mid-phrase; when the text needs more than `max_parts`, the last part is cut
and ends with "…". `fit_sms` keeps an answer as ONE body (the carrier segments it and the
phone joins the segments again) of at most `max_parts` segments, shortened at a sentence
boundary with "…" when it is longer.
"""

from __future__ import annotations

from dataclasses import dataclass

SENTENCE_ENDS = "。！？；!?;\n"
PHRASE_ENDS = "，、：,:）)"
ELLIPSIS = "…"


@dataclass(frozen=True)
class SmsLimits:
    single: int
    per_part: int


UCS2 = SmsLimits(single=70, per_part=67)
GSM7 = SmsLimits(single=160, per_part=153)


def units(text: str) -> int:
    """Length as a phone counts it: UTF-16 code units (an emoji counts 2)."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def limits_for(text: str) -> SmsLimits:
    return GSM7 if all(ch.isascii() and (ch.isprintable() or ch == "\n") for ch in text) else UCS2


def split_sms(text: str, *, max_parts: int = 3) -> list[str]:
    """The parts to send, each within the limit; never more than `max_parts`."""
    if max_parts < 1:
        raise ValueError("max_parts must be at least 1")
    text = text.strip()
    if not text:
        return []
    limits = limits_for(text)
    if units(text) <= limits.single:
        return [text]
    parts: list[str] = []
    rest = text
    while rest:
        if units(rest) <= limits.per_part:
            parts.append(rest)
            break
        if len(parts) == max_parts - 1:
            parts.append(_cut(rest, limits.per_part))
            break
        head = _take(rest, limits.per_part)
        end = _boundary(head)
        parts.append(head[:end].strip())
        rest = rest[end:].strip()
    return [part for part in parts if part]


def _take(text: str, limit: int) -> str:
    """The longest prefix of `text` within `limit` units."""
    used = 0
    for index, ch in enumerate(text):
        used += units(ch)
        if used > limit:
            return text[:index]
    return text


def _boundary(head: str) -> int:
    """Where to end a part: after the last sentence end, else phrase end, else space,
    provided that leaves the part at least a third full; else the hard limit."""
    floor = len(head) // 3
    for marks in (SENTENCE_ENDS, PHRASE_ENDS, " "):
        at = max(head.rfind(mark) for mark in marks)
        if at >= floor:
            return at + 1
    return len(head)


def _cut(text: str, limit: int) -> str:
    """The last allowed part: as much as fits, ending at a boundary when one is near, then "…"."""
    head = _take(text, limit - units(ELLIPSIS))
    end = _boundary(head)
    return head[:end].rstrip() + ELLIPSIS


def fit_sms(text: str, *, max_parts: int = 3) -> str:
    """The text as one body within `max_parts` concatenated segments, shortened if needed."""
    if max_parts < 1:
        raise ValueError("max_parts must be at least 1")
    text = text.strip()
    limits = limits_for(text)
    room = limits.single if max_parts == 1 else limits.per_part * max_parts
    if units(text) <= max(room, limits.single):
        return text
    return _cut(text, room)
