"""A citizen with no bookings who typed a wrong order number and then asks 我的预约 (or 取消预约 /
改签) hears that they have none and the form ends. Before, the form kept waiting for the
number and answered "好的，您有0个预约，请问是哪一个？"."""

from __future__ import annotations

import pytest

from tests.dialogs.conftest import Chat


@pytest.mark.parametrize(
    ("first", "again"),
    [
        ("查订单B202611200009", "我的预约"),
        ("取消订单B202611200009", "取消预约"),
        ("改签B202611200009", "我要改签"),
    ],
)
def test_no_bookings_after_a_wrong_number(chat: Chat, first: str, again: str) -> None:
    said = "\n".join(r["text"] for r in chat.send("nobody-booked", first))
    assert "没有找到您名下的订单B202611200009" in said
    said = "\n".join(r["text"] for r in chat.send("nobody-booked", again))
    assert "0个" not in said and "是哪一个" not in said, said
    assert "没有待出行的预约" in said
    assert chat.tracker("nobody-booked") is None or not (chat.tracker("nobody-booked") or {}).get("active")
    said = "\n".join(r["text"] for r in chat.send("nobody-booked", "你好"))
    assert "您好" in said
