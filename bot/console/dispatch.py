"""The dispatch board (/console/dispatch?date=YYYY-MM-DD): every vehicle's run of the day on
a timeline (`bot.console.timeline`), the day's totals, the demand bookings not yet on any
run, each run's stops with a link to the driver's printable run sheet, and a date picker.
Everything below the date picker refreshes in place every 60 s from the fragment
/console/live/dispatch?date=… (open run sheets stay open).

Any signed-in agent may look; re-planning the day (POST /console/dispatch/replan, the
OR-Tools planner through `backend.services.dispatch.plans.plan_day`) is a supervisor's,
carries the session's CSRF token and is written to the audit log. A refused re-plan (a
day in the past, a plan failing validation) writes nothing and says why.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse, Response

from backend.localtime import local_now
from backend.services.dispatch import plans as dispatch_plans
from backend.services.dispatch import sheets as dispatch_sheets
from backend.services.dispatch.plans import DayPlan
from backend.services.dispatch.sheets import DayBoard
from bot.console import texts
from bot.console.actions import attempt, back
from bot.console.rendering import render, render_html
from bot.console.security import Console, ConsoleDep, ConsoleError, ConsoleRoute, FormDep
from bot.console.timeline import day_timeline

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/console", tags=["console"], route_class=ConsoleRoute, include_in_schema=False)

DayParam = Annotated[str, Query(alias="date", max_length=10)]
DayField = Annotated[str, Form(alias="date", max_length=10)]


def parse_day(value: str, *, today: date | None = None) -> date:
    """`2026-11-21` -> that day; empty -> today; anything else is refused."""
    if not value.strip():
        return today or local_now().date()
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ConsoleError(422, texts.say("bad_day")) from None


def month_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def day_words(day: date) -> str:
    """`11月21日 星期六`."""
    return f"{month_day(day)} {texts.WEEKDAYS[day.weekday()]}"


def totals(board: DayBoard) -> dict[str, int]:
    bookings = {s.booking_id for sheet in board.runs for s in sheet.stops if s.booking_id}
    return {
        "vehicles": len({sheet.vehicle for sheet in board.runs}),
        "riders": sum(sheet.riders for sheet in board.runs),
        "bookings": len(bookings),
        "parcels": sum(sheet.parcel_count for sheet in board.runs),
        "waiting": len(board.waiting),
    }


def day_links(day: date, today: date) -> list[tuple[str, date, bool]]:
    """(label, date, is the day shown) for the chips beside the date picker."""
    return [
        (texts.TEXTS["prev_day"], day - timedelta(days=1), False),
        (texts.TEXTS["today"], today, day == today),
        (texts.TEXTS["tomorrow"], today + timedelta(days=1), day == today + timedelta(days=1)),
        (texts.TEXTS["next_day"], day + timedelta(days=1), False),
    ]


@router.get("/dispatch")
def dispatch_board(console: ConsoleDep, day: DayParam = "") -> Response:
    context = _board(console, day)
    context.update(console.page("dispatch"), day_words=day_words(context["day"]))
    context["day_links"] = day_links(context["day"], local_now().date())
    return render("console/dispatch.html", context)


@router.get("/live/dispatch")
def live_board(console: ConsoleDep, day: DayParam = "") -> HTMLResponse:
    """The day's figures, timeline, waiting bookings and run sheets: the board refreshes them in place."""
    return HTMLResponse(render_html("console/_dispatch_board.html", _board(console, day)))


def _board(console: Console, day: str) -> dict[str, Any]:
    now = local_now()
    today = now.date()
    shown = parse_day(day, today=today)
    board = dispatch_sheets.day_board(console.db, day=shown)
    return {
        "day": shown,
        "board": board,
        "totals": totals(board),
        "timeline": day_timeline(board.runs, now=now),
        "can_replan": console.is_supervisor and shown >= today,
    }


@router.post("/dispatch/replan")
def replan(console: FormDep, day: DayField = "") -> Response:
    console.require_supervisor()
    shown = parse_day(day)

    def act() -> DayPlan:
        result = dispatch_plans.plan_day(console.db, day=shown, created_by=console.username)
        console.audit(
            "dispatch_replan",
            f"dispatch:{shown.isoformat()}",
            runs=len(result.runs),
            unserved=len(result.unserved),
            seconds=round(result.seconds, 1),
        )
        return result

    result = attempt(console, act)
    if result is not None:
        logger.info("%s re-planned %s: %d runs", console.username, shown, len(result.runs))
        console.flash(
            texts.say(
                "replanned",
                day=month_day(shown),
                runs=len({run.vehicle_id for run in result.runs}),
                seconds=f"{result.seconds:.1f}",
            )
        )
        waiting = dispatch_sheets.day_board(console.db, day=shown).waiting
        if waiting:
            console.flash(texts.say("replan_waiting", n=len(waiting)), kind="warning")
    return back(f"/console/dispatch?date={shown.isoformat()}")
