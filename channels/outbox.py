"""How a channel hands an answer over for later delivery (STYLE.md §11, §18).

When WeChat's 5-second window closes before the answer is ready, the channel answers
`success` and passes the finished text to an `Outbox`, which records it and puts it on
the outbound queue; a worker then sends it through the customer-service message API.
The application puts its outbox on `app.state.outbox` (`OUTBOX_STATE_KEY`); a channel
that finds none sends directly instead.
"""

from __future__ import annotations

from typing import Protocol

OUTBOX_STATE_KEY = "outbox"


class Outbox(Protocol):
    def deliver_later(self, *, channel: str, to: str, text: str, key: str, kind: str = "reply") -> None:
        """Queue `text` for `to` on `channel` exactly once per `key` (a blocking call:
        run it in a worker thread). `kind` "answer": the dialog's answer to the citizen's
        own message (domestic SMS sends it as its registered template)."""
