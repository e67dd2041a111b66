"""退订 / TD typed in a chat: on SMS the channel takes them as the carrier's unsubscribe
keywords; on REST, web chat and WeChat a bare 退订 may mean cancelling a ride or stopping
notices, so it is asked back with numbered choices and cancels nothing by itself. Before,
退订 started the cancellation of the citizen's booking (确认取消订单…吗, and "1" cancelled it),
TD was not understood, 取消订阅 was read as cancelling a booking and 我不想收短信了 started
a 到站提醒 subscription."""

from __future__ import annotations

from sqlalchemy import select

from backend.models import Booking, Subscription
from tests.dialogs.conftest import Chat

ME = "unsub"


def book(chat: Chat) -> str:
    for text in ("明天9点从嵩口去县城 1个人", "13912345678", "不验证", "1"):
        chat.send(ME, text)
    assert "预约成功" in chat.text(), chat.text()
    with chat.runtime.sessions() as session:
        return session.scalars(select(Booking.id).order_by(Booking.id.desc())).first() or ""


def status(chat: Chat, booking_id: str) -> str:
    with chat.runtime.sessions() as session:
        booking = session.get(Booking, booking_id)
        assert booking is not None
        return booking.status


def buttons(chat: Chat) -> list[str]:
    return [b["title"] for reply in chat.last for b in reply.get("buttons", [])]


def test_a_bare_unsubscribe_word_is_asked_back(chat: Chat) -> None:
    booking = book(chat)
    for word in ("退订", "TD", "td", "取消订阅", "退订。"):
        chat.send(ME, word)
        assert chat.text() == "您是要取消预约，还是不想再收通知？", (word, chat.text())
        assert buttons(chat) == ["取消预约", "不再收通知"], word
        chat.send(ME, "2")
        assert "回复“TD”退订" in chat.text() and "取消" not in chat.text(), chat.text()
        assert status(chat, booking) != "cancelled"


def test_cancelling_after_unsubscribe_still_names_the_booking(chat: Chat) -> None:
    booking = book(chat)
    chat.send(ME, "退订")
    chat.send(ME, "1")
    assert f"确认取消订单{booking}" in chat.text(), chat.text()
    assert status(chat, booking) != "cancelled"
    chat.send(ME, "确认取消")
    assert status(chat, booking) == "cancelled"


def test_stop_the_notices(chat: Chat) -> None:
    chat.send(ME, "嵩口停运通知")
    chat.send(ME, "确认")
    chat.send(ME, "我不想收短信了")
    assert chat.text().startswith("已关闭您开通的1个提醒（停运通知）。"), chat.text()
    assert "确认开通" not in chat.text()
    with chat.runtime.sessions() as session:
        assert not session.scalars(select(Subscription).where(Subscription.active.is_(True))).all()
    chat.send(ME, "关闭提醒")
    assert chat.text().startswith("预约和快递的通知短信"), chat.text()


def test_arrival_alert_said_with_notify(chat: Chat) -> None:
    chat.send(ME, "车到了通知我")
    assert "停运" not in chat.text() and "哪个站" in chat.text(), chat.text()
