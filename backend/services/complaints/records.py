"""Complaints and suggestions (投诉/建议): open a ticket, look it up, search the queue.

A ticket is written in full before anything is said back to the citizen: its number
(`C` + date + 3 digits), its deadlines in working days (first response, resolution) and
the first transition (None -> received) in the caller's transaction, with any pictures
(`media`: kind plus url and/or media_id) and phone recording sent with it. Everything is
checked first, so a refused complaint writes nothing. An unknown place is kept as written
rather than refused: a complaint is never lost over a misspelled village. The workflow
steps live in `complaints_workflow`, the statistics in `complaint_stats`; both are
re-exported here.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import datetime, timedelta
from typing import Any, TypedDict, Unpack

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput, NotFound, UnknownPlace
from backend.ids import next_id
from backend.localtime import local_now
from backend.models import Booking, Complaint
from backend.services.citizens.identities import contact_number, get_citizen, validate_mobile
from backend.services.complaints.stats import complaint_statistics
from backend.services.complaints.workflow import (
    MAX_TEXT,
    OPEN_STATES,
    STATE_LABELS,
    STATES,
    append_transition,
    escalate_overdue,
    normalise_ticket_id,
    overdue_condition,
    record_follow_up,
    transition_complaint,
)
from backend.services.complaints.working_days import add_working_days
from backend.services.places.gazetteer import resolve_place

__all__ = [
    "CATEGORY_LABELS", "complaint_statistics", "complaints_of_citizen", "escalate_overdue",
    "get_complaint", "normalise_category", "normalise_plate", "open_complaint", "record_follow_up",
    "search_complaints", "transition_complaint",
]  # fmt: skip

logger = logging.getLogger(__name__)

CATEGORY_LABELS: dict[str, str] = {
    "driver": "司机服务",
    "vehicle": "车辆",
    "fare": "票价",
    "schedule": "班次/准点",
    "parcel": "快递",
    "safety": "安全",
    "other": "其他",
    "suggestion": "建议",
}
_CATEGORY_WORDS: dict[str, str] = {
    **{label: code for code, label in CATEGORY_LABELS.items()},
    "司机": "driver", "服务态度": "driver", "班次": "schedule", "准点": "schedule",
    "晚点": "schedule", "快递": "parcel", "寄递": "parcel", "意见": "suggestion",
}  # fmt: skip
KINDS = ("complaint", "suggestion")
DEFAULT_FIRST_RESPONSE_DAYS = 1
DEFAULT_RESOLUTION_DAYS = 5
PLATE_RE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r"[A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{5,6}|[A-HJ-NP-Z0-9]{4}[挂学警])"
)
_PLATE_NOISE = re.compile(r"[\s.·•・\-]")
FUTURE_SLACK = timedelta(minutes=10)
MEDIA_KINDS = ("image", "voice", "recording", "video", "file")
MAX_MEDIA = 20
MAX_URL = 500


def normalise_category(category: str) -> str:
    """A category code from a code or its Chinese name (`班次` -> `schedule`)."""
    value = (category or "").strip()
    code = value.lower() if value.lower() in CATEGORY_LABELS else _CATEGORY_WORDS.get(value)
    if code is None:
        options = "、".join(f"{label}({code})" for code, label in CATEGORY_LABELS.items())
        raise InvalidInput(f"投诉类别“{category}”不对，可选：{options}", field="category")
    return code


def normalise_plate(plate: str) -> str:
    """`闽g·12345` / `闽G 12345` -> `闽G12345`; InvalidInput when it is not a plate number."""
    value = _PLATE_NOISE.sub("", unicodedata.normalize("NFKC", plate or "")).upper()
    if not PLATE_RE.fullmatch(value):
        raise InvalidInput(f"车牌号“{plate}”不对，车牌应像 闽G12345 这样", field="plate", value=plate)
    return value


def open_complaint(
    session: Session,
    *,
    category: str,
    description: str,
    citizen_id: int | None = None,
    contact_phone: str | None = None,
    channel: str | None = None,
    booking_id: str | None = None,
    plate: str | None = None,
    route: str | None = None,
    place: str | None = None,
    occurred_at: datetime | None = None,
    media: list[dict[str, str]] | None = None,
    recording_url: str | None = None,
    kind: str = "complaint",
    by: str = "citizen",
    now: datetime | None = None,
    first_response_days: int = DEFAULT_FIRST_RESPONSE_DAYS,
    resolution_days: int = DEFAULT_RESOLUTION_DAYS,
) -> Complaint:
    """Register a complaint or suggestion (state `received`) and return it. `media`: the
    pictures sent with it, each {"kind": "image", "url": ..., "media_id": ...} (url or
    media_id or both); `recording_url`: the hotline recording of the citizen's words."""
    now = now or local_now()
    code = normalise_category(category)
    if kind not in KINDS:
        raise InvalidInput("类型只能是投诉(complaint)或建议(suggestion)", field="kind")
    if code == "suggestion" and kind != "suggestion":
        raise InvalidInput("“建议”类别请用建议(suggestion)类型提交", field="kind")
    text = (description or "").strip()
    if not text:
        raise InvalidInput("请说一下具体情况：什么时间、在哪里、发生了什么", field="description")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"内容请控制在 {MAX_TEXT} 字以内", field="description")
    citizen = get_citizen(session, citizen_id) if citizen_id is not None else None
    phone = validate_mobile(contact_phone) if contact_phone else (contact_number(citizen) if citizen else None)
    booking = _booking(session, booking_id) if booking_id else None
    plate_no = normalise_plate(plate) if plate else None
    _check_lengths(channel=(channel, 16), route=(route, 64), place=(place, 50), by=(by, 50))
    if not by or not by.strip():
        raise InvalidInput("请注明登记人", field="by")
    if occurred_at is not None and (occurred_at.tzinfo is None or occurred_at > now + FUTURE_SLACK):
        raise InvalidInput("发生时间不对：需要带时区，且不能晚于现在", field="occurred_at")
    attachments = _check_media(media)
    recording = _check_url(recording_url, "recording_url") if recording_url is not None else None
    place_name, township = _place_and_township(session, place, booking)
    complaint = Complaint(
        id=next_id(session, prefix="C", moment=now),
        kind=kind,
        state="received",
        category=code,
        description=text,
        citizen_id=citizen.id if citizen else None,
        contact_phone=phone,
        channel=channel,
        booking_id=booking.id if booking else None,
        plate=plate_no,
        route=route.strip() if route else None,
        place=place_name,
        township=township,
        occurred_at=occurred_at,
        media=attachments,
        recording_url=recording,
        created_at=now,
        first_response_due=add_working_days(now, first_response_days),
        resolution_due=add_working_days(now, resolution_days),
    )
    session.add(complaint)
    append_transition(session, complaint, from_state=None, by=by.strip(), note="受理", now=now)
    session.flush()
    logger.info("complaint %s opened (%s, %s) via %s", complaint.id, kind, code, channel)
    return complaint


