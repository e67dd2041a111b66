"""A plain question asked while a task waits for an answer is answered from the knowledge
base, and the task's question follows: 嵩口镇的快递站在哪 while 几点出发 was asked got
抱歉，没听明白 (twice, then the offer of a person), though the same question alone is answered."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt


def test_a_question_inside_a_task_is_answered_and_the_task_goes_on(chat_at: ChatAt) -> None:
    chat = chat_at(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
    sender = "question-in-form"
    assert "几点" in chat.send(sender, "明天从灵地镇去三明怎么坐车")
    reply = chat.send(sender, "嵩口镇的快递站在哪")
    assert "新街15号" in reply and "没听明白" not in reply, reply
    assert "几点" in reply.split("新街15号", 1)[1], reply  # the task's question again, after the answer
    again = chat.send(sender, "嵩口镇的快递站在哪")
    assert "没弄明白" not in again and "新街15号" in again  # asked twice is no failure either
    assert "几个人" in chat.send(sender, "早上8点")  # the task took the answer


def test_noise_inside_a_task_is_still_not_understood(chat_at: ChatAt) -> None:
    chat = chat_at(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
    sender = "noise-in-form"
    chat.send(sender, "明天从灵地镇去三明怎么坐车")
    assert "没听明白" in chat.send(sender, "啊啊啊")


def test_a_question_the_nlu_takes_for_help_is_answered(chat_at: ChatAt) -> None:
    """哪些东西不能带上车 (a knowledge entry's own question) got the menu, alone and at a
    booking's read-back; 帮助 still gets the menu."""
    chat = chat_at(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
    assert "鞭炮" in chat.send("help-q-1", "哪些东西不能带上车")
    sender = "help-q-2"
    chat.send(sender, "明天上午9点从嵩口镇去县城，两个人")
    chat.send(sender, "13905981234")
    assert "请确认" in chat.send(sender, "不验证")
    reply = chat.send(sender, "哪些东西不能带上车")
    assert "鞭炮" in reply and "请确认" in reply.split("鞭炮", 1)[1], reply
    assert "或选择" in chat.send("help-q-3", "帮助") and "预约乘车" in chat.buttons()
