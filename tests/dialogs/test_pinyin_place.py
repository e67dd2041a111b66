"""A place typed in pinyin letters (songkou) is read like the place (嵩口镇), not dropped."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


def test_a_place_typed_in_pinyin_is_kept(chat_at: ChatAt) -> None:
    """明天从songkou去县城 dropped songkou without a word and asked 从哪里出发."""
    chat = chat_at(NOW)
    reply = chat.send("pinyin-place", "明天早上8点从songkou去县城，1个人")
    assert "从哪里出发" not in reply, reply
    assert "验证码" in chat.send("pinyin-place", "13905981504")
    assert "嵩口镇→清流县城" in chat.send("pinyin-place", "不验证")