def add_transcription(
    session: Session, *, recording_url: str, text: str, placeholder: str | None = None
) -> Complaint | None:
    """The gateway's transcription of a hotline recording, kept on the ticket that has the
    recording: it becomes the description when that is still `placeholder` (录音留言),
    else it is added below it. None when no ticket has this recording (yet)."""
    text = (text or "").strip()[:MAX_TEXT]
    if not text:
        return None
    complaint = session.scalars(
        select(Complaint).where(Complaint.recording_url == recording_url).order_by(Complaint.created_at.desc())
    ).first()
    if complaint is None:
        return None
    if placeholder is not None and complaint.description.strip() == placeholder:
        complaint.description = text
    elif text not in complaint.description:
        complaint.description = f"{complaint.description}\n录音转写：{text}"[:MAX_TEXT]
    session.flush()
    logger.info("complaint %s: recording transcribed (%s characters)", complaint.id, len(text))
    return complaint


def get_complaint(session: Session, *, ticket_id: str) -> Complaint:
    ticket = normalise_ticket_id(ticket_id)
    complaint = session.get(Complaint, ticket)
    if complaint is None:
        raise NotFound(f"找不到工单 {ticket}，请核对工单号", ticket_id=ticket)
    return complaint


class ComplaintFilters(TypedDict, total=False):
    """What tickets can be filtered by (each given one must match)."""

    state: str | None
    category: str | None
    township: str | None
    overdue: bool | None
    citizen_id: int | None
    assignee: str | None
    text: str | None
    created_from: datetime | None
    created_to: datetime | None


def search_complaints(
    session: Session,
    *,
    order: str = "newest",
    limit: int = 50,
    offset: int = 0,
    now: datetime | None = None,
    **filters: Unpack[ComplaintFilters],
) -> list[Complaint]:
    """Tickets matching every given filter, newest first (`order="deadline"`: the nearest
    resolution deadline first). `overdue` means still open with a deadline passed (True) or
    not (False); `text` searches description, number, plate, place; `assignee` is who a
    ticket was given to (派单)."""
    if not 1 <= limit <= 200 or offset < 0:
        raise InvalidInput("limit 应在 1 到 200 之间，offset 不能为负", field="limit")
    if order not in ("newest", "deadline"):
        raise InvalidInput("排序只能是 newest 或 deadline", field="order")
    conditions = _conditions(now, **filters)
    ordering = (
        (Complaint.resolution_due.asc(), Complaint.id.asc())
        if order == "deadline"
        else (Complaint.created_at.desc(), Complaint.id.desc())
    )
    stmt = select(Complaint).where(*conditions).order_by(*ordering).limit(limit).offset(offset)
    return list(session.scalars(stmt).unique())


