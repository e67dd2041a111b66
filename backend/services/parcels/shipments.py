"""Parcels for villagers (客货邮): track a parcel by its number or the recipient's phone,
tell its status in plain Chinese with the pickup code (取件码) for its recipient only (for
anyone else the code goes by SMS to the recipient's phone), record tracking events
(which move the parcel's status and issue a pickup code on arrival at a service point),
and take requests to send goods (寄件/上门揽收).

Tracking-event statuses are `collected` (揽收), `in_transit`, `at_service_point`,
`picked_up` and `returned`; the parcel's status follows them. Once picked up or returned a
parcel takes no further status change; a spent pickup code is cleared at pickup.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from backend.localtime import local_now, to_local
from backend.models import OutboundMessage, Parcel, ParcelEvent, SendRequest, ServicePoint
from backend.services.citizens.identities import (
    contact_number,
    get_citizen,
    normalise_mobile,
    validate_mobile,
)
from backend.services.notices import texts as notice_texts
from backend.services.parcels.tracking_numbers import validate_tracking_no
from backend.services.places.gazetteer import resolve_address

logger = logging.getLogger(__name__)

# tracking-event status -> parcel status
EVENT_STATUSES: dict[str, str] = {
    "collected": "in_transit",
    "in_transit": "in_transit",
    "at_service_point": "at_service_point",
    "picked_up": "picked_up",
    "returned": "returned",
}
# parcel status -> parcel statuses an event may move it to
NEXT_STATUSES: dict[str, frozenset[str]] = {
    "in_transit": frozenset({"in_transit", "at_service_point", "returned"}),
    "at_service_point": frozenset({"at_service_point", "in_transit", "picked_up", "returned"}),
    "picked_up": frozenset(),
    "returned": frozenset(),
}
STATUS_LABELS = {
    "in_transit": "运输中",
    "at_service_point": "待取件",
    "picked_up": "已取件",
    "returned": "已退回",
}
MAX_SEND_WEIGHT_KG = 50.0
PICKUP_CODE_EVERY = timedelta(hours=1)  # a pickup code goes to the recipient at most this often
PHONE_HINT = "请提供收件人的11位手机号，或手机号后4位（尾号）"
_SEPARATORS = re.compile(r"[\s\-()（）]")


def track_parcel(session: Session, *, tracking_no: str) -> Parcel:
    """The parcel with this number; InvalidInput when malformed, NotFound when unknown."""
    number, carrier = validate_tracking_no(tracking_no)
    parcel = session.scalars(select(Parcel).where(Parcel.tracking_no == number)).first()
    if parcel is None:
        raise NotFound(
            f"没有查到{carrier}单号 {number} 的包裹。可能还没有发到清流，请过一两天再查，或核对单号。",
            tracking_no=number,
            carrier=carrier,
        )
    return parcel


def parcels_for_phone(session: Session, *, phone: str) -> list[Parcel]:
    """Parcels for an 11-digit mobile or its 4-digit tail (尾号), newest first."""
    digits = _SEPARATORS.sub("", phone or "")
    if re.fullmatch(r"\d{4}", digits):
        condition = Parcel.recipient_phone.like(f"%{digits}")
    else:
        mobile = normalise_mobile(digits)
        if mobile is None:
            raise InvalidInput(f"手机号“{phone}”不对。{PHONE_HINT}。", field="phone", value=phone)
        condition = Parcel.recipient_phone == mobile
    stmt = select(Parcel).where(condition).order_by(Parcel.updated_at.desc(), Parcel.id.desc())
    return list(session.scalars(stmt).unique())


def pickup_code(session: Session, *, tracking_no: str, phone: str | None = None) -> str:
    """The pickup code of a parcel waiting at its service point.

    With `phone` (full number or 4-digit tail) the recipient is checked first. Conflict when
    the phone does not match or the parcel is not (or no longer) waiting for pickup.
    """
    parcel = track_parcel(session, tracking_no=tracking_no)
    if phone is not None and not _phone_matches(parcel, phone):
        raise Conflict("手机号与这个包裹的收件人对不上，请核对后再试。", tracking_no=parcel.tracking_no)
    if parcel.status != "at_service_point" or not parcel.pickup_code:
        raise Conflict(latest_status_text(parcel), tracking_no=parcel.tracking_no, status=parcel.status)
    return parcel.pickup_code


def latest_status_text(parcel: Parcel, *, with_code: bool = True) -> str:
    """One plain sentence: where the parcel is, and (`with_code`, for its recipient only)
    the pickup code when it is waiting."""
    point = parcel.service_point
    last = parcel.events[-1] if parcel.events else None
    when = short_time(last.at) if last else ""
    if parcel.status == "at_service_point":
        text = f"已到达{point.name if point else '服务站'}"
        text += f"，取件码 {parcel.pickup_code}" if with_code else ""
        return text + (f"，营业时间 {point.hours}" if point and point.hours else "")
    if parcel.status == "picked_up":
        where = f"在{point.name}" if point else ""
        return f"已于{when}{where}取件" if when else f"已{where}取件"
    if parcel.status == "returned":
        return f"已退回寄件人（{when}）" if when else "已退回寄件人"
    text = f"运输中：{last.description}（{when}）" if last else "运输中，暂时没有物流信息"
    return text + (f"，将送到{point.name}" if point else "")


def is_recipient(parcel: Parcel, verified_mobile: str | None) -> bool:
    """True when `verified_mobile` (a proven number, never a typed one) is the recipient's."""
    return bool(verified_mobile) and parcel.recipient_phone == verified_mobile


