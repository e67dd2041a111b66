"""Operator API for parcels: track by number or recipient phone, record tracking events
(a service-station keeper registers an arrival), and take send requests. All behind
OperatorDep: parcels carry names, phone numbers and pickup codes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AwareDatetime, BaseModel, Field

from backend.localtime import to_local
from backend.models import Parcel, SendRequest
from backend.services.parcels import shipments as service
from bot.deps import OperatorDep, SessionDep

router = APIRouter(prefix="/api/parcels", tags=["parcels"])


class ParcelEventOut(BaseModel):
    at: str
    status: str
    location: str | None
    description: str


class ServicePointOut(BaseModel):
    name: str
    place: str
    address: str | None
    hours: str | None
    phone: str | None


class ParcelOut(BaseModel):
    tracking_no: str
    carrier: str
    status: str
    events: list[ParcelEventOut]
    service_point: ServicePointOut | None
    pickup_code: str | None


class ParcelListItem(ParcelOut):
    status_text: str


class ParcelEventIn(BaseModel):
    status: str = Field(description="collected | in_transit | at_service_point | picked_up | returned")
    location: str | None = None
    description: str
    at: AwareDatetime | None = None


class SendRequestIn(BaseModel):
    citizen_id: int
    origin: str
    destination: str
    pickup_time: AwareDatetime | None = None
    goods: str | None = None
    weight_kg: float | None = None
    contact_phone: str | None = None


class SendRequestOut(BaseModel):
    id: int
    status: str
    citizen_id: int
    origin: str
    destination: str
    pickup_time: str | None
    goods: str | None
    weight_kg: float | None
    contact_phone: str | None
    created_at: str


def _iso(moment: datetime | None) -> str | None:
    return to_local(moment).isoformat() if moment is not None else None


def parcel_out(parcel: Parcel) -> ParcelOut:
    point = parcel.service_point
    return ParcelOut(
        tracking_no=parcel.tracking_no,
        carrier=parcel.carrier,
        status=parcel.status,
        events=[
            ParcelEventOut(
                at=to_local(e.at).isoformat(), status=e.status, location=e.location, description=e.description
            )
            for e in parcel.events
        ],
        service_point=ServicePointOut(
            name=point.name, place=point.place, address=point.address, hours=point.hours, phone=point.phone
        )
        if point is not None
        else None,
        pickup_code=parcel.pickup_code,
    )


def _send_out(request: SendRequest) -> SendRequestOut:
    return SendRequestOut(
        id=request.id,
        status=request.status,
        citizen_id=request.citizen_id,
        origin=request.origin,
        destination=request.destination,
        pickup_time=_iso(request.pickup_time),
        goods=request.goods,
        weight_kg=request.weight_kg,
        contact_phone=request.contact_phone,
        created_at=to_local(request.created_at).isoformat(),
    )


@router.get("")
def parcels_by_phone(
    session: SessionDep,
    _operator: OperatorDep,
    phone: Annotated[str, Query(description="11位手机号或尾号4位")],
) -> list[ParcelListItem]:
    return [
        ParcelListItem(**parcel_out(p).model_dump(), status_text=service.latest_status_text(p))
        for p in service.parcels_for_phone(session, phone=phone)
    ]


@router.post("/send", status_code=201)
def send_parcel(body: SendRequestIn, session: SessionDep, _operator: OperatorDep) -> SendRequestOut:
    request = service.request_send(session, **body.model_dump())
    return _send_out(request)


@router.get("/{tracking_no}")
def get_parcel(tracking_no: str, session: SessionDep, _operator: OperatorDep) -> ParcelOut:
    return parcel_out(service.track_parcel(session, tracking_no=tracking_no))


@router.post("/{tracking_no}/events", status_code=201)
def add_parcel_event(
    tracking_no: str, body: ParcelEventIn, session: SessionDep, _operator: OperatorDep
) -> ParcelOut:
    event = service.add_event(session, tracking_no=tracking_no, **body.model_dump())
    session.refresh(event.parcel, attribute_names=["events"])
    return parcel_out(event.parcel)
