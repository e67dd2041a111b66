"""Numbered choices for channels that cannot show buttons (STYLE.md §13): a button whose
payload is a digit keeps that digit ("回复1确认"), others are numbered by position;
`text_blocks` lays replies out as text with their choices (SMS, WeChat passive replies)."""

from __future__ import annotations

from collections.abc import Sequence

from channels.messages import Button, Reply


def option_number(position: int, button: Button) -> str:
    """The digit the citizen answers with; `position` counts from 1."""
    payload = button.payload.strip()
    return payload if payload.isdigit() and len(payload) <= 2 else str(position)


def numbered(buttons: Sequence[Button], *, verb: str = "回复") -> str:
    """One line per option, `回复1 确认` (SMS, WeChat): readable on a small phone."""
    return "\n".join(f"{verb}{option_number(i, b)} {b.title}" for i, b in enumerate(buttons, start=1))


def text_blocks(replies: Sequence[Reply]) -> list[str]:
    """Each reply with something to show as one block: its text, then its choices numbered."""
    blocks = []
    for reply in replies:
        lines = [reply.text.strip()] if reply.text.strip() else []
        if reply.buttons:
            lines.append(numbered(reply.buttons))
        if lines:
            blocks.append("\n".join(lines))
    return blocks