def send_pickup_code(
    session: Session, *, parcel: Parcel, now: datetime | None = None
) -> OutboundMessage | None:
    """Text the pickup code to the recipient's own phone (someone else asked about the
    parcel): at most once per parcel per hour; None when nothing is sent."""
    now = now or local_now()
    if parcel.status != "at_service_point" or not parcel.pickup_code or not parcel.recipient_phone:
        return None
    prefix = f"pickup_code:{parcel.tracking_no}:"
    recent = session.scalars(
        select(OutboundMessage.id).where(
            OutboundMessage.kind == "pickup_code",
            OutboundMessage.event_key.startswith(prefix),
            OutboundMessage.created_at > now - PICKUP_CODE_EVERY,
        )
    ).first()
    if recent is not None:
        return None
    return notice_texts.pickup_code(session, parcel=parcel, event_key=f"{prefix}{now:%Y%m%d%H%M%S}", now=now)


def add_event(
    session: Session,
    *,
    tracking_no: str,
    status: str,
    location: str | None,
    description: str,
    at: datetime | None = None,
) -> ParcelEvent:
    """Append a tracking event; the parcel's status follows it.

    Arrival at a service point (`location` = its name, code or place, else the parcel's
    planned service point) issues a 6-digit pickup code if the parcel has none.
    """
    parcel = track_parcel(session, tracking_no=tracking_no)
    new_status = EVENT_STATUSES.get(status)
    if new_status is None:
        raise InvalidInput(f"物流状态“{status}”无效，可选：{'、'.join(EVENT_STATUSES)}", field="status")
    if not description or not description.strip():
        raise InvalidInput("请填写物流说明", field="description")
    at = at or local_now()
    if at.tzinfo is None:
        raise InvalidInput("时间需要带时区", field="at")
    if new_status not in NEXT_STATUSES[parcel.status]:
        raise IllegalTransition(
            f"包裹{STATUS_LABELS[parcel.status]}，不能再改为{STATUS_LABELS[new_status]}",
            tracking_no=parcel.tracking_no,
            status=parcel.status,
        )
    point = _service_point_at(session, location) or parcel.service_point
    if new_status == "at_service_point" and point is None:
        raise InvalidInput(f"找不到服务站“{location}”，请填写服务站名称或编号", field="location")
    event = ParcelEvent(
        parcel=parcel, at=at, status=status, location=location, description=description.strip()
    )
    session.add(event)
    parcel.status = new_status
    if new_status == "at_service_point" and point is not None:
        parcel.service_point = point
        parcel.pickup_code = parcel.pickup_code or _new_pickup_code(session, point)
    elif new_status == "picked_up":
        parcel.pickup_code = None
    session.flush()
    logger.info("parcel %s: %s at %s", parcel.tracking_no, status, location)
    return event


