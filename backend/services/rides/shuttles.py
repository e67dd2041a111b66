"""学生定制班车: guardians sign pupils up for the school run, and ask when it goes.

The schedule is fixed, by kind of school:
- boarding middle schools (name contains 中学, e.g. 清流县第一中学): to school on Sunday
  afternoon (arriving about 15:30), home on Friday afternoon (leaving school 17:10). Where
  the timetable has a student trip (GTFS services `STU_SUN` / `STU_FRI`) serving the
  pupil's home, its real times and line are used.
- day schools (小学 and any other school): every school day (Monday to Friday), arriving
  about 07:40 and leaving school at 16:30.
Times without a timetable trip are estimated from the road distance (backend.services.places.travel)
and rounded to five minutes; the exact pick-up point is arranged after sign-up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from backend.errors import DuplicateRequest, IllegalTransition, InvalidInput, NotFound
from backend.ids import next_id
from backend.localtime import local_now
from backend.models import Place, ServiceCalendar, Stop, StopTime, StudentShuttleSignup, Trip
from backend.services.citizens.identities import get_citizen
from backend.services.places.gazetteer import resolve_place
from backend.services.places.travel import travel_time

logger = logging.getLogger(__name__)

DIRECTIONS = ("to_school", "from_school", "both")
SCHOOL_SUFFIXES = ("中学", "小学", "学校")
BOARDING_TO_SCHOOL = ("每周日", "sunday", "15:30")
BOARDING_HOME = ("每周五", "friday", "17:10")
DAY_TO_SCHOOL = ("周一至周五上学日", "monday", "07:40")
DAY_HOME = ("周一至周五上学日", "monday", "16:30")
MAX_NAME_CHARS = 20


@dataclass(frozen=True)
class ShuttleLeg:
    direction: str  # to_school | from_school
    days: str  # 每周日 / 每周五 / 周一至周五上学日
    departure: str  # HH:MM, leaving the board place
    arrival: str  # HH:MM, at the alight place
    board: str
    alight: str
    route: str | None  # line label when a timetable trip serves it, else None (custom run)


@dataclass(frozen=True)
class ShuttleSchedule:
    school: str
    home_place: str
    boarding: bool
    legs: tuple[ShuttleLeg, ...]

    @property
    def text(self) -> str:
        """Plain Chinese, one line per leg, for any channel."""
        lines = []
        for leg in self.legs:
            what = "上学" if leg.direction == "to_school" else "放学回家"
            line = f"{what}：{leg.days} {leg.departure} 从{leg.board}出发，约 {leg.arrival} 到{leg.alight}"
            lines.append(line + (f"（{leg.route}）" if leg.route else ""))
        return "\n".join(lines)


def resolve_school(session: Session, name: str) -> Place:
    place = resolve_place(session, name)
    if not place.name.endswith(SCHOOL_SUFFIXES):
        raise InvalidInput(f"“{place.name}”不是学校，请告诉我孩子就读的学校名称", school=place.name)
    return place


def sign_up_student(
    session: Session,
    *,
    citizen_id: int,
    student_name: str,
    school: str,
    home_place: str,
    direction: str = "both",
    now: datetime | None = None,
) -> StudentShuttleSignup:
    """Sign a pupil up under a new sign-up id (`S` + yyyymmdd + 3 digits); the same guardian
    signing the same pupil for the same school twice raises DuplicateRequest (with `signup_id`)."""
    name = (student_name or "").strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidInput("请告诉我学生的姓名", field="student_name")
    if direction not in DIRECTIONS:
        raise InvalidInput(f"乘车方向“{direction}”不正确", field="direction", value=direction)
    get_citizen(session, citizen_id)
    school_place = resolve_school(session, school)
    home = resolve_place(session, home_place)
    if home.id == school_place.id:
        raise InvalidInput("家庭住址和学校不能是同一个地方", field="home_place")
    stmt = select(StudentShuttleSignup).where(
        StudentShuttleSignup.citizen_id == citizen_id,
        StudentShuttleSignup.student_name == name,
        StudentShuttleSignup.school == school_place.name,
        StudentShuttleSignup.active.is_(True),
    )
    existing = session.scalars(stmt).first()
    if existing is not None:
        raise DuplicateRequest(
            f"{name}已经报名了{school_place.name}的定制班车（报名号{existing.reference}），不用重复报名",
            signup_id=existing.id,
            reference=existing.reference,
        )
    signup = StudentShuttleSignup(
        reference=next_id(session, prefix="S", moment=now or local_now()),
        citizen_id=citizen_id,
        student_name=name,
        school=school_place.name,
        home_place=home.name,
        direction=direction,
        active=True,
    )
    session.add(signup)
    session.flush()
    logger.info("shuttle sign-up %s for citizen %s", signup.reference, citizen_id)
    return signup


def list_signups(
    session: Session, *, citizen_id: int | None = None, school: str | None = None, active_only: bool = True
) -> list[StudentShuttleSignup]:
    stmt = select(StudentShuttleSignup)
    if citizen_id is not None:
        stmt = stmt.where(StudentShuttleSignup.citizen_id == citizen_id)
    if school is not None:
        stmt = stmt.where(StudentShuttleSignup.school == resolve_school(session, school).name)
    if active_only:
        stmt = stmt.where(StudentShuttleSignup.active.is_(True))
    return list(session.scalars(stmt.order_by(StudentShuttleSignup.id)))


def cancel_signup(session: Session, *, signup_id: int, citizen_id: int | None = None) -> StudentShuttleSignup:
    signup = session.get(StudentShuttleSignup, signup_id)
    if signup is None or (citizen_id is not None and signup.citizen_id != citizen_id):
        raise NotFound("没有找到这条班车报名", signup_id=signup_id)
    if not signup.active:
        raise IllegalTransition("这条班车报名已经取消过了", signup_id=signup_id)
    signup.active = False
    session.flush()
    return signup


def shuttle_schedule(session: Session, *, school: str, home_place: str) -> ShuttleSchedule:
    """The fixed school-run times between a home place and a school (see module docstring)."""
    school_place = resolve_school(session, school)
    home = resolve_place(session, home_place)
    if home.id == school_place.id:
        raise InvalidInput("家庭住址和学校不能是同一个地方", field="home_place")
    boarding = "中学" in school_place.name
    to_days, to_weekday, arrive_by = BOARDING_TO_SCHOOL if boarding else DAY_TO_SCHOOL
    home_days, home_weekday, leave_at = BOARDING_HOME if boarding else DAY_HOME
    to_school = _timetabled(session, home, school_place, to_weekday, "to_school", to_days) or _estimated(
        home, school_place, "to_school", to_days, arrive_by=arrive_by
    )
    back = _timetabled(session, school_place, home, home_weekday, "from_school", home_days) or _estimated(
        school_place, home, "from_school", home_days, leave_at=leave_at
    )
    return ShuttleSchedule(school_place.name, home.name, boarding, (to_school, back))


def _estimated(
    board: Place,
    alight: Place,
    direction: str,
    days: str,
    *,
    arrive_by: str | None = None,
    leave_at: str | None = None,
) -> ShuttleLeg:
    ride = travel_time(board, alight)
    base = datetime(2000, 1, 3)
    if arrive_by is not None:
        arrive = base.replace(hour=int(arrive_by[:2]), minute=int(arrive_by[3:]))
        depart = arrive - ride
        depart -= timedelta(minutes=depart.minute % 5)
    else:
        assert leave_at is not None
        depart = base.replace(hour=int(leave_at[:2]), minute=int(leave_at[3:]))
        arrive = depart + ride
    return ShuttleLeg(
        direction, days, depart.strftime("%H:%M"), arrive.strftime("%H:%M"), board.name, alight.name, None
    )


def _timetabled(
    session: Session, board: Place, alight: Place, weekday: str, direction: str, days: str
) -> ShuttleLeg | None:
    """A student-service trip (service id `STU_…`) running on `weekday` from board to alight."""
    on, off = aliased(StopTime), aliased(StopTime)
    on_stop, off_stop = aliased(Stop), aliased(Stop)
    stmt = (
        select(Trip, on.departure_s, off.arrival_s)
        .join(on, on.trip_id == Trip.trip_id)
        .join(on_stop, on_stop.stop_id == on.stop_id)
        .join(off, off.trip_id == Trip.trip_id)
        .join(off_stop, off_stop.stop_id == off.stop_id)
        .join(ServiceCalendar, ServiceCalendar.service_id == Trip.service_id)
        .where(
            Trip.service_id.like("STU%"),
            getattr(ServiceCalendar, weekday).is_(True),
            on_stop.place_id == board.id,
            off_stop.place_id == alight.id,
            on.stop_sequence < off.stop_sequence,
        )
        .order_by(on.departure_s)
    )
    row = session.execute(stmt).first()
    if row is None:
        return None
    trip, dep_s, arr_s = row
    return ShuttleLeg(direction, days, _hhmm(dep_s), _hhmm(arr_s), board.name, alight.name, trip.route.label)


def _hhmm(seconds: int) -> str:
    return f"{seconds // 3600 % 24:02d}:{seconds % 3600 // 60:02d}"
