"""Start-up hook (bot/registry.py RUNTIME_HOOKS) for the web chat: the mailbox the
channel reads and writes (`app.state.webchat_mailbox`), backed by the database through
`backend.services.citizens.webchat`, each call in its own unit of work."""

from __future__ import annotations

from typing import Any

from backend.localtime import to_local
from backend.models.webchat import WebChatMessage
from backend.services.citizens import webchat
from bot.runtime import Runtime
from channels.webchat import MAILBOX_STATE_KEY


def line(message: WebChatMessage) -> dict[str, Any]:
    return {
        "id": message.id,
        "role": message.role,
        "text": message.text,
        "buttons": message.buttons or [],
        "at": to_local(message.created_at).strftime("%m-%d %H:%M"),
    }


class DatabaseMailbox:
    def __init__(self, runtime: Runtime) -> None:
        self._uow = runtime.unit_of_work

    def register(self, sender: str) -> None:
        with self._uow() as session:
            webchat.register(session, sender=sender)

    def append(self, sender: str, role: str, text: str, buttons: list[dict[str, str]]) -> dict[str, Any]:
        with self._uow() as session:
            webchat.touch(session, sender=sender)
            return line(webchat.append(session, sender=sender, role=role, text=text, buttons=buttons))

    def after(self, sender: str, after_id: int) -> list[dict[str, Any]]:
        with self._uow() as session:
            return [line(m) for m in webchat.messages_after(session, sender=sender, after_id=after_id)]


def attach(runtime: Runtime, app: Any = None) -> None:
    mailbox = DatabaseMailbox(runtime)
    runtime.extras["webchat_mailbox"] = mailbox
    if app is not None:
        setattr(app.state, MAILBOX_STATE_KEY, mailbox)