def count_complaints(session: Session, *, now: datetime | None = None, **filters: Unpack[ComplaintFilters]) -> int:
    """How many tickets `search_complaints` would find with the same filters (no paging)."""
    return int(session.scalar(select(func.count(Complaint.id)).where(*_conditions(now, **filters))) or 0)


def _conditions(now: datetime | None, **filters: Unpack[ComplaintFilters]) -> list[ColumnElement[bool]]:
    state, category, township = filters.get("state"), filters.get("category"), filters.get("township")
    citizen_id, assignee, text = filters.get("citizen_id"), filters.get("assignee"), filters.get("text")
    created_from, created_to, overdue = filters.get("created_from"), filters.get("created_to"), filters.get("overdue")
    conditions: list[ColumnElement[bool]] = []
    if state is not None:
        if state not in STATE_LABELS:
            raise InvalidInput(f"没有“{state}”这个状态，可选：{'、'.join(STATES)}", field="state")
        conditions.append(Complaint.state == state)
    if category is not None:
        conditions.append(Complaint.category == normalise_category(category))
    if township:
        conditions.append(Complaint.township == township.strip())
    if citizen_id is not None:
        conditions.append(Complaint.citizen_id == citizen_id)
    if assignee:
        conditions.append(Complaint.assignee == assignee.strip())
    if created_from is not None:
        conditions.append(Complaint.created_at >= created_from)
    if created_to is not None:
        conditions.append(Complaint.created_at < created_to)
    if overdue is not None:
        late = Complaint.state.in_(OPEN_STATES) & overdue_condition(now or local_now())
        conditions.append(late if overdue else ~late)
    if text and text.strip():
        needle = text.strip()
        columns = (Complaint.description, Complaint.id, Complaint.plate, Complaint.place)
        conditions.append(or_(*(c.icontains(needle, autoescape=True) for c in columns)))
    return conditions


def complaints_of_citizen(session: Session, *, citizen_id: int, limit: int = 20) -> list[Complaint]:
    """A citizen's tickets, newest first (for "我上次的投诉怎么样了")."""
    return search_complaints(session, citizen_id=citizen_id, limit=limit)


def _booking(session: Session, booking_id: str) -> Booking:
    ident = re.sub(r"\s+", "", booking_id).upper()
    booking = session.get(Booking, ident)
    if booking is None:
        raise NotFound(f"找不到订单 {ident}，请核对订单号", booking_id=ident)
    return booking


def _check_lengths(**fields: tuple[str | None, int]) -> None:
    for name, (value, limit) in fields.items():
        if value is not None and len(value.strip()) > limit:
            raise InvalidInput(f"{name} 太长了（最多 {limit} 个字）", field=name)


def _check_url(value: Any, field: str) -> str:
    url = value.strip() if isinstance(value, str) else ""
    if not url.startswith(("http://", "https://")) or len(url) > MAX_URL:
        raise InvalidInput(f"{field} 应是 http(s) 地址，且不超过 {MAX_URL} 个字符", field=field)
    return url


def _check_media(media: Any) -> list[dict[str, str]]:
    """Pictures as stored on the ticket: a list of {kind, url?, media_id?}, nothing else."""
    if media is None:
        return []
    if not isinstance(media, list) or len(media) > MAX_MEDIA:
        raise InvalidInput(f"附件应是列表，最多 {MAX_MEDIA} 个", field="media")
    checked = []
    for item in media:
        if not isinstance(item, dict) or not set(item) <= {"kind", "url", "media_id"}:
            raise InvalidInput("每个附件只能有 kind、url、media_id 三项", field="media")
        kind, url, media_id = item.get("kind"), item.get("url"), item.get("media_id")
        if kind not in MEDIA_KINDS:
            raise InvalidInput(f"附件类型应是 {'、'.join(MEDIA_KINDS)} 之一", field="media")
        if url is None and media_id is None:
            raise InvalidInput("附件需要 url 或 media_id", field="media")
        entry = {"kind": kind}
        if url is not None:
            entry["url"] = _check_url(url, "media")
        if media_id is not None:
            if not isinstance(media_id, str) or not media_id.strip() or len(media_id) > MAX_URL:
                raise InvalidInput(f"附件的 media_id 不能为空，且不超过 {MAX_URL} 个字符", field="media")
            entry["media_id"] = media_id.strip()
        checked.append(entry)
    return checked


def _place_and_township(
    session: Session, place: str | None, booking: Booking | None
) -> tuple[str | None, str | None]:
    """Canonical place name and its township; an unresolved place is kept as written."""
    name = place.strip() if place and place.strip() else None
    for candidate in (name, booking.origin if booking else None):
        if candidate is None:
            continue
        try:
            found = resolve_place(session, candidate)
        except UnknownPlace:
            logger.info("complaint place %r not in the gazetteer; kept as written", candidate)
            continue
        return (found.name if candidate == name else name), found.township
    return name, None
