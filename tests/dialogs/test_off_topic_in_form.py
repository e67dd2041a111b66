"""Something the service does not do, said while a form waits for an answer ("查违章" when asked
for a parcel number), is answered as such and the question is asked again; it is not checked
as the answer ("这不像快递单号") and nothing is filled with it."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("opening", "asks"),
    [
        ("我的快递到了没", "快递单号"),
        ("我要订车，明天上午9点从嵩口去县城，1个人", "手机号"),
    ],
)
def test_off_topic_inside_a_form_is_told_and_the_question_asked_again(
    chat_at: ChatAt, opening: str, asks: str
) -> None:
    chat = chat_at(NOW)
    assert asks in chat.send("off-topic", opening)
    reply = chat.send("off-topic", "查违章")
    assert "办不了" in reply and asks in reply
    assert "不像" not in reply and "格式不对" not in reply
    again = chat.send("off-topic", "帮我订张机票")  # a second time: a person is offered
    assert "办不了" in again and "人工" in again
    assert asks in chat.send("off-topic", "继续")  # still in the same form, nothing lost


def test_a_damaged_parcel_while_tracking_is_a_complaint(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    assert "快递单号" in chat.send("damaged", "我的快递到了没")
    opened = chat.send("damaged", "俺家的快递箱子都压坏了 中通的")  # the complaint form's first question
    assert "什么时候的事" in opened and "不像" not in opened
