"""Caller and sender numbers as the gateways send them (`+8613905981234`) turned into the
form the rest of the service keys people by (`13905981234`), so an SMS and a call from
the same mobile reach the same conversation and citizen; other numbers stay as given."""

from __future__ import annotations

import re

_MOBILE = re.compile(r"(?:\+?86|0086)?(1[3-9]\d{9})")
_NOISE = re.compile(r"[\s\-()]")


def sender_id(raw: str) -> str:
    compact = _NOISE.sub("", raw.strip())
    match = _MOBILE.fullmatch(compact)
    return match[1] if match else compact


def e164(number: str) -> str:
    """For sending: an 11-digit mainland mobile gets +86; anything else is left alone."""
    compact = _NOISE.sub("", number.strip())
    return f"+86{compact}" if re.fullmatch(r"1[3-9]\d{9}", compact) else compact
