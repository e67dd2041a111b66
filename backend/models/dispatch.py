"""Dispatch records: a run of one vehicle and driver, and its ordered stops."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, UTCDateTime, utcnow
from backend.models.fleet import Driver, Vehicle


class DispatchRun(Base):
    __tablename__ = "dispatch_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_date: Mapped[date] = mapped_column(Date, index=True)
    vehicle_id: Mapped[int] = mapped_column(ForeignKey("vehicles.id"))
    driver_id: Mapped[int | None] = mapped_column(ForeignKey("drivers.id"))
    status: Mapped[str] = mapped_column(String(16), default="planned")
    created_by: Mapped[str] = mapped_column(String(50), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    vehicle: Mapped[Vehicle] = relationship(lazy="joined")
    driver: Mapped[Driver | None] = relationship(lazy="joined")
    stops: Mapped[list[DispatchStop]] = relationship(
        order_by="DispatchStop.seq", cascade="all, delete-orphan", back_populates="run"
    )


class DispatchStop(Base):
    """One stop of a run: pick up or drop off a booking (or a parcel consignment)."""

    __tablename__ = "dispatch_stops"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("dispatch_runs.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))  # pickup dropoff
    place: Mapped[str] = mapped_column(String(50))
    planned_time: Mapped[datetime] = mapped_column(UTCDateTime)
    booking_id: Mapped[str | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    parcel_ref: Mapped[str | None] = mapped_column(String(32))
    load: Mapped[int] = mapped_column(Integer, default=0)

    run: Mapped[DispatchRun] = relationship(back_populates="stops")
