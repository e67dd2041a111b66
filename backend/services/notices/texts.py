"""The kinds of notice, composed from the records they are about: a short text for
SMS (plain, no links, a numbered answer where one is expected) and a fuller one for
WeChat, each with the event key that makes it idempotent. Each function writes the
notice through `notices.notify` and returns it (None when there is nobody to tell).

Callers: booking confirmed (the operator API: in a conversation the dialog's reply is the
confirmation), vehicle and driver assigned (`assignment_notices`, from dispatch), vehicle
approaching (`arrival_watch`: a booking or an arrival subscription), service disruption
(`disruption_notices`, per citizen concerned), complaint state changed
(`complaint_notices`) and the follow-up question (`complaint_contact`). Two go to a
number rather than a citizen (`notices.notify_number`): the one-time code that proves a
mobile (`verification`) and a pickup code sent to a parcel's recipient (`parcels`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from backend.localtime import to_local
from backend.models import Booking, Complaint, ComplaintTransition, Disruption, Parcel, Subscription
from backend.models.outbound import OutboundMessage
from backend.services.notices.outbox import notify, notify_number

SIGN = "【村通】"
MAX_SMS_TITLE = 35  # a disruption title in an SMS template variable (channels/sms_templates.py)
STATE_WORDS = {
    "received": "已受理",
    "assigned": "已派单处理",
    "in_progress": "正在处理",
    "resolved": "已办结",
    "followed_up": "已回访",
    "closed": "已结束",
    "escalated": "已升级督办",
    "reopened": "已重新处理",
}


def _when(moment: datetime) -> str:
    local = to_local(moment)
    return f"{local.month}月{local.day}日{local:%H:%M}"


def booking_confirmed(session: Session, *, booking: Booking, now: datetime | None = None) -> OutboundMessage:
    trip = f"{_when(booking.pickup_time)}从{booking.origin_label}到{booking.destination_label}，{booking.passengers}人"
    short = f"{SIGN}预约成功：{trip}。要取消请回复“取消{booking.id}”。"  # the order number once: an SMS template variable is used once
    rich = f"预约成功\n行程：{trip}\n单号：{booking.id}"
    if booking.kind != "seat":
        rich += "\n派车后会再通知您车牌和司机电话。"
    return notify(
        session,
        citizen_id=booking.citizen_id,
        event_key=f"booking_confirmed:{booking.id}",
        kind="booking_confirmed",
        text_short=short,
        text_rich=rich,
        now=now,
    )


def vehicle_assigned(
    session: Session, *, booking: Booking, changed: bool = False, now: datetime | None = None
) -> OutboundMessage | None:
    """派车 (or, `changed`, 派车有变动); one notice per vehicle, driver and pick-up time."""
    if booking.vehicle is None or booking.driver is None:
        return None
    pickup = booking.planned_pickup or booking.pickup_time
    who = f"车牌{booking.vehicle.plate}，司机{booking.driver.name}，电话{booking.driver.phone}"
    done, title = ("派车有变动", "派车有变动") if changed else ("已派车", "已为您派车")
    short = f"{SIGN}单号{booking.id}，{done}：{who}，约{_when(pickup)}到{booking.origin_label}接您。"
    rich = (
        f"{title}\n单号：{booking.id}\n{who}\n预计{_when(pickup)}到{booking.origin_label}接您，请提前到路边等候。"
    )
    moment = f"{to_local(pickup):%Y%m%d%H%M}"
    return notify(
        session,
        citizen_id=booking.citizen_id,
        event_key=f"vehicle_assigned:{booking.id}:{booking.vehicle_id}:{booking.driver_id}:{moment}",
        kind="vehicle_assigned",
        text_short=short,
        text_rich=rich,
        now=now,
    )


def pickup_moved(
    session: Session, *, booking: Booking, was: datetime, now: datetime | None = None
) -> OutboundMessage | None:
    """A re-plan moved a pick-up the rider was told by more than the tolerance: the new time,
    and that they may cancel free of charge."""
    if booking.vehicle is None or booking.driver is None or booking.planned_pickup is None:
        return None
    new = booking.planned_pickup
    who = f"车牌{booking.vehicle.plate}，司机{booking.driver.name}，电话{booking.driver.phone}"
    change = f"上车时间由{_when(was)}调整为{_when(new)}"
    short = f"{SIGN}单号{booking.id}{change}，{who}。不方便可回复“取消{booking.id}”，免费取消。"
    rich = (
        f"行程时间调整\n单号：{booking.id}\n{change}（{booking.origin_label}上车）\n{who}\n"
        f"新时间不方便的话，回复“取消{booking.id}”即可免费取消。"
    )
    return notify(
        session, citizen_id=booking.citizen_id, event_key=f"ride_moved:{booking.id}:{to_local(new):%Y%m%d%H%M}",
        kind="ride_replanned", text_short=short, text_rich=rich, now=now,
    )  # fmt: skip


def ride_dropped(
    session: Session, *, booking: Booking, was: datetime, now: datetime | None = None
) -> OutboundMessage:
    """A re-plan took the rider off every run: they are told, and that we are placing them again."""
    short = (
        f"{SIGN}抱歉，单号{booking.id}原定{_when(was)}的派车因调度调整取消了，正在重新安排，派好车后通知您。"
        f"不需要了可回复“取消{booking.id}”，免费取消。"
    )
    rich = (
        f"派车调整\n单号：{booking.id}\n原定{_when(was)}到{booking.origin_label}接您的车因调度调整取消了，"
        f"我们正在重新安排，派好车后马上通知您。\n不需要了可以回复“取消{booking.id}”，免费取消。"
    )
    return notify(
        session, citizen_id=booking.citizen_id, event_key=f"ride_dropped:{booking.id}:{to_local(was):%Y%m%d%H%M}",
        kind="ride_replanned", text_short=short, text_rich=rich, now=now,
    )  # fmt: skip


def vehicle_approaching(
    session: Session, *, booking: Booking, minutes: int, plate: str | None = None, now: datetime | None = None
) -> OutboundMessage:
    """车辆即将到达 for a booked ride, once per booking; `plate` when it is not the booking's own."""
    plate = plate or (booking.vehicle.plate if booking.vehicle else None)
    plate = f"（{plate}）" if plate else ""
    short = f"{SIGN}您预约的车{plate}约{minutes}分钟后到{booking.origin_label}，请准备上车。"
    return notify(
        session,
        citizen_id=booking.citizen_id,
        event_key=f"vehicle_approaching:{booking.id}",
        kind="vehicle_approaching",
        text_short=short,
        text_rich=f"车辆即将到达\n单号：{booking.id}\n您预约的车{plate}约{minutes}分钟后到{booking.origin_label}，请准备上车。",
        now=now,
    )


