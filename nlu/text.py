"""Length-preserving clean-up of incoming message text.

Messages arrive with full-width letters and digits (Chinese input methods), ideographic
spaces, stray control characters and zero-width marks. `clean_text` maps each character
to exactly one character, so entity offsets computed on the cleaned text are offsets in
the text as written (docs/CONTRACTS.md §1).
"""

from __future__ import annotations

import unicodedata

MAX_PARSE_CHARS = 1000
"""Longer texts are not a plausible message: the pipeline answers out_of_scope at once."""

_FULLWIDTH_OFFSET = 0xFEE0


def _clean_char(ch: str) -> str:
    code = ord(ch)
    if 0xFF01 <= code <= 0xFF5E:  # full-width ASCII block
        return chr(code - _FULLWIDTH_OFFSET)
    if ch == "\u3000":
        return " "
    if 0xD800 <= code <= 0xDFFF:  # lone surrogate from a broken decoder
        return " "
    category = unicodedata.category(ch)
    if category in ("Cc", "Cf", "Zl", "Zp", "Zs"):
        return " "
    return ch


def clean_text(text: str) -> str:
    """Return `text` with one clean character for every character written."""
    return "".join(_clean_char(ch) for ch in text)


def has_content(text: str) -> bool:
    """True when the text holds at least one letter, digit or Chinese character."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)
