"""A cancellation that never got to a booking (取消B… not found) is not taken up again after the
citizen books something new: resuming it offered to cancel the charter just made. One with a
booking chosen is resumed."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import SHANGHAI
from tests.dialogs.test_change_promise import booked_seat
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)
CHARTER = "我要包车 后天早上7点 20个人 从嵩口去福州 手机13905981333"


def test_an_empty_cancellation_is_not_resumed_after_a_new_booking(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    assert "没有找到" in chat.send("resume-1", "取消B202611209999")
    chat.send("resume-1", CHARTER)
    done = chat.send("resume-1", "不验证") + chat.send("resume-1", "确认")
    assert "包车已预约" in done
    assert "取消预约" not in done and "哪一个" not in done


def test_a_cancellation_with_its_booking_chosen_is_resumed(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    booked_seat(chat, "resume-2", "13905981334")
    assert "确认取消" in chat.send("resume-2", "取消预约")
    chat.send("resume-2", CHARTER.replace("1333", "1334"))
    done = chat.send("resume-2", "不验证") + chat.send("resume-2", "确认")
    assert "包车已预约" in done and "接着办刚才的取消预约" in done