def arrival_reminder(
    session: Session,
    *,
    subscription: Subscription,
    trip_id: str,
    service_date: date,
    line: str,
    stop: str,
    minutes: int,
    now: datetime | None = None,
) -> OutboundMessage:
    """到站提醒 for an arrival subscription: once per subscription, trip and day."""
    text = f"{line}约{minutes}分钟后到{stop}，请准备上车。"
    return notify(
        session,
        citizen_id=subscription.citizen_id,
        event_key=f"arrival:{subscription.id}:{trip_id}:{service_date.isoformat()}",
        kind="vehicle_approaching",
        text_short=f"{SIGN}{text}",
        text_rich=f"到站提醒\n{text}",
        now=now,
    )


def service_disruption(
    session: Session, *, disruption: Disruption, citizen_id: int, now: datetime | None = None
) -> OutboundMessage:
    period = f"{_when(disruption.starts_at)}至{_when(disruption.ends_at)}"
    title = disruption.title.strip()
    if len(title) > MAX_SMS_TITLE:  # an SMS template variable holds 35 characters; the rest is on WeChat
        title = title[: MAX_SMS_TITLE - 1] + "…"
    short = f"{SIGN}{title}：{period}。请提前安排出行。"
    return notify(
        session,
        citizen_id=citizen_id,
        event_key=f"disruption:{disruption.id}:{citizen_id}",
        kind="service_disruption",
        text_short=short[:500],
        text_rich=f"{disruption.title}\n时间：{period}\n{disruption.description}"[:2000],
        now=now,
    )


def complaint_status(
    session: Session,
    *,
    complaint: Complaint,
    transition: ComplaintTransition,
    citizen_id: int | None = None,
    now: datetime | None = None,
) -> OutboundMessage | None:
    """The ticket's new state, to `citizen_id` (default: the ticket's own citizen)."""
    citizen_id = citizen_id if citizen_id is not None else complaint.citizen_id
    if citizen_id is None:
        return None
    state = STATE_WORDS.get(transition.to_state, transition.to_state)
    short = f"{SIGN}您的工单{complaint.id}：{state}。"
    rich = f"工单进展\n工单号：{complaint.id}\n状态：{state}"
    if transition.to_state == "resolved" and complaint.resolution:
        short += f"处理结果：{complaint.resolution}"
        rich += f"\n处理结果：{complaint.resolution}"
    return notify(
        session,
        citizen_id=citizen_id,
        event_key=f"complaint_status:{complaint.id}:{transition.id}",
        kind="complaint_status",
        text_short=short[:500],
        text_rich=rich[:2000],
        now=now,
    )


def complaint_followup(
    session: Session, *, complaint: Complaint, now: datetime | None = None
) -> OutboundMessage | None:
    if complaint.citizen_id is None:
        return None
    question = "您对处理结果满意吗？请回复1到5打分，5分最满意，1分最不满意。"
    return notify(
        session,
        citizen_id=complaint.citizen_id,
        event_key=f"complaint_followup:{complaint.id}",
        kind="complaint_followup",
        text_short=f"{SIGN}工单{complaint.id}已办结。{question}",
        text_rich=f"满意度回访\n工单号：{complaint.id}\n{question}",
        now=now,
    )


def verification_code(
    session: Session, *, mobile: str, code: str, event_key: str, minutes: int, now: datetime | None = None
) -> OutboundMessage:
    """验证码: the one-time code that proves a number, sent at once (no quiet hours)."""
    text = f"{SIGN}验证码{code}，{minutes}分钟内有效，用于验证您的手机号。如非本人操作请忽略，切勿告诉他人。"
    return notify_number(
        session, mobile=mobile, event_key=event_key, kind="verification_code", text=text, now=now
    )


def pickup_code(
    session: Session, *, parcel: Parcel, event_key: str, now: datetime | None = None
) -> OutboundMessage:
    """取件码 to the parcel's recipient, when someone else asked about the parcel."""
    point = parcel.service_point
    where = point.name if point else "服务站"
    hours = f"营业时间{point.hours}。" if point and point.hours else ""  # no two variables side by side (SMS templates)
    text = f"{SIGN}您的{parcel.carrier}包裹{parcel.tracking_no}已到{where}，取件码{parcel.pickup_code}。{hours}"
    assert parcel.recipient_phone is not None
    return notify_number(
        session, mobile=parcel.recipient_phone, event_key=event_key, kind="pickup_code", text=text, now=now
    )
