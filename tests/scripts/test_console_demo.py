from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import Complaint
from backend.models.agents import Agent, CallbackTask
from backend.models.conversations import Handoff
from backend.services.complaints.records import get_complaint
from scripts.console_demo import load_console_demo
from tests.conftest import NOW


def test_the_demo_fills_every_part_of_the_console(session: Session) -> None:
    ids = load_console_demo(session, now=NOW)
    assert session.scalar(select(func.count()).select_from(Agent)) == 3
    statuses = dict(session.execute(select(Handoff.status, func.count()).group_by(Handoff.status)).all())
    assert statuses == {"waiting": 4, "claimed": 2}
    assert session.scalar(select(func.count()).select_from(CallbackTask)) == 1
    states = set(session.scalars(select(Complaint.state)))
    assert {"received", "assigned", "in_progress", "resolved", "followed_up", "closed"} <= states
    featured = get_complaint(session, ticket_id=ids["complaint"])
    assert featured.state == "in_progress" and featured.plate == "闽GZ9415"
    assert session.get(Handoff, int(ids["handoff"])).claimed_by == "lin"  # type: ignore[union-attr]
