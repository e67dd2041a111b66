"""This round's new answers by SMS are made of registered templates (a domestic provider
sends nothing else): a line that does not stop at a place, 不想收短信了, 等一下, a verified
sender with no parcels, and the just-passed clock with its numbered choices."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.runtime import Runtime
from channels.buttons import text_blocks
from channels.messages import Message
from channels.sms_templates import TemplateRegistry
from tests.conftest import SHANGHAI
from tests.utils.conversation import make_processor, make_store

REGISTRY = TemplateRegistry.load()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def conversation(runtime: Runtime, texts: list[str], now: datetime) -> list[str]:
    store, _ = make_store("memory")
    processor = make_processor(runtime, store, now=now)
    blocks: list[str] = []
    for text in texts:
        message = Message(channel="sms", sender="13905982222", text=text, received_at=datetime.now(UTC))
        blocks = text_blocks(await processor.handle(message))
    await store.close()
    return blocks


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("texts", "hour", "says"),
    [
        (["嵩口的3路还有多久到"], 9, "3路不经过嵩口镇"),
        (["我不想收短信了"], 9, "回复TD退订通知短信"),
        (["明天9点嵩口去县城2个人", "等一下"], 9, "好，不急。"),
        (["查快递"], 9, "尾号2222没有查到快递"),
        (["从嵩口去县城 一个人", "8点"], 8, "还是明早"),
    ],
)
async def test_new_answers_are_templates(runtime: Runtime, texts: list[str], hour: int, says: str) -> None:
    blocks = await conversation(runtime, texts, datetime(2026, 11, 20, hour, 10, tzinfo=SHANGHAI))
    assert any(says in block for block in blocks), blocks
    for block in blocks:
        assert REGISTRY.compose(block) is not None, block


@pytest.mark.anyio
async def test_a_knowledge_answer_offers_a_person_once(runtime: Runtime) -> None:
    """学生票多少钱 by SMS ended …回复0转人工。 and then the option 回复0 人工客服."""
    blocks = await conversation(runtime, ["学生票多少钱"], datetime(2026, 11, 20, 9, 10, tzinfo=SHANGHAI))
    [block] = blocks
    assert "半价" in block and block.count("回复0") == 1, block
    assert REGISTRY.compose(block) is not None, block


@pytest.mark.anyio
async def test_a_question_inside_a_task_is_answered_in_templates(runtime: Runtime) -> None:
    texts = ["明天从灵地镇去三明怎么坐车", "嵩口镇的快递站在哪"]
    blocks = await conversation(runtime, texts, datetime(2026, 11, 20, 9, 10, tzinfo=SHANGHAI))
    assert any("新街15号" in block for block in blocks) and "几点" in blocks[-1], blocks
    for block in blocks:
        assert REGISTRY.compose(block) is not None, block
