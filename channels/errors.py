"""The channels package's one exception root (STYLE.md §24): every refusal of a webhook
request carries the HTTP status to answer with and a one-line reason."""

from __future__ import annotations


class ChannelError(Exception):
    """Root of everything a channel raises on purpose."""


class Rejected(ChannelError):
    """The request must be refused with `status` and `reason`; nothing is processed."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class PayloadError(Rejected, ValueError):
    """The body is not a message we can read (malformed, hostile, incomplete): 400."""

    def __init__(self, reason: str) -> None:
        super().__init__(400, reason)
