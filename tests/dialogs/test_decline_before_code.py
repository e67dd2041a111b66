"""不验证 said before any code was sent (the phone number is still being asked) declines nothing
and takes nothing back: the booking keeps what was said (1个人) and the same question is asked
again; the number given next is the one a code goes to."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


def test_declining_before_a_code_keeps_everything(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    assert "手机号" in chat.send("decline-early", "我要订车 今天下午3点从嵩口去县城 1个人")
    again = chat.send("decline-early", "不验证")
    assert "手机号" in again and "几个人" not in again
    assert "尾号7777" in chat.send("decline-early", "13905987777")
    read_back = chat.send("decline-early", "不验证")
    assert "1人" in read_back and "嵩口镇→清流县城" in read_back


@pytest.mark.parametrize("said", ["不知道", "不方便", "不记得了"])
def test_cannot_say_is_about_the_question_not_the_last_answer(chat_at: ChatAt, said: str) -> None:
    chat = chat_at(NOW)
    assert "手机号" in chat.send(f"cannot-{said}", "我要订车 今天下午3点从嵩口去县城 1个人")
    again = chat.send(f"cannot-{said}", said)
    assert "手机号" in again and "几个人" not in again
