"""A student-shuttle sign-up by its id (`S20261203001`, CONTRACTS.md §3): look it up, read
it in the operator API's shape (child, school, stops, days, status, citizen), change the
home village, school or direction, or cancel it. A guardian reaches only their own
sign-ups (`citizen_id` given: someone else's id is NotFound, as for bookings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import DuplicateRequest, IllegalTransition, InvalidInput, NotFound
from backend.models import StudentShuttleSignup
from backend.services.places.gazetteer import resolve_place
from backend.services.rides import shuttles

SIGNUP_ID = re.compile(r"S\d{11}")
DIRECTION_NAMES = {"to_school": "只坐上学", "from_school": "只坐放学回家", "both": "上学、放学都坐"}


def find_signup(session: Session, reference: str, *, citizen_id: int | None = None) -> StudentShuttleSignup:
    ref = (reference or "").strip().upper()
    if not SIGNUP_ID.fullmatch(ref):
        raise InvalidInput(f"报名号“{reference}”格式不对，应像 S20261203001", signup_id=reference)
    signup = session.scalars(
        select(StudentShuttleSignup).where(StudentShuttleSignup.reference == ref)
    ).first()
    if signup is None or (citizen_id is not None and signup.citizen_id != citizen_id):
        raise NotFound(f"没有找到报名号{ref}的班车报名", signup_id=ref)
    return signup


def status_of(signup: StudentShuttleSignup) -> str:
    return "active" if signup.active else "cancelled"


@dataclass(frozen=True)
class SignupView:
    signup: StudentShuttleSignup
    schedule: shuttles.ShuttleSchedule

    @property
    def legs(self) -> list[shuttles.ShuttleLeg]:
        wanted = self.signup.direction
        return [leg for leg in self.schedule.legs if wanted in ("both", leg.direction)]

    @property
    def text(self) -> str:
        return shuttles.ShuttleSchedule(
            self.schedule.school, self.schedule.home_place, self.schedule.boarding, tuple(self.legs)
        ).text

    def stops(self) -> list[dict[str, Any]]:
        return [
            {"direction": leg.direction, "board": leg.board, "alight": leg.alight, "departure": leg.departure,
             "arrival": leg.arrival, "line": leg.route}
            for leg in self.legs
        ]  # fmt: skip

    def days(self) -> dict[str, str]:
        return {leg.direction: leg.days for leg in self.legs}


def view(session: Session, signup: StudentShuttleSignup) -> SignupView:
    schedule = shuttles.shuttle_schedule(session, school=signup.school, home_place=signup.home_place)
    return SignupView(signup, schedule)


def active_signups(session: Session, *, citizen_id: int) -> list[StudentShuttleSignup]:
    return shuttles.list_signups(session, citizen_id=citizen_id)


def change_signup(
    session: Session,
    *,
    reference: str,
    citizen_id: int | None = None,
    home_place: str | None = None,
    school: str | None = None,
    direction: str | None = None,
) -> StudentShuttleSignup:
    """Change where the pupil lives, which school, or which runs they take."""
    signup = find_signup(session, reference, citizen_id=citizen_id)
    if not signup.active:
        raise IllegalTransition(f"报名{signup.reference}已经取消了，不能再修改", signup_id=signup.reference)
    if home_place is None and school is None and direction is None:
        raise InvalidInput("请告诉我要改什么：家住的村、学校，或者只坐上学/放学", signup_id=signup.reference)
    new_school = shuttles.resolve_school(session, school).name if school else signup.school
    new_home = resolve_place(session, home_place).name if home_place else signup.home_place
    if direction is not None and direction not in shuttles.DIRECTIONS:
        raise InvalidInput(f"乘车方向“{direction}”不正确", field="direction", value=direction)
    if new_home == new_school:
        raise InvalidInput("家庭住址和学校不能是同一个地方", field="home_place")
    if new_school != signup.school and shuttles.list_signups(
        session, citizen_id=signup.citizen_id, school=new_school
    ):
        same = [s for s in shuttles.list_signups(session, citizen_id=signup.citizen_id, school=new_school)
                if s.student_name == signup.student_name]  # fmt: skip
        if same:
            raise DuplicateRequest(
                f"{signup.student_name}已经报名了{new_school}的班车（报名号{same[0].reference}）"
            )
    signup.school, signup.home_place = new_school, new_home
    if direction is not None:
        signup.direction = direction
    session.flush()
    return signup


def cancel(session: Session, *, reference: str, citizen_id: int | None = None) -> StudentShuttleSignup:
    signup = find_signup(session, reference, citizen_id=citizen_id)
    return shuttles.cancel_signup(session, signup_id=signup.id, citizen_id=citizen_id)
