"""不对 / 修改 at a complaint's read-back asks what to change with a complaint's own
examples (the time, the plate, the kind). It was the booking's hint, 改成后天 / 改成3个人 /
终点改成县医院, which a complaint cannot take."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

BOOKING_WORDS = ("改成后天", "3个人", "3人", "县医院")


def test_complaint_change_question_names_a_complaints_changes(chat_at: ChatAt) -> None:
    chat = chat_at(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
    sender = "complaint-change-hint"
    chat.send(sender, "我要投诉，昨天下午1路司机不停车，把我们甩在站上")
    assert "请确认投诉" in chat.send(sender, "不留")
    asked = chat.send(sender, "修改")
    assert "要改什么" in asked and not any(word in asked for word in BOOKING_WORDS), asked
    assert "时间" in asked and "车牌" in asked
    again = chat.send(sender, "没有了")  # not understood: the same complaint question again
    assert "要改什么" in again and not any(word in again for word in BOOKING_WORDS), again
    assert "已改好" in chat.send(sender, "时间改成前天上午")


def test_booking_change_question_keeps_the_bookings_examples(chat_at: ChatAt) -> None:
    chat = chat_at(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
    sender = "booking-change-hint"
    chat.send(sender, "明天上午9点从嵩口镇去县城，两个人")
    chat.send(sender, "13905981234")
    assert "请确认" in chat.send(sender, "不验证")
    assert "改成后天" in chat.send(sender, "修改")


def test_read_back_leaves_out_the_words_asking_to_complain(chat_at: ChatAt) -> None:
    """我要投诉，昨天… was read back 请确认投诉：司机服务。我要投诉，昨天… (on the hotline
    您要投诉司机服务：我要投诉，昨天…); the story is read back without them."""
    chat = chat_at(datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI))
    for sender, said in (("lead-1", "我要投诉，昨天下午1路司机不停车，把我们甩在站上"), ("lead-2", "投诉 昨天下午1路司机不停车，把我们甩在站上")):
        chat.send(sender, said)
        reply = chat.send(sender, "不留")
        assert "请确认投诉：司机服务。昨天下午1路司机不停车" in reply, reply
