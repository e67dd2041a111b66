from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from backend.models import Complaint
from backend.services.citizens import conversations
from backend.services.citizens.identities import citizen_for_sender, find_by_mobile
from backend.services.complaints import contact as complaint_contact
from backend.services.complaints import records as complaints
from backend.services.notices import outbox as notices
from backend.services.notices.outbox import NoticePolicy
from tests.conftest import NOW


def resolved(session: Session, **fields: object) -> Complaint:
    values: dict[str, object] = {
        "category": "fare",
        "description": "灵地到县城多收了两块钱",
        "now": NOW,
        **fields,
    }
    complaint = complaints.open_complaint(session, **values)  # type: ignore[arg-type]
    complaints.transition_complaint(
        session, ticket_id=complaint.id, to_state="resolved", by="lin", resolution="已退还两元车费", now=NOW
    )
    return complaint


def test_the_resolution_reaches_a_phone_only_complainant_by_sms(session: Session) -> None:
    complaint = resolved(session, contact_phone="13905981234")
    sent = complaint_contact.send_resolution(
        session, complaint=complaint, transition=complaint.transitions[-1], now=NOW
    )
    assert sent is not None
    assert (sent.channel, sent.to, sent.kind) == ("sms", "13905981234", "complaint_status")
    assert "已退还两元车费" in sent.body and complaint.id in sent.body
    citizen = find_by_mobile(session, mobile="13905981234")
    assert citizen is not None and sent.citizen_id == citizen.id
    again = complaint_contact.send_resolution(
        session, complaint=complaint, transition=complaint.transitions[-1], now=NOW
    )
    assert again is sent


def test_nobody_to_tell_without_a_citizen_or_number(session: Session) -> None:
    complaint = resolved(session)
    assert (
        complaint_contact.send_resolution(session, complaint=complaint, transition=complaint.transitions[-1])
        is None
    )
    assert complaint_contact.ask_follow_up(session, complaint=complaint) is None


def test_the_follow_up_goes_to_wechat_for_a_wechat_citizen_once_per_round(session: Session) -> None:
    citizen = citizen_for_sender(session, channel="wechat", external_id="oQl_77")
    complaint = resolved(session, citizen_id=citizen.id)
    policy = NoticePolicy(wechat_enabled=True, quiet_hours=None)
    previous = notices.notice_policy()
    notices.configure_notices(policy)
    try:
        first = complaint_contact.ask_follow_up(session, complaint=complaint, now=NOW)
        assert first is not None and (first.channel, first.to) == ("wechat", "oQl_77")
        assert complaint_contact.ask_follow_up(session, complaint=complaint, now=NOW) is first
        complaints.record_follow_up(session, ticket_id=complaint.id, satisfaction=1, by="lin", now=NOW)
        complaints.transition_complaint(
            session, ticket_id=complaint.id, to_state="in_progress", by="lin", now=NOW
        )
        complaints.transition_complaint(
            session,
            ticket_id=complaint.id,
            to_state="resolved",
            by="lin",
            resolution="再次核实后退款",
            now=NOW,
        )
        second = complaint_contact.ask_follow_up(session, complaint=complaint, now=NOW)
        assert second is not None and second.id != first.id
        assert complaint_contact.follow_up_asked(session, complaint=complaint) is second
    finally:
        notices.configure_notices(previous)


def test_answers_since_reads_every_channel_of_the_complainant(session: Session) -> None:
    citizen = citizen_for_sender(session, channel="wechat", external_id="oQl_77")
    complaint = resolved(session, citizen_id=citizen.id, contact_phone="13905981234")
    for conversation_id, channel, sender, text, minutes in (
        ("wechat:oQl_77", "wechat", "oQl_77", "以前说的", -5),
        ("wechat:oQl_77", "wechat", "oQl_77", "4分", 5),
        ("sms:+8613905981234", "sms", "+8613905981234", "满意", 6),
        ("sms:13900000000", "sms", "13900000000", "别人的话", 7),
    ):
        conversations.record_event(
            session,
            conversation_id=conversation_id,
            channel=channel,
            sender=sender,
            type="user",
            text=text,
            ts=NOW + timedelta(minutes=minutes),
        )
    answers = complaint_contact.answers_since(session, complaint=complaint, since=NOW)
    assert [a.text for a in answers] == ["4分", "满意"]


def test_a_pending_follow_up_is_the_asked_ticket_until_it_is_answered(session: Session) -> None:
    complaint = resolved(session, contact_phone="13905981235")
    citizen = find_by_mobile(session, mobile="13905981235")
    other = citizen_for_sender(session, channel="sms", external_id="13905981236")
    assert citizen is None  # found (or made) from the number when the question is sent
    asked = complaint_contact.ask_follow_up(session, complaint=complaint, now=NOW)
    assert asked is not None and asked.status == "queued" and asked.citizen_id is not None
    who = asked.citizen_id
    later, too_late = NOW + timedelta(days=6), NOW + timedelta(days=8)
    assert complaint_contact.pending_follow_up(session, citizen_id=who, now=later) is complaint
    assert complaint_contact.pending_follow_up(session, citizen_id=who, now=too_late) is None
    assert complaint_contact.pending_follow_up(session, citizen_id=other.id, now=NOW) is None
    complaints.record_follow_up(session, ticket_id=complaint.id, satisfaction=2, by="citizen", now=NOW)
    assert complaint.state == "reopened"
    assert complaint_contact.pending_follow_up(session, citizen_id=who, now=NOW) is None
    for step, resolution in (("in_progress", None), ("resolved", "已当面退款")):
        complaints.transition_complaint(
            session, ticket_id=complaint.id, to_state=step, by="lin", resolution=resolution, now=NOW
        )
    # resolved again, but not asked again yet
    assert complaint_contact.pending_follow_up(session, citizen_id=who, now=NOW) is None
    again = complaint_contact.ask_follow_up(session, complaint=complaint, now=NOW)
    assert again is not None and again.id != asked.id
    assert complaint_contact.pending_follow_up(session, citizen_id=who, now=NOW) is complaint


def test_a_follow_up_that_never_went_out_waits_for_nothing(session: Session) -> None:
    complaint = resolved(session, contact_phone="13905981237")
    asked = complaint_contact.ask_follow_up(session, complaint=complaint, now=NOW)
    assert asked is not None
    asked.status = "suppressed"  # 退订: the question was never sent
    session.flush()
    assert complaint_contact.pending_follow_up(session, citizen_id=asked.citizen_id or 0, now=NOW) is None
