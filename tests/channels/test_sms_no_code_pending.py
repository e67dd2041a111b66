"""On a phone channel no one-time code is sent (the number is the sender's own), so a
citizen who mentions 验证码 is never told one was sent ("验证码已发到尾号，…" with no digits)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.processor import Processor
from bot.runtime import Runtime
from channels.messages import Message
from tests.utils.conversation import make_processor, make_store

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_mentioning_a_code_at_the_read_back_does_not_invent_one(runtime: Runtime) -> None:
    processor: Processor = make_processor(runtime, make_store("memory")[0])

    async def say(text: str) -> str:
        message = Message(channel="sms", sender="13912345678", text=text, received_at=datetime.now(UTC))
        return "\n".join(r.text for r in await processor.handle(message))

    first = await say("我要订车，明天早上8点半从嵩口去县城，两个人，手机13905981251")
    assert "确认" in first and "验证码" not in first
    answer = await say("验证码是12345")
    assert "验证码已发" not in answer and "尾号，" not in answer, answer
    assert "确认" in answer  # the read-back stands
