"""Ride bookings (seat on a scheduled trip, demand-responsive ride, charter), student-shuttle
sign-ups, alert subscriptions, and the per-day counters that number bookings and tickets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, UTCDateTime, utcnow
from backend.models.fleet import Driver, Vehicle
from backend.models.people import Citizen

BOOKING_KINDS = ("seat", "demand", "charter")
BOOKING_STATUSES = ("requested", "confirmed", "assigned", "cancelled", "completed")


class Booking(Base):
    __tablename__ = "bookings"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # B202611200007
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), index=True)
    origin: Mapped[str] = mapped_column(String(50))
    destination: Mapped[str] = mapped_column(String(50))
    pickup_time: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    passengers: Mapped[int] = mapped_column(Integer)
    trip_id: Mapped[str | None] = mapped_column(String(64), index=True)
    journey_id: Mapped[str | None] = mapped_column(String(16), index=True)  # legs of one journey share it
    route_id: Mapped[str | None] = mapped_column(String(64))
    board_stop_id: Mapped[str | None] = mapped_column(String(64))
    alight_stop_id: Mapped[str | None] = mapped_column(String(64))
    service_date: Mapped[date | None] = mapped_column(Date)
    # a frequency-based trip runs many times a day: the run's first departure (seconds)
    trip_start_s: Mapped[int | None] = mapped_column(Integer)
    fare_total: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    vehicle_id: Mapped[int | None] = mapped_column(ForeignKey("vehicles.id"))
    driver_id: Mapped[int | None] = mapped_column(ForeignKey("drivers.id"))
    planned_pickup: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # 10点前到: the rider must arrive by this time (None: no arrival promise). The dialog
    # fills it from an arrive-by wish; seats are chosen to arrive by it, and it is the
    # drop-off deadline a demand ride's plan must keep.
    arrive_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str | None] = mapped_column(String(16))
    contact_phone: Mapped[str | None] = mapped_column(String(11))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    citizen: Mapped[Citizen] = relationship(lazy="joined")
    vehicle: Mapped[Vehicle | None] = relationship(lazy="joined")
    driver: Mapped[Driver | None] = relationship(lazy="joined")

    @property
    def origin_label(self) -> str:
        """Where the rider is picked up as they said it: the gazetteer place and any village
        the gazetteer lacks (嵩口镇上坪村; `origin` alone is 嵩口镇, what dispatch plans with)."""
        return self.origin + str((self.details or {}).get("origin_detail") or "")

    @property
    def destination_label(self) -> str:
        return self.destination + str((self.details or {}).get("destination_detail") or "")


class StudentShuttleSignup(Base):
    """学生定制班车: a guardian signs a pupil up for the school run."""

    __tablename__ = "student_shuttle_signups"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(16), unique=True, index=True)  # S20261203001
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    student_name: Mapped[str] = mapped_column(String(50))
    school: Mapped[str] = mapped_column(String(50))
    home_place: Mapped[str] = mapped_column(String(50))
    direction: Mapped[str] = mapped_column(String(16), default="both")  # to_school from_school both
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Subscription(Base):
    """到站提醒 / 停运通知: what a citizen asked to be told about."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizens.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # arrival disruption
    place: Mapped[str | None] = mapped_column(String(50))
    route_id: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DailyCounter(Base):
    """Per-day sequence behind `B…0007` and `C…003` identifiers."""

    __tablename__ = "daily_counters"

    prefix: Mapped[str] = mapped_column(String(4), primary_key=True)
    day: Mapped[str] = mapped_column(String(8), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
