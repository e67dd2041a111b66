"""Helpers for conversation tests: one trained NLU model per test process (training
takes seconds, so it is done once and shared), state stores (in-process, or Redis with
a key prefix of the test's own when TEST_REDIS_URL is set), a turn processor with a
fixed clock, and the records a sender's conversation left in the database.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.processor import Processor
from bot.runtime import Runtime
from bot.state.base import StateStore
from bot.state.memory import MemoryStateStore
from bot.state.redis import RedisStateStore
from nlu.pipeline import NluPipeline
from tests.nlu.trained import trained_model

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)  # a Friday morning, as in tests/conftest.py


def trained_nlu() -> NluPipeline:
    """The NLU trained from training_data/ once per test process: the same model the
    `nlu_model` fixture shares (tests/nlu/trained.py), not a second training run."""
    directory = Path(tempfile.gettempdir()) / f"cuntong-nlu-{os.getpid()}"
    directory.mkdir(exist_ok=True)
    return trained_model(directory)[0]


def redis_url() -> str | None:
    return os.environ.get("TEST_REDIS_URL") or None


def make_store(kind: str = "auto") -> tuple[StateStore, str]:
    """A fresh store and its key prefix: Redis when asked for (or TEST_REDIS_URL set with
    "auto"), else in-process."""
    prefix = f"cuntong-test:{uuid.uuid4().hex[:10]}:"
    url = redis_url()
    if kind == "redis" or (kind == "auto" and url):
        if url is None:
            raise RuntimeError("TEST_REDIS_URL is not set")
        return RedisStateStore.from_url(url, prefix=prefix), prefix
    return MemoryStateStore(), prefix


def forget_redis_keys(prefix: str) -> None:
    """Delete what a test left in Redis under its prefix."""
    url = redis_url()
    if url is None:
        return
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=prefix + "*"))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def make_processor(runtime: Runtime, store: StateStore, *, now: datetime = NOW, **kwargs: Any) -> Processor:
    """A processor on the test's runtime with the clock stopped at `now`."""
    options: dict[str, Any] = {
        "unit_of_work": runtime.unit_of_work,
        "idle_minutes": runtime.settings.conversation_idle_minutes,
        **kwargs,
    }
    return Processor(nlu=trained_nlu(), store=store, clock=lambda: now, **options)


def citizen_of(session: Session, *, channel: str, sender: str) -> int | None:
    """The citizen id behind a sender, if the conversation created one."""
    from backend.models import ChannelIdentity

    stmt = select(ChannelIdentity.citizen_id).where(
        ChannelIdentity.channel == channel, ChannelIdentity.external_id == sender
    )
    return session.scalars(stmt).first()


def sent_code(session: Session, mobile: str | None = None) -> str:
    """The newest one-time code texted (to `mobile`), as the phone's owner reads it off the
    SMS: the queued message as the outbound worker renders it for the provider (the
    stored row holds the code masked)."""
    import re

    from backend.models import OutboundMessage
    from backend.services.citizens import verification

    stmt = select(OutboundMessage).where(OutboundMessage.kind == "verification_code")
    if mobile is not None:
        stmt = stmt.where(OutboundMessage.to == mobile)
    row = session.scalars(stmt.order_by(OutboundMessage.id.desc())).first()
    assert row is not None, f"no verification code was sent to {mobile or 'anyone'}"
    body = verification.message_text(session, kind=row.kind, event_key=row.event_key, body=row.body)
    assert body is not None, row.event_key
    found = re.search(r"验证码(\d{6})", body)
    assert found is not None, body
    return found.group(1)


def assert_plain(reply: str) -> str:
    """A reply a citizen may read: no English words, field or intent names, None/null,
    validation wording or placeholders (issue 10 §4). Every conversation helper checks
    every reply with it, so every conversation test scans what it hears."""
    from dialogs.texts.promises import INTERNAL

    leaked = INTERNAL.findall(reply)
    assert not leaked, (leaked, reply)
    return reply
