"""Operator API for ride bookings and charters: book for a citizen (by id or mobile),
read a booking in the shape of docs/CONTRACTS.md §6, change, cancel, list a citizen's
bookings. Changes and cancellations go through `dispatch_plans` (as in the dialogs): a
demand ride on a run is placed again after a change (409 with `offers` when no vehicle
can come then) and its run is re-timed; the rider placed again hears the new vehicle and
time (a 派车 notice from dispatch). A booking or charter made here is confirmed to the
citizen by a notice on their channel (they did not talk to the bot). Everything is
personal data, so every endpoint is behind OperatorDep.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.localtime import to_local
from backend.models import Booking, Citizen
from backend.services.citizens import identities as citizens
from backend.services.dispatch import plans as dispatch_plans
from backend.services.notices import texts as notice_texts
from backend.services.rides import bookings as rides
from backend.services.rides import charters
from bot.deps import OperatorDep, SessionDep
from bot.routes.moments import AwareMoment

router = APIRouter(prefix="/api", tags=["bookings"])


class CitizenRef(BaseModel):
    id: int
    name: str | None
    mobile: str | None


class VehicleRef(BaseModel):
    plate: str
    kind: str
    seats: int


class DriverRef(BaseModel):
    name: str
    phone: str


class BookingOut(BaseModel):
    id: str
    status: str
    origin: str
    destination: str
    time: str = Field(description="出发时间，ISO 8601，北京时间")
    arrive_by: str | None = Field(default=None, description="要求到达的时间（10点前到），ISO 8601；没有为 null")
    passengers: int
    kind: str
    citizen: CitizenRef
    vehicle: VehicleRef | None
    driver: DriverRef | None


class CharterOut(BookingOut):
    quote: dict[str, Any]


class WhoIn(BaseModel):
    citizen_id: int | None = None
    mobile: str | None = Field(default=None, description="没有 citizen_id 时按手机号找到（或建立）用户")
    name: str | None = None


class BookingIn(WhoIn):
    origin: str
    destination: str
    time: AwareMoment
    arrive_by: AwareMoment | None = Field(default=None, description="要在这个时间前到达（可选）")
    passengers: int = 1
    kind: Literal["seat", "demand"] | None = None
    channel: str | None = "operator"
    contact_phone: str | None = None
    request_key: str | None = None


class CharterIn(WhoIn):
    origin: str
    destination: str
    time: AwareMoment
    passengers: int
    return_time: AwareMoment | None = None
    vehicle_kind: str | None = None
    note: str | None = None
    channel: str | None = "operator"
    contact_phone: str | None = None
    request_key: str | None = None


class ChangeIn(BaseModel):
    time: AwareMoment | None = None
    passengers: int | None = None
    citizen_id: int | None = Field(default=None, description="给出时只能改这位用户自己的订单")


class CancelIn(BaseModel):
    reason: str | None = None
    citizen_id: int | None = Field(default=None, description="给出时只能取消这位用户自己的订单")


def _iso(moment: datetime) -> str:
    return to_local(moment).isoformat()


def booking_out(b: Booking) -> BookingOut:
    return BookingOut(
        id=b.id,
        status=b.status,
        origin=b.origin_label,
        destination=b.destination_label,
        time=_iso(b.pickup_time),
        arrive_by=_iso(b.arrive_by) if b.arrive_by else None,
        passengers=b.passengers,
        kind=b.kind,
        citizen=CitizenRef(id=b.citizen.id, name=b.citizen.name, mobile=b.citizen.mobile),
        vehicle=VehicleRef(plate=b.vehicle.plate, kind=b.vehicle.kind, seats=b.vehicle.seats)
        if b.vehicle
        else None,
        driver=DriverRef(name=b.driver.name, phone=b.driver.phone) if b.driver else None,
    )


def _citizen(session: Session, who: WhoIn) -> Citizen:
    if who.citizen_id is not None:
        return citizens.get_citizen(session, who.citizen_id)
    if who.mobile:
        return citizens.citizen_for_mobile(session, mobile=who.mobile, name=who.name)
    raise InvalidInput("请提供 citizen_id 或乘客手机号 mobile", field="mobile")


@router.post("/bookings", status_code=201)
def create_booking(body: BookingIn, session: SessionDep, _operator: OperatorDep) -> BookingOut:
    citizen = _citizen(session, body)
    booking = rides.book_ride(
        session,
        citizen_id=citizen.id,
        origin=body.origin,
        destination=body.destination,
        pickup_time=body.time,
        passengers=body.passengers,
        kind=body.kind,
        channel=body.channel,
        contact_phone=body.contact_phone,
        request_key=body.request_key,
        arrive_by=body.arrive_by,
    )
    notice_texts.booking_confirmed(session, booking=booking)  # they did not talk to the bot: tell them
    return booking_out(booking)


@router.get("/bookings/{booking_id}")
def read_booking(booking_id: str, session: SessionDep, _operator: OperatorDep) -> BookingOut:
    return booking_out(rides.get_booking(session, booking_id))


@router.patch("/bookings/{booking_id}")
def change_booking(
    booking_id: str, body: ChangeIn, session: SessionDep, _operator: OperatorDep
) -> BookingOut:
    booking = dispatch_plans.change_ride(
        session,
        booking_id=booking_id,
        citizen_id=body.citizen_id,
        pickup_time=body.time,
        passengers=body.passengers,
    )
    return booking_out(booking)


@router.post("/bookings/{booking_id}/cancel")
def cancel_booking(
    booking_id: str, session: SessionDep, _operator: OperatorDep, body: CancelIn | None = None
) -> BookingOut:
    body = body or CancelIn()
    booking = dispatch_plans.cancel_ride(
        session, booking_id=booking_id, citizen_id=body.citizen_id, reason=body.reason
    )
    return booking_out(booking)


@router.get("/citizens/{citizen_id}/bookings")
def citizen_bookings(
    citizen_id: int,
    session: SessionDep,
    _operator: OperatorDep,
    include_all: Annotated[bool, Query(alias="all", description="也列出已取消和已过去的订单")] = False,
) -> list[BookingOut]:
    citizens.get_citizen(session, citizen_id)
    found = rides.list_bookings(session, citizen_id=citizen_id, active_only=not include_all)
    return [booking_out(b) for b in found]


@router.post("/charters", status_code=201)
def create_charter(body: CharterIn, session: SessionDep, _operator: OperatorDep) -> CharterOut:
    citizen = _citizen(session, body)
    booking = charters.book_charter(
        session,
        citizen_id=citizen.id,
        origin=body.origin,
        destination=body.destination,
        pickup_time=body.time,
        passengers=body.passengers,
        return_time=body.return_time,
        vehicle_kind=body.vehicle_kind,
        note=body.note,
        channel=body.channel,
        contact_phone=body.contact_phone,
        request_key=body.request_key,
    )
    notice_texts.booking_confirmed(session, booking=booking)
    return CharterOut(**booking_out(booking).model_dump(), quote=booking.details["quote"])
