"""A message with places and a passenger count or a contact number is a booking even
without 订/约 in it ("后天上午10点前到县医院 从嵩口走 1个人 手机…"): it goes straight into the
booking, keeping everything said, instead of asking 订车还是查班车."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

REPLIES = [("验证码", "不验证"), ("几点", "8点"), ("什么时候", "8点"), ("手机号", "13905981115")]
ASKS = [
    ("后天上午10点前到县医院 从嵩口走 1个人 手机13905981113", ["1人", "10:00前到达"]),
    ("后天晚上6点从县城回嵩口 2个人 手机13905981114", ["清流县城→嵩口镇", "2人"]),
    ("后天早上从灵地去县城 3个人", ["灵地", "3人"]),
]


@pytest.mark.parametrize("hour", [9, 20])
@pytest.mark.parametrize(("ask", "kept"), ASKS)
def test_places_with_people_or_a_mobile_start_a_booking(chat_at: ChatAt, hour: int, ask: str, kept: list[str]) -> None:
    chat = chat_at(datetime(2026, 11, 20, hour, 0, tzinfo=SHANGHAI))
    sender = f"noverb-{hour}-{ASKS.index((ask, kept))}"
    first = chat.send(sender, ask)
    assert "订车还是查班车" not in first and "还是查班车" not in first, first
    answer = first
    for _ in range(4):  # answer what is asked, as a villager would
        if chat.buttons()[:2] == ["确认", "修改"]:
            break
        reply = next(r for q, r in REPLIES if q in answer)
        answer = chat.send(sender, reply)
    assert chat.buttons()[:2] == ["确认", "修改"], answer
    for part in kept:
        assert part in answer, (part, answer)
