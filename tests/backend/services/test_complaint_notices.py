"""工单进展 told to the complainant: each step they should hear about once, on their
channel (a phone-only ticket reaches the citizen of that number), the 办结 reply being the
same event as the console's resolution reply, and 改派 / 回访 not told."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import ChannelIdentity, Citizen, Complaint
from backend.models.outbound import OutboundMessage
from backend.services.complaints import contact as complaint_contact
from backend.services.complaints import records as complaints
from backend.services.complaints.notices import latest_transition, tell_new_state
from backend.services.notices.outbox import NoticePolicy, configure_notices, notice_policy
from tests.conftest import NOW


def ticket(session: Session, **fields: object) -> Complaint:
    values: dict[str, object] = {
        "category": "driver",
        "description": "清三线的司机开车打电话，很危险",
        "contact_phone": "13905985001",
        "place": "嵩口",
        "now": NOW,
        **fields,
    }
    return complaints.open_complaint(session, **values)  # type: ignore[arg-type]


def move(session: Session, complaint: Complaint, to_state: str, **fields: str) -> OutboundMessage | None:
    complaints.transition_complaint(
        session, ticket_id=complaint.id, to_state=to_state, by="lin", now=NOW, **fields
    )
    return tell_new_state(session, complaint=complaint, now=NOW)


def status_notices(session: Session) -> list[OutboundMessage]:
    session.flush()
    stmt = select(OutboundMessage).where(OutboundMessage.kind == "complaint_status")
    return list(session.scalars(stmt.order_by(OutboundMessage.id)))


def test_each_step_is_told_once_on_the_citizens_channel(session: Session) -> None:
    complaint = ticket(session)
    assert tell_new_state(session, complaint=complaint, now=NOW) is None  # 受理: the dialog said so
    assigned = move(session, complaint, "assigned", assignee="县交通运输局运输管理股")
    assert assigned is not None
    assert (assigned.channel, assigned.to) == ("sms", "13905985001")
    assert assigned.body == f"【村通】您的工单{complaint.id}：已派单处理。"
    assert (
        assigned.citizen_id
        == session.scalars(select(Citizen.id).where(Citizen.mobile == "13905985001")).one()
    )
    assert tell_new_state(session, complaint=complaint, now=NOW) == assigned  # the same step twice
    assert move(session, complaint, "assigned", assignee="嵩口站站长") is None  # 改派
    working = move(session, complaint, "in_progress")
    assert working is not None and working.body == f"【村通】您的工单{complaint.id}：正在处理。"
    escalated = move(session, complaint, "escalated", note="超期未办")
    assert escalated is not None and "已升级督办" in escalated.body
    resolved = move(session, complaint, "resolved", resolution="已约谈司机并扣分。")
    assert resolved is not None and "处理结果：已约谈司机并扣分。" in resolved.body
    # the console's resolution reply is the same event: nothing more is written
    transition = latest_transition(session, complaint)
    assert transition is not None
    assert complaint_contact.send_resolution(session, complaint=complaint, transition=transition) == resolved
    complaints.record_follow_up(session, ticket_id=complaint.id, satisfaction=5, by="lin", now=NOW)
    assert tell_new_state(session, complaint=complaint, now=NOW) is None  # 回访: the citizen's own answer
    closed = move(session, complaint, "closed")
    assert closed is not None and closed.body == f"【村通】您的工单{complaint.id}：已结束。"
    assert status_notices(session) == [assigned, working, escalated, resolved, closed]


def test_an_unsatisfied_citizen_hears_the_ticket_is_reopened(session: Session) -> None:
    complaint = ticket(session)
    move(session, complaint, "resolved", resolution="已提醒司机。")
    complaints.record_follow_up(session, ticket_id=complaint.id, satisfaction=1, by="lin", now=NOW)
    reopened = tell_new_state(session, complaint=complaint, now=NOW)
    assert reopened is not None and reopened.body == f"【村通】您的工单{complaint.id}：已重新处理。"


def test_a_wechat_complainant_hears_it_on_wechat(session: Session) -> None:
    person = Citizen(name="罗姐", mobile="13905985002", sms_opt_out=False)
    session.add(person)
    session.flush()
    session.add(ChannelIdentity(citizen_id=person.id, channel="wechat", external_id="oLuo02"))
    complaint = ticket(session, citizen_id=person.id, contact_phone=None)
    saved = notice_policy()
    configure_notices(NoticePolicy(wechat_enabled=True))
    try:
        notice = move(session, complaint, "assigned", assignee="县交通运输局运输管理股")
    finally:
        configure_notices(saved)
    assert notice is not None and (notice.channel, notice.to) == ("wechat", "oLuo02")
    assert notice.body == f"工单进展\n工单号：{complaint.id}\n状态：已派单处理"


def test_an_anonymous_ticket_tells_nobody(session: Session) -> None:
    complaint = ticket(session, contact_phone=None, kind="suggestion", category="other")
    assert move(session, complaint, "assigned", assignee="县交通运输局运输管理股") is None
    assert status_notices(session) == []
