"""Parcels delivered to village service points by passenger buses (客货邮), their
tracking events, and send-parcel requests (寄件/上门揽收)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, UTCDateTime, utcnow

PARCEL_STATUSES = ("in_transit", "at_service_point", "picked_up", "returned")


class ServicePoint(Base):
    """村级寄递服务站: where parcels wait for villagers, with a keeper and hours."""

    __tablename__ = "service_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    place: Mapped[str] = mapped_column(String(50), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    keeper: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    hours: Mapped[str | None] = mapped_column(String(32))


class Parcel(Base):
    __tablename__ = "parcels"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_no: Mapped[str] = mapped_column(String(32), unique=True)
    carrier: Mapped[str] = mapped_column(String(8))
    recipient_name: Mapped[str | None] = mapped_column(String(50))
    recipient_phone: Mapped[str | None] = mapped_column(String(11), index=True)
    service_point_id: Mapped[int | None] = mapped_column(ForeignKey("service_points.id"))
    status: Mapped[str] = mapped_column(String(20))
    pickup_code: Mapped[str | None] = mapped_column(String(8))
    weight_kg: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    service_point: Mapped[ServicePoint | None] = relationship(lazy="joined")
    events: Mapped[list[ParcelEvent]] = relationship(
        order_by="ParcelEvent.at", back_populates="parcel", cascade="all, delete-orphan"
    )


class ParcelEvent(Base):
    __tablename__ = "parcel_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20))
    location: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)

    parcel: Mapped[Parcel] = relationship(back_populates="events")


class SendRequest(Base):
    """A villager's request to send goods (farm produce ...), picked up at home or a station."""

    __tablename__ = "send_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    origin: Mapped[str] = mapped_column(String(50))
    destination: Mapped[str] = mapped_column(String(100))
    pickup_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    goods: Mapped[str | None] = mapped_column(String(200))
    weight_kg: Mapped[float | None] = mapped_column(Float)
    contact_phone: Mapped[str | None] = mapped_column(String(11))
    status: Mapped[str] = mapped_column(String(16), default="requested")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
