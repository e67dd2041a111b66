"""Booking a ride "待会儿" / "一会儿" / "等会儿": the next ride from now, read back as a ride at
this moment, as for 现在. Before, 待会儿从嵩口去县城 asked 什么时候出发 and 一会儿 as the answer
was not understood."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt


@pytest.mark.parametrize(
    "said",
    [["待会儿从嵩口去县城 一个人"], ["从嵩口去县城 一个人", "一会儿"], ["从嵩口去县城 一个人", "等会儿"]],
)
def test_in_a_while_books_the_nearest_ride(chat_at: ChatAt, said: list[str]) -> None:
    chat = chat_at(datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI))
    for text in said:
        chat.send("while", text)
    chat.send("while", "13912345678")
    reply = chat.send("while", "不验证")
    assert "请确认：今天(11月20日)09:00 嵩口镇→清流县城 1人，村通约车" in reply, reply