def request_send(
    session: Session,
    *,
    citizen_id: int,
    origin: str,
    destination: str,
    pickup_time: datetime | None = None,
    goods: str | None = None,
    weight_kg: float | None = None,
    contact_phone: str | None = None,
    now: datetime | None = None,
) -> SendRequest:
    """Record a request to collect goods at `origin` (a gazetteer place) for `destination`."""
    now = now or local_now()
    citizen = get_citizen(session, citizen_id)
    place, detail = resolve_address(session, origin)  # 嵩口镇上坪村: the collector needs the village
    destination = (destination or "").strip()
    if not destination:
        raise InvalidInput("请告诉我寄到哪里（比如 福州市）", field="destination")
    if len(destination) > 100:
        raise InvalidInput("目的地太长了，请写到市、县或详细地址的主要部分", field="destination")
    if weight_kg is not None and not 0 < weight_kg <= MAX_SEND_WEIGHT_KG:
        raise InvalidInput(
            f"重量需要大于0、不超过{MAX_SEND_WEIGHT_KG:g}公斤；更重的货物请联系服务站安排", field="weight_kg"
        )
    if pickup_time is not None:
        if pickup_time.tzinfo is None:
            raise InvalidInput("揽收时间需要带时区", field="pickup_time")
        if pickup_time < now:
            raise InvalidInput("揽收时间已经过了，请换一个以后的时间", field="pickup_time")
    goods = goods.strip() if goods else None
    if goods and len(goods) > 200:
        raise InvalidInput("物品说明请控制在200字以内", field="goods")
    phone = validate_mobile(contact_phone) if contact_phone else contact_number(citizen)
    request = SendRequest(
        citizen_id=citizen.id,
        origin=place.name + detail,
        destination=destination,
        pickup_time=pickup_time,
        goods=goods,
        weight_kg=weight_kg,
        contact_phone=phone,
        status="requested",
        created_at=now,
    )
    session.add(request)
    session.flush()
    logger.info("send request %s from %s to %s", request.id, request.origin, destination)
    return request


def _phone_matches(parcel: Parcel, phone: str) -> bool:
    digits = _SEPARATORS.sub("", phone)
    recipient = parcel.recipient_phone or ""
    if re.fullmatch(r"\d{4}", digits):
        return bool(recipient) and recipient.endswith(digits)
    mobile = normalise_mobile(digits)
    if mobile is None:
        raise InvalidInput(f"手机号“{phone}”不对。{PHONE_HINT}。", field="phone", value=phone)
    return mobile == recipient


def _service_point_at(session: Session, location: str | None) -> ServicePoint | None:
    if not location or not location.strip():
        return None
    name = location.strip()
    stmt = select(ServicePoint).where(
        or_(ServicePoint.name == name, ServicePoint.code == name.upper(), ServicePoint.place == name)
    )
    return session.scalars(stmt.order_by(ServicePoint.id)).first()


def _new_pickup_code(session: Session, point: ServicePoint) -> str:
    """A 6-digit code not used by another parcel waiting at the same service point."""
    stmt = select(Parcel.pickup_code).where(
        Parcel.service_point_id == point.id, Parcel.status == "at_service_point"
    )
    taken = {code for code in session.scalars(stmt) if code}
    while True:
        code = f"{secrets.randbelow(10**6):06d}"
        if code not in taken:
            return code


def short_time(moment: datetime) -> str:
    local = to_local(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"
