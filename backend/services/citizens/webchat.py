"""The web chat's mailbox: identities the server issued, and what each chat window shows.

`register` records a new identity; `append` adds one line (the citizen's words, the bot's
answer, an agent's reply, a notice); `messages_after` answers the lines after an id, oldest
first, which is how the page catches up after a reload, a dropped connection or a poll.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.models.base import utcnow
from backend.models.webchat import WEBCHAT_ROLES, WebChatIdentity, WebChatMessage

logger = logging.getLogger(__name__)

MAX_TEXT = 4000
PAGE = 200


def register(session: Session, *, sender: str, now: datetime | None = None) -> WebChatIdentity:
    """Record an identity the server just issued (idempotent)."""
    identity = find(session, sender=sender)
    if identity is not None:
        return identity
    moment = now or utcnow()
    identity = WebChatIdentity(sender=sender, created_at=moment, last_seen_at=moment)
    session.add(identity)
    session.flush()
    logger.info("new web chat identity %s", sender)
    return identity


def find(session: Session, *, sender: str) -> WebChatIdentity | None:
    return session.scalars(select(WebChatIdentity).where(WebChatIdentity.sender == sender)).first()


def touch(session: Session, *, sender: str, now: datetime | None = None) -> None:
    identity = find(session, sender=sender)
    if identity is None:
        register(session, sender=sender, now=now)
    else:
        identity.last_seen_at = now or utcnow()


def append(
    session: Session,
    *,
    sender: str,
    role: str,
    text: str,
    buttons: list[dict[str, Any]] | None = None,
    now: datetime | None = None,
) -> WebChatMessage:
    if role not in WEBCHAT_ROLES:
        raise InvalidInput(f"未知的消息角色：{role}", field="role")
    if not text.strip() or len(text) > MAX_TEXT:
        raise InvalidInput(f"消息不能为空，且不超过{MAX_TEXT}个字", field="text")
    message = WebChatMessage(
        sender=sender, role=role, text=text, buttons=list(buttons or []), created_at=now or utcnow()
    )
    session.add(message)
    session.flush()
    return message


def messages_after(session: Session, *, sender: str, after_id: int = 0, limit: int = PAGE) -> list[WebChatMessage]:
    stmt = (
        select(WebChatMessage)
        .where(WebChatMessage.sender == sender, WebChatMessage.id > after_id)
        .order_by(WebChatMessage.id)
        .limit(limit)
    )
    return list(session.scalars(stmt))
