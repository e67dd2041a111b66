"""The dispatch board page: sign-in required, every run of the day with its riders and a
run-sheet link, the requests still waiting, re-planning for supervisors only (with the
CSRF token, and written to the audit log), and citizens' words shown as text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.localtime import local_now, to_local
from backend.models import Booking, DispatchRun, DispatchStop
from backend.models.agents import Agent, AgentAction
from backend.services.citizens import identities as citizens
from backend.services.dispatch import plans as dispatch_plans
from backend.services.rides import bookings as rides
from tests.bot.console.forms import flash, sign_in

DAY = local_now().date() + timedelta(days=1)
BOARD = f"/console/dispatch?date={DAY.isoformat()}"


@dataclass
class Day:
    placed: list[Booking]
    waiting: Booking


def book(session: Session, mobile: str, name: str, origin: str, destination: str, hour: int) -> Booking:
    person = citizens.citizen_for_mobile(session, mobile=mobile, name=name)
    now = local_now()
    wished = now.replace(
        year=DAY.year, month=DAY.month, day=DAY.day, hour=hour, minute=0, second=0, microsecond=0
    )
    return rides.book_ride(
        session, citizen_id=person.id, origin=origin, destination=destination, kind="demand",
        pickup_time=wished, passengers=2, now=now,
    )  # fmt: skip


@pytest.fixture
def day(session: Session, accounts: dict[str, Agent]) -> Day:
    placed = [
        book(session, "13905982001", "罗秀兰", "溪源村", "清流县医院", 8),
        book(session, "13905982002", "<script>alert('x')</script>", "灵地村", "清流县城", 14),
    ]
    for booking in placed:
        assert dispatch_plans.dispatch_booking(session, booking_id=booking.id, now=local_now()).placed
    waiting = book(session, "13905982003", "王<b>春</b>生", "林畲村", "清流县城", 9)
    waiting.note = "<img src=x onerror=alert(1)>带轮椅"
    session.commit()
    return Day(placed, waiting)


def plan_state(session: Session) -> tuple[object, ...]:
    session.expire_all()
    return (
        tuple(session.execute(select(DispatchRun.id, DispatchRun.created_by).order_by(DispatchRun.id))),
        session.scalar(select(func.count()).select_from(DispatchStop)),
        session.scalar(
            select(func.count()).select_from(AgentAction).where(AgentAction.action == "dispatch_replan")
        ),
    )


def waiting_part(html: str) -> str:
    start = html.index('id="waiting"')
    return html[start : html.index("</section>", start)]


def test_the_board_needs_a_signed_in_agent(client: TestClient, accounts: dict[str, Agent]) -> None:
    page = client.get(BOARD, follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/console/login?next=/console/dispatch")
    assert client.post("/console/dispatch/replan", data={"date": DAY.isoformat()}).status_code == 401


def test_an_agent_sees_each_run_and_the_waiting_requests(
    client: TestClient, session: Session, day: Day
) -> None:
    sign_in(client, "lin")
    page = client.get(BOARD)
    assert page.status_code == 200
    html = page.text
    assert 'href="/console/dispatch" class="on"' in html  # the navigation link, shown as current
    first = day.placed[0]
    session.refresh(first)
    pickup = f"{to_local(first.planned_pickup):%H:%M}"
    assert first.vehicle.plate in html and first.driver.name in html
    title = re.search(rf"<title>({pickup} 溪源村 上车：罗秀兰 2人（{first.id}）)</title>", html)
    assert title, "the pick-up mark names the time, place, rider and count"
    assert f'href="/api/drivers/{first.driver.code}/runsheet?date={DAY.isoformat()}&amp;format=html"' in html
    waiting = waiting_part(html)
    assert day.waiting.id in waiting and "林畲村 → 清流县城" in waiting
    assert 'action="/console/dispatch/replan"' not in html  # agents cannot re-plan
    empty = client.get("/console/dispatch?date=2030-01-07")
    assert "这一天还没有派车" in empty.text and "2030-01-07" in empty.text and "1月7日 星期一" in empty.text


def test_citizens_words_are_shown_as_text(client: TestClient, day: Day) -> None:
    sign_in(client, "lin")
    html = client.get(BOARD).text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "王&lt;b&gt;春&lt;/b&gt;生" in html and "&lt;img src=x onerror=alert(1)&gt;带轮椅" in html
    assert "<script>alert" not in html and "<b>春" not in html and "<img src=x" not in html


def test_an_agent_cannot_replan(client: TestClient, session: Session, day: Day) -> None:
    token = sign_in(client, "lin")
    before = plan_state(session)
    refused = client.post("/console/dispatch/replan", data={"date": DAY.isoformat(), "csrf_token": token})
    assert refused.status_code == 403 and "班长" in refused.text
    assert plan_state(session) == before


def test_replanning_needs_the_csrf_token(client: TestClient, session: Session, day: Day) -> None:
    sign_in(client, "chen")
    before = plan_state(session)
    for data in ({"date": DAY.isoformat()}, {"date": DAY.isoformat(), "csrf_token": "forged"}):
        refused = client.post("/console/dispatch/replan", data=data)
        assert refused.status_code == 403 and "页面已过期" in refused.text
    assert plan_state(session) == before


def test_a_supervisor_replans_the_day(client: TestClient, session: Session, day: Day) -> None:
    token = sign_in(client, "chen")
    assert 'action="/console/dispatch/replan"' in client.get(BOARD).text
    done = client.post(
        "/console/dispatch/replan",
        data={"date": DAY.isoformat(), "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == BOARD
    page = client.get(BOARD)
    message = flash(page.text)
    assert f"已重新规划{DAY.month}月{DAY.day}日的派车" in message and "辆车出车" in message
    assert "没有排上车" not in message and day.waiting.id not in waiting_part(page.text)
    session.expire_all()
    action = session.scalars(select(AgentAction).where(AgentAction.action == "dispatch_replan")).one()
    assert (action.agent, action.target) == ("chen", f"dispatch:{DAY.isoformat()}")
    assert action.detail["runs"] >= 1
    runs = session.scalars(select(DispatchRun).where(DispatchRun.service_date == DAY)).unique().all()
    assert runs and {run.created_by for run in runs if run.status != "cancelled"} == {"chen"}
    statuses = set(
        session.scalars(
            select(Booking.status).where(Booking.id.in_([b.id for b in [*day.placed, day.waiting]]))
        )
    )
    assert statuses == {"assigned"}  # the waiting request got a place too


def test_bad_and_past_days(client: TestClient, session: Session, accounts: dict[str, Agent]) -> None:
    token = sign_in(client, "chen")
    bad = client.get("/console/dispatch?date=2026-13-40")
    assert bad.status_code == 422 and "日期格式不对" in bad.text
    past = date(2020, 1, 6)
    answer = client.post("/console/dispatch/replan", data={"date": past.isoformat(), "csrf_token": token})
    assert answer.status_code == 200 and "已经过去了" in flash(answer.text)
    assert 'action="/console/dispatch/replan"' not in answer.text  # no button for a past day
    assert plan_state(session)[2] == 0


def test_the_board_refreshes_from_a_fragment_that_follows_new_bookings(
    client: TestClient, session: Session, day: Day
) -> None:
    sign_in(client, "lin")
    page = client.get(BOARD).text
    assert f'data-poll="/console/live/dispatch?date={DAY.isoformat()}"' in page
    live = f"/console/live/dispatch?date={DAY.isoformat()}"
    before = client.get(live, headers={"X-Console-Poll": "1"})
    assert before.status_code == 200 and "<html" not in before.text and 'id="waiting"' in before.text
    assert "13905982004" not in waiting_part(before.text)
    late = book(session, "13905982004", "陈新", "林畲村", "清流县城", 10)
    session.commit()
    after = client.get(live, headers={"X-Console-Poll": "1"}).text
    assert late.id in waiting_part(after)
    assert "<img src=x" not in after and "&lt;img src=x" in after  # still escaped
    client.cookies.clear()
    assert client.get(live, headers={"X-Console-Poll": "1"}).status_code == 401  # signed out: no board
