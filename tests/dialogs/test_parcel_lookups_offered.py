"""Only parcel look-ups that will be answered are offered. A phone number or its tail finds
parcels only for the verified owner of that number, so the 查快递 question no longer invites
"收件人手机号（后4位也行）" from someone who has proven no number (the tail was then refused),
nor from an SMS sender whose own number has no parcels; and the knowledge base's 取件码丢了怎么办
says what the service does (a tracking number re-sends the code to the recipient's phone),
not that a phone tail gets the code re-sent."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text

from backend.db import alembic_config, make_engine, migrate
from backend.models import OutboundMessage
from backend.services.knowledge import search as knowledge
from bot.runtime import Runtime
from channels.buttons import text_blocks
from channels.messages import Message
from tests.conftest import NOW
from tests.dialogs.conftest import Chat
from tests.utils.conversation import make_processor, make_store

OLD, NEW = (getattr(importlib.import_module("backend.migrations.versions.0020_lost_pickup_code_answer"), n) for n in ("OLD", "NEW"))
RECIPIENT_TAIL = "3426"  # JT4678203589049 waits at a service point for 13759803426 (pilot data)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def test_an_unverified_chat_is_not_offered_a_phone_tail(chat: Chat) -> None:
    chat.send("parcel-ask", "查快递")
    prompt = chat.text()
    assert "后4位" not in prompt and "尾号" not in prompt and "收件人手机号" not in prompt, prompt
    assert "快递单号" in prompt and "本人的11位手机号" in prompt, prompt
    chat.send("parcel-ask", RECIPIENT_TAIL)  # tried anyway: nothing about the parcel
    assert "JT4678203589049" not in chat.text() and "只能查您本人验证过的号码" in chat.text()


@pytest.mark.anyio
async def test_an_sms_sender_without_parcels_is_asked_for_the_number(runtime: Runtime) -> None:
    store, _ = make_store("memory")
    processor = make_processor(runtime, store)
    message = Message(channel="sms", sender="13905981111", text="查快递", received_at=datetime.now(UTC))
    (prompt,) = text_blocks(await processor.handle(message))
    await store.close()
    assert "后4位" not in prompt and "尾号1111没有查到快递" in prompt, prompt


def test_the_lost_code_answer_is_what_the_service_does(chat: Chat) -> None:
    with chat.runtime.sessions() as session:
        match = knowledge.answer(session, "取件码丢了怎么办", day=NOW.date())
        assert match is not None
        said = match.entry.answer + match.entry.short_answer
    assert "尾号" not in said and "快递单号" in said and "收件人手机" in said, said
    assert (match.entry.answer, match.entry.short_answer) == NEW  # the pilot file and the migration agree
    chat.send("lost-code", "查快递 JT4678203589049")  # as the answer says: the tracking number
    assert f"取件码已短信发送到收件人尾号{RECIPIENT_TAIL}" in chat.text(), chat.text()
    with chat.runtime.sessions() as session:
        sent = session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "pickup_code")).all()
    assert [m.to[-4:] for m in sent] == [RECIPIENT_TAIL], sent


def test_a_base_loaded_before_gets_the_new_answer_unless_staff_edited_it(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    command.upgrade(alembic_config(engine), "0019")
    with engine.begin() as conn:
        for question, answer in (("取件码丢了怎么办", OLD[0]), ("取件码丢了怎么办 ", "服务站自己改过的回答")):
            conn.execute(
                text(
                    "INSERT INTO knowledge_entries (question, variants, answer, short_answer, tags, active,"
                    " created_at, updated_at, updated_by) VALUES (:q, '[]', :a, :s, '[]', 1, :t, :t, 'system')"
                ),
                {"q": question.strip(), "a": answer, "s": OLD[1], "t": "2026-11-01 00:00:00"},
            )
    migrate(engine)
    with engine.connect() as conn:
        answers = conn.execute(text("SELECT answer FROM knowledge_entries ORDER BY id")).scalars().all()
        audits = conn.execute(text("SELECT action FROM knowledge_audit")).scalars().all()
    assert answers == [NEW[0], "服务站自己改过的回答"] and audits == ["updated"]
    engine.dispose()
