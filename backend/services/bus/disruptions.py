"""Disruption notices (停运/改线/延误) in force: for one line, for the lines at a place, or
all of them. Notices without a line concern the whole network and are always included."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models import Disruption
from backend.services.bus.network import check_aware, find_route, lines_serving


def active_disruptions(
    session: Session, *, route: str | None = None, place: str | None = None, now: datetime | None = None
) -> list[Disruption]:
    """Disruption notices in force now, for a line, for the lines at a place, or all of them.

    Network-wide notices (no line) are always included.
    """
    moment = check_aware(now) if now is not None else local_now()
    stmt = select(Disruption).where(Disruption.starts_at <= moment, Disruption.ends_at > moment)
    route_ids: set[str] | None = None
    if route:
        route_ids = {find_route(session, route).route_id}
    if place:
        serving = {r.route_id for r in lines_serving(session, place)}
        route_ids = serving if route_ids is None else route_ids & serving
    if route_ids is not None:
        stmt = stmt.where(or_(Disruption.route_id.in_(route_ids), Disruption.route_id.is_(None)))
    return list(session.scalars(stmt.order_by(Disruption.starts_at, Disruption.id)))
