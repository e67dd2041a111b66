"""Cutting a free text into pieces for consecutive SMS (a template variable holds at most
35 characters): in order, nothing lost or added (the pieces joined are the text), each
piece within its limit and never empty, cut after a punctuation mark or a line break in the
second half of the window when there is one, so a piece ends where a reader can pause."""

from __future__ import annotations

PAUSES = "。！？；，、：\n）” "


def cut(text: str, first: int, limit: int) -> list[str]:
    """`text` as pieces: the first at most `first` characters, the others at most `limit`."""
    if first < 1 or limit < 2:
        raise ValueError("a piece holds at least one character")
    pieces: list[str] = []
    rest = text
    while rest:
        size = first if not pieces else limit
        if len(rest) <= size:
            pieces.append(rest)
            break
        end = _pause(rest, size)
        pieces.append(rest[:end])
        rest = rest[end:]
    return pieces


def _pause(text: str, size: int) -> int:
    """Where to end a piece of at most `size` characters of the longer `text`."""
    for end in range(size, size // 2, -1):
        if text[end - 1] in PAUSES and text[end:].strip():
            return end
    return size
