"""Operator API for student-shuttle sign-ups: `GET /api/shuttle-signups/{id}` (id as issued,
`S20261203001`) -> child, school, stops, days, status and the citizen who signed up
(CONTRACTS.md §6). Personal data: behind OperatorDep like bookings and complaints.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from backend.localtime import to_local
from backend.services.citizens import identities as citizens
from backend.services.rides import shuttle_signups
from bot.deps import OperatorDep, SessionDep
from bot.routes.bookings import CitizenRef

router = APIRouter(prefix="/api", tags=["shuttles"])


class ShuttleStopOut(BaseModel):
    direction: str = Field(description="to_school | from_school")
    board: str
    alight: str
    departure: str = Field(description="HH:MM")
    arrival: str = Field(description="HH:MM")
    line: str | None = Field(description="the timetable line when one serves it, else null (custom run)")


class SignupOut(BaseModel):
    id: str
    status: str = Field(description="active | cancelled")
    child: str
    school: str
    home: str
    direction: str
    stops: list[ShuttleStopOut]
    days: dict[str, str] = Field(description="per direction: 每周日 / 每周五 / 周一至周五上学日")
    citizen: CitizenRef
    created_at: str


@router.get("/shuttle-signups/{signup_id}")
def get_signup(signup_id: str, session: SessionDep, _operator: OperatorDep) -> SignupOut:
    signup = shuttle_signups.find_signup(session, signup_id)
    shown = shuttle_signups.view(session, signup)
    citizen = citizens.get_citizen(session, signup.citizen_id)
    return SignupOut(
        id=signup.reference or "",
        status=shuttle_signups.status_of(signup),
        child=signup.student_name,
        school=signup.school,
        home=signup.home_place,
        direction=signup.direction,
        stops=[ShuttleStopOut(**stop) for stop in shown.stops()],
        days=shown.days(),
        citizen=CitizenRef(id=citizen.id, name=citizen.name, mobile=citizen.mobile),
        created_at=to_local(signup.created_at).isoformat(),
    )
