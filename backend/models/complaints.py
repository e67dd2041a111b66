"""Complaints and suggestions with the 12328 workflow (docs/CONTRACTS.md §4).

`ComplaintTransition` is append-only: the mapper refuses updates and deletes, so the
history of a ticket cannot be rewritten through the ORM.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, UTCDateTime, utcnow
from backend.models.people import Citizen


class Complaint(Base):
    __tablename__ = "complaints"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # C20261115003
    kind: Mapped[str] = mapped_column(String(16), default="complaint")  # complaint suggestion
    state: Mapped[str] = mapped_column(String(16), index=True)
    category: Mapped[str] = mapped_column(String(16), index=True)
    description: Mapped[str] = mapped_column(Text)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("citizens.id"), index=True)
    contact_phone: Mapped[str | None] = mapped_column(String(11))
    channel: Mapped[str | None] = mapped_column(String(16))
    booking_id: Mapped[str | None] = mapped_column(String(16))
    plate: Mapped[str | None] = mapped_column(String(10))
    route: Mapped[str | None] = mapped_column(String(64))
    place: Mapped[str | None] = mapped_column(String(50))
    township: Mapped[str | None] = mapped_column(String(50), index=True)
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assignee: Mapped[str | None] = mapped_column(String(50))
    resolution: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[int | None] = mapped_column(Integer)  # 1..5
    recording_url: Mapped[str | None] = mapped_column(String(500))
    media: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    first_response_due: Mapped[datetime] = mapped_column(UTCDateTime)
    resolution_due: Mapped[datetime] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    citizen: Mapped[Citizen | None] = relationship(lazy="joined")
    transitions: Mapped[list[ComplaintTransition]] = relationship(
        order_by="ComplaintTransition.id", back_populates="complaint"
    )


class ComplaintTransition(Base):
    __tablename__ = "complaint_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[str] = mapped_column(ForeignKey("complaints.id"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    by: Mapped[str] = mapped_column(String(50))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)

    complaint: Mapped[Complaint] = relationship(back_populates="transitions")


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(ComplaintTransition, "before_update")
@event.listens_for(ComplaintTransition, "before_delete")
def _refuse_rewrite(mapper: Any, connection: Any, target: ComplaintTransition) -> None:
    raise AppendOnlyError("complaint transitions are append-only")
