from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import DuplicateRequest, IllegalTransition, InvalidInput, NotFound, UnknownPlace
from backend.models import Citizen, StudentShuttleSignup
from backend.services.citizens import identities as citizens
from backend.services.rides import shuttles


@pytest.fixture
def parent(session: Session) -> Citizen:
    return citizens.citizen_for_mobile(session, mobile="13905982001", name="邓女士")


def signups(session: Session) -> int:
    session.flush()
    return session.scalar(select(func.count()).select_from(StudentShuttleSignup)) or 0


def test_sign_up_resolves_school_and_home(session: Session, parent: Citizen) -> None:
    signup = shuttles.sign_up_student(
        session,
        citizen_id=parent.id,
        student_name=" 邓小红 ",
        school="县一中",
        home_place="邓家",
        direction="to_school",
    )
    assert (signup.student_name, signup.school, signup.home_place) == ("邓小红", "清流县第一中学", "邓家村")
    assert signup.direction == "to_school" and signup.active
    assert shuttles.list_signups(session, citizen_id=parent.id) == [signup]
    assert shuttles.list_signups(session, school="清流一中") == [signup]


def test_duplicate_sign_up_is_refused(session: Session, parent: Citizen) -> None:
    first = shuttles.sign_up_student(
        session, citizen_id=parent.id, student_name="邓小红", school="清流县第一中学", home_place="邓家村"
    )
    before = signups(session)
    with pytest.raises(DuplicateRequest, match="已经报名") as refused:
        shuttles.sign_up_student(
            session, citizen_id=parent.id, student_name="邓小红", school="县一中", home_place="灵地村"
        )
    assert refused.value.details["signup_id"] == first.id
    assert signups(session) == before
    # a brother at the primary school is another sign-up
    shuttles.sign_up_student(
        session, citizen_id=parent.id, student_name="邓小军", school="嵩口小学", home_place="溪源村"
    )
    assert signups(session) == before + 1


@pytest.mark.parametrize(
    ("fields", "error", "message"),
    [
        ({"student_name": "  "}, InvalidInput, "学生的姓名"),
        ({"school": "嵩口镇"}, InvalidInput, "不是学校"),
        ({"school": "火星中学"}, UnknownPlace, "找不到地点"),
        ({"home_place": "月亮村"}, UnknownPlace, "找不到地点"),
        ({"home_place": "清流一中"}, InvalidInput, "同一个地方"),
        ({"direction": "sideways"}, InvalidInput, "方向"),
    ],
)
def test_bad_sign_ups_write_nothing(
    session: Session, parent: Citizen, fields: dict[str, str], error: type[Exception], message: str
) -> None:
    args = {"student_name": "邓小红", "school": "清流县第一中学", "home_place": "邓家村", **fields}
    before = signups(session)
    with pytest.raises(error, match=message):
        shuttles.sign_up_student(session, citizen_id=parent.id, **args)
    assert signups(session) == before


def test_unknown_guardian_is_refused(session: Session) -> None:
    with pytest.raises(NotFound):
        shuttles.sign_up_student(
            session, citizen_id=7777777, student_name="小明", school="县一中", home_place="邓家村"
        )


def test_cancel_sign_up_once_and_only_ones_own(session: Session, parent: Citizen) -> None:
    signup = shuttles.sign_up_student(
        session, citizen_id=parent.id, student_name="邓小红", school="县一中", home_place="邓家村"
    )
    stranger = citizens.citizen_for_mobile(session, mobile="13905982002")
    with pytest.raises(NotFound):
        shuttles.cancel_signup(session, signup_id=signup.id, citizen_id=stranger.id)
    assert shuttles.cancel_signup(session, signup_id=signup.id, citizen_id=parent.id).active is False
    with pytest.raises(IllegalTransition):
        shuttles.cancel_signup(session, signup_id=signup.id)
    assert shuttles.list_signups(session, citizen_id=parent.id) == []
    assert shuttles.list_signups(session, citizen_id=parent.id, active_only=False) == [signup]


def test_boarding_school_schedule_uses_the_student_trips(session: Session) -> None:
    schedule = shuttles.shuttle_schedule(session, school="清流一中", home_place="邓家村")
    assert schedule.boarding
    to_school, home = schedule.legs
    assert (to_school.days, to_school.departure, to_school.arrival, to_school.route) == (
        "每周日",
        "14:30",
        "15:21",
        "4路",
    )
    assert (home.days, home.departure, home.arrival, home.route) == ("每周五", "17:10", "18:01", "4路")
    assert schedule.text.splitlines() == [
        "上学：每周日 14:30 从邓家村出发，约 15:21 到清流县第一中学（4路）",
        "放学回家：每周五 17:10 从清流县第一中学出发，约 18:01 到邓家村（4路）",
    ]


def test_boarding_school_without_student_trip_is_estimated(session: Session) -> None:
    schedule = shuttles.shuttle_schedule(session, school="县一中", home_place="李家村")
    to_school, home = schedule.legs
    assert to_school.route is None and to_school.days == "每周日" and to_school.arrival <= "15:30"
    assert to_school.departure.endswith(("0", "5"))
    assert (home.days, home.departure, home.route) == ("每周五", "17:10", None)


def test_primary_school_runs_every_school_day(session: Session) -> None:
    schedule = shuttles.shuttle_schedule(session, school="嵩口小学", home_place="溪源村")
    assert not schedule.boarding
    to_school, home = schedule.legs
    assert to_school.days == home.days == "周一至周五上学日"
    assert to_school.arrival <= "07:40" < home.departure == "16:30"


def test_schedule_refuses_a_place_that_is_not_a_school(session: Session) -> None:
    with pytest.raises(InvalidInput, match="不是学校"):
        shuttles.shuttle_schedule(session, school="清流县医院", home_place="邓家村")
