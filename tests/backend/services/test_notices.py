"""Notices: the channel chosen, opt-outs and quiet hours respected, one message per event,
and refused requests write nothing."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput, NotFound
from backend.models import ChannelIdentity, Citizen
from backend.models.outbound import OutboundMessage
from backend.services.notices.outbox import (
    NoticePolicy,
    notify,
    parse_quiet_hours,
    queue_reply,
    quiet_until,
)
from tests.conftest import NOW, SHANGHAI

WECHAT_ON = NoticePolicy(wechat_enabled=True)
WECHAT_OFF = NoticePolicy(wechat_enabled=False)


def citizen(session: Session, *, mobile: str | None, openid: str | None = None, **fields: object) -> Citizen:
    person = Citizen(mobile=mobile, **{"sms_opt_out": False, **fields})
    session.add(person)
    session.flush()
    if openid:
        session.add(ChannelIdentity(citizen_id=person.id, channel="wechat", external_id=openid))
        session.flush()
    return person


def send(
    session: Session, person: Citizen, key: str = "booking_confirmed:B202611200001", **kw: object
) -> OutboundMessage:
    args: dict[str, object] = {
        "kind": "booking_confirmed",
        "text_short": "【村通】预约成功：11月21日08:00嵩口镇到清流县城。",
        "text_rich": "预约成功\n11月21日08:00 嵩口镇 → 清流县城",
        "now": NOW,
        "policy": WECHAT_ON,
        **kw,
    }
    return notify(session, citizen_id=person.id, event_key=key, **args)  # type: ignore[arg-type]


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboundMessage)) or 0


def test_wechat_when_there_is_an_openid_and_wechat_is_configured(session: Session) -> None:
    person = citizen(session, mobile="13905981234", openid="oLi001")
    message = send(session, person)
    assert (message.channel, message.to, message.status) == ("wechat", "oLi001", "queued")
    assert message.body.startswith("预约成功\n")


def test_sms_when_wechat_is_not_configured_or_preferred(session: Session) -> None:
    person = citizen(session, mobile="13905981234", openid="oLi002")
    assert send(session, person, policy=WECHAT_OFF).channel == "sms"
    texter = citizen(session, mobile="13905981235", openid="oLi003", preferred_channel="sms")
    message = send(session, texter, key="booking_confirmed:B202611200002")
    assert (message.channel, message.to) == ("sms", "13905981235")
    assert message.body == "【村通】预约成功：11月21日08:00嵩口镇到清流县城。"


def test_opted_out_numbers_get_no_sms(session: Session) -> None:
    both = citizen(session, mobile="13905981236", openid="oLi004", preferred_channel="sms", sms_opt_out=True)
    assert send(session, both).channel == "wechat"
    sms_only = citizen(session, mobile="13905981237", sms_opt_out=True)
    held = send(session, sms_only, key="booking_confirmed:B202611200003")
    assert (held.status, held.channel) == ("suppressed", "sms")
    assert held.error == "已退订短信，且没有其他可用渠道"


def test_nobody_to_reach_is_recorded_as_suppressed(session: Session) -> None:
    message = send(session, citizen(session, mobile=None))
    assert (message.status, message.channel) == ("suppressed", "none")


def test_the_same_event_is_written_once(session: Session) -> None:
    person = citizen(session, mobile="13905981238")
    first = send(session, person)
    again = send(session, person, text_short="另一段文字。")
    assert again.id == first.id
    assert count(session) == 1


def test_quiet_hours_hold_notices_but_not_an_approaching_vehicle(session: Session) -> None:
    person = citizen(session, mobile="13905981239")
    late = datetime(2026, 11, 20, 23, 10, tzinfo=SHANGHAI)
    held = send(session, person, now=late)
    assert held.send_after == datetime(2026, 11, 21, 7, 0, tzinfo=SHANGHAI)
    urgent = send(
        session, person, key="vehicle_approaching:B202611200001", kind="vehicle_approaching", now=late
    )
    assert urgent.send_after is None


@pytest.mark.parametrize(
    ("local", "until"),
    [
        (datetime(2026, 11, 20, 23, 10), datetime(2026, 11, 21, 7, 0)),
        (datetime(2026, 11, 21, 3, 0), datetime(2026, 11, 21, 7, 0)),
        (datetime(2026, 11, 21, 7, 0), None),
        (datetime(2026, 11, 21, 21, 59), None),
    ],
)
def test_quiet_until(local: datetime, until: datetime | None) -> None:
    result = quiet_until(local.replace(tzinfo=SHANGHAI), (time(22), time(7)))
    assert result == (until.replace(tzinfo=SHANGHAI) if until else None)


def test_parse_quiet_hours() -> None:
    assert parse_quiet_hours("22:00-07:00") == (time(22), time(7))
    assert parse_quiet_hours("off") is None
    for bad in ("22点到7点", "22:00-22:00", "25:00-07:00"):
        with pytest.raises(InvalidInput):
            parse_quiet_hours(bad)


@pytest.mark.parametrize(
    "change",
    [{"kind": "lottery"}, {"text_short": "  "}, {"text_rich": "长" * 2001}, {"key": ""}],
)
def test_bad_requests_write_nothing(session: Session, change: dict[str, object]) -> None:
    person = citizen(session, mobile="13905981240")
    key = str(change.pop("key", "booking_confirmed:B202611200009"))
    with pytest.raises(InvalidInput):
        send(session, person, key=key, **change)
    assert count(session) == 0


def test_unknown_citizen_is_not_found_and_nothing_written(session: Session) -> None:
    with pytest.raises(NotFound):
        notify(
            session, citizen_id=987654, event_key="k", kind="booking_confirmed", text_short="a", text_rich="b"
        )
    assert count(session) == 0


def test_late_reply_is_linked_to_the_citizen_and_written_once(session: Session) -> None:
    person = citizen(session, mobile="13905981241", openid="oLi005")
    reply = queue_reply(
        session, channel="wechat", to="oLi005", text="明天8点有车。", event_key="wechat-reply:77"
    )
    again = queue_reply(
        session, channel="wechat", to="oLi005", text="明天8点有车。", event_key="wechat-reply:77"
    )
    assert (reply.citizen_id, reply.kind, reply.status, reply.send_after) == (
        person.id,
        "reply",
        "queued",
        None,
    )
    assert again.id == reply.id and count(session) == 1
