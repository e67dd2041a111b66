"""The web chat's sender: "sending" is writing the line into the citizen's chat window
(the mailbox); the open page receives it by Server-Sent Events or its next poll, and a
page opened later shows it in the history. Agent replies read as the agent's, the rest
(notices, follow-up questions) as notices."""

from __future__ import annotations

from backend.models.webchat import WebChatMessage
from backend.services.citizens import webchat
from backend.services.notices.outbox import REPLY_KIND
from bot.outbound.base import Outgoing, Sender, SendError
from bot.outbound.worker import UnitOfWork


class WebChatSender(Sender):
    channel = "web"

    def __init__(self, *, unit_of_work: UnitOfWork) -> None:
        self._uow = unit_of_work

    def send(self, message: Outgoing) -> str:
        role = "agent" if message.kind == REPLY_KIND else "notice"
        with self._uow() as session:
            if webchat.find(session, sender=message.to) is None:
                raise SendError(f"没有这个网页聊天身份：{message.to}", retryable=False)
            written: WebChatMessage = webchat.append(session, sender=message.to, role=role, text=message.body)
            return f"web-{written.id}"
