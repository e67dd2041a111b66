"""Notice texts composed from the records: short and plain for SMS, fuller for WeChat,
local times, one event key per event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from backend.models import Booking, ChannelIdentity, Citizen, Complaint, ComplaintTransition
from backend.services.notices import texts as notice_texts
from backend.services.notices.outbox import NoticePolicy, configure_notices, notice_policy
from tests.conftest import NOW, SHANGHAI


def villager(session: Session, *, openid: str | None = None) -> Citizen:
    person = Citizen(name="王伯", mobile="13905981277", sms_opt_out=False)
    session.add(person)
    session.flush()
    if openid:
        session.add(ChannelIdentity(citizen_id=person.id, channel="wechat", external_id=openid))
    return person


def booking(session: Session, person: Citizen) -> Booking:
    ride = Booking(
        id="B202611200042",
        citizen_id=person.id,
        kind="demand",
        status="confirmed",
        origin="嵩口镇",
        destination="清流县城",
        pickup_time=datetime(2026, 11, 21, 8, 0, tzinfo=SHANGHAI),
        passengers=2,
        details={},
    )
    session.add(ride)
    session.flush()
    return ride


def test_booking_confirmed_by_sms_is_short_and_local(session: Session) -> None:
    notice = notice_texts.booking_confirmed(session, booking=booking(session, villager(session)), now=NOW)
    assert notice.channel == "sms"
    assert (
        notice.body
        == "【村通】预约成功：11月21日08:00从嵩口镇到清流县城，2人。要取消请回复“取消B202611200042”。"
    )
    assert len(notice.body) <= 134  # two SMS parts at most
    assert notice.event_key == "booking_confirmed:B202611200042"


def test_a_village_the_gazetteer_lacks_is_named_in_the_notice(session: Session) -> None:
    ride = booking(session, villager(session))
    ride.details = {"origin_detail": "上坪村"}
    notice = notice_texts.booking_confirmed(session, booking=ride, now=NOW)
    assert "11月21日08:00从嵩口镇上坪村到清流县城，2人" in notice.body


def test_wechat_gets_the_rich_text(session: Session) -> None:
    saved = notice_policy()
    configure_notices(NoticePolicy(wechat_enabled=True))
    try:
        notice = notice_texts.booking_confirmed(
            session, booking=booking(session, villager(session, openid="oWang")), now=NOW
        )
    finally:
        configure_notices(saved)
    assert (notice.channel, notice.to) == ("wechat", "oWang")
    assert notice.body.splitlines()[0] == "预约成功"


def test_vehicle_assigned_needs_vehicle_and_driver(session: Session) -> None:
    assert (
        notice_texts.vehicle_assigned(session, booking=booking(session, villager(session)), now=NOW) is None
    )


def test_complaint_notices_skip_anonymous_tickets_and_follow_the_state(session: Session) -> None:
    person = villager(session)
    ticket = Complaint(
        id="C20261120007",
        state="resolved",
        category="service",
        description="司机态度不好",
        citizen_id=person.id,
        resolution="已对司机批评教育",
        first_response_due=NOW,
        resolution_due=NOW,
    )
    session.add(ticket)
    session.flush()
    step = ComplaintTransition(
        complaint_id=ticket.id, from_state="in_progress", to_state="resolved", by="坐席小林"
    )
    session.add(step)
    session.flush()
    status = notice_texts.complaint_status(session, complaint=ticket, transition=step, now=NOW)
    assert status is not None
    assert status.body == "【村通】您的工单C20261120007：已办结。处理结果：已对司机批评教育"
    followup = notice_texts.complaint_followup(session, complaint=ticket, now=NOW)
    assert followup is not None and "请回复1到5打分" in followup.body
    ticket.citizen_id = None
    assert notice_texts.complaint_followup(session, complaint=ticket, now=NOW) is None
