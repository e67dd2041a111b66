"""A guardian's existing student-shuttle sign-ups in the conversation: ask how one stands,
change it (home village, school, or which runs), cancel it.

Used by the student-shuttle form for its `query`, `change` and `cancel` modes: which
sign-up is meant comes from its id (S20261203001) when said, else the guardian's active
sign-ups (one is taken, several are offered, none ends the form politely). What to change
is read from the places said (a school changes the school, any other place the home) and
from 只坐上学 / 只坐放学 / 都坐.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from backend.errors import BackendError
from backend.models import StudentShuttleSignup
from backend.services.places import gazetteer as places
from backend.services.rides import shuttle_signups, shuttles
from dialogs.context import TurnContext
from dialogs.slots import Outcome
from dialogs.tracker import FormState
from dialogs.understanding import Parse

MODE_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("cancel", re.compile(r"取消|不坐了|退掉|退出|不要了|撤销")),
    ("change", re.compile(r"改|换|变更|调整")),
    (
        "query",
        re.compile(r"查.{0,10}报名|报名.{0,4}(情况|状态|怎么样|好了|成功)|报上了|报名号|S\d{11}", re.I),
    ),
)
DIRECTION_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("to_school", re.compile(r"只坐上学|只送|上学那趟|去学校那趟")),
    ("from_school", re.compile(r"只坐放学|只接|放学那趟|回家那趟")),
    ("both", re.compile(r"都坐|来回都|上学放学都")),
)
SIGNUP_ID = re.compile(r"S\d{11}", re.I)
NEW_VALUE = re.compile(r"(?:改成|改为|换成|改到|换到|搬到|转到)([^，,。；;、\s]{2,12})")


def mode_of(text: str) -> str | None:
    return next((mode for mode, words in MODE_WORDS if words.search(text)), None)


def signup_options(ctx: TurnContext) -> list[tuple[str, str]]:
    found = shuttle_signups.active_signups(ctx.session, citizen_id=ctx.citizen().id)
    return [(f"{s.student_name} {s.school}（{s.reference}）", s.reference or "") for s in found]


def pick_said(ctx: TurnContext, state: FormState, parse: Parse) -> None:
    """Fill `signup` from an id said; else the only active sign-up; note what to change."""
    said = SIGNUP_ID.search(parse.text)
    if said:
        state.slots["signup"] = said.group(0).upper()
    else:
        options = signup_options(ctx)
        if len(options) == 1:
            state.slots["signup"] = options[0][1]
    if state.slots.get("mode") == "change":
        read_change(ctx, state, parse)


def read_change(ctx: TurnContext, state: FormState, parse: Parse) -> bool:
    """Put the new home / school / direction the message names into the slots; True if any."""
    found = False
    named = [str(e.value) for e in parse.entities if e.entity in ("origin", "destination", "place")]
    named += [m.group(1).rstrip("了吧啊") for m in NEW_VALUE.finditer(parse.text)]
    for name in named:
        try:
            place = places.resolve_place(ctx.session, name)
        except BackendError:
            continue
        slot = "new_school" if place.name.endswith(shuttles.SCHOOL_SUFFIXES) else "new_home"
        state.slots[slot] = place.name
        found = True
    direction = next((d for d, words in DIRECTION_WORDS if words.search(parse.text)), None)
    if direction:
        state.slots["new_direction"] = direction
        found = True
    return found


def check_signup(ctx: TurnContext, raw: Any) -> Outcome:
    said = SIGNUP_ID.search(str(raw))
    reference = said.group(0).upper() if said else str(raw).strip()
    try:
        signup = shuttle_signups.find_signup(ctx.session, reference, citizen_id=ctx.citizen().id)
    except BackendError as exc:
        return Outcome.bad("backend_refused", message=exc.message)
    return Outcome.good(signup.reference)


def current(ctx: TurnContext, state: FormState) -> StudentShuttleSignup:
    return shuttle_signups.find_signup(ctx.session, state.slots["signup"], citizen_id=ctx.citizen().id)


def values(ctx: TurnContext, signup: StudentShuttleSignup) -> dict[str, Any]:
    return {
        "id": signup.reference,
        "name": signup.student_name,
        "school": signup.school,
        "home": signup.home_place,
        "direction": shuttle_signups.DIRECTION_NAMES.get(signup.direction, ""),
    }


def summary(ctx: TurnContext, state: FormState) -> str:
    signup = current(ctx, state)
    if state.slots["mode"] == "cancel":
        return ctx.text("signup_cancel_confirm", **values(ctx, signup))
    s = state.slots
    new = {
        **values(ctx, signup),
        "school": s.get("new_school") or signup.school,
        "home": s.get("new_home") or signup.home_place,
        "direction": shuttle_signups.DIRECTION_NAMES[s.get("new_direction") or signup.direction],
    }
    return ctx.text("signup_change_confirm", **new)


def submit(ctx: TurnContext, state: FormState) -> None:
    s = state.slots
    mode = s["mode"]
    if mode == "query":
        signup = current(ctx, state)
        shown = shuttle_signups.view(ctx.session, signup)
        status = "已报名" if signup.active else "已取消"
        ctx.say("signup_status", status=status, text=timetable(ctx, shown.legs), **values(ctx, signup))
        return
    if mode == "cancel":
        signup = shuttle_signups.cancel(ctx.session, reference=s["signup"], citizen_id=ctx.citizen().id)
        ctx.log("shuttle_signup_cancelled", signup_id=signup.reference)
        ctx.say("signup_cancelled", **values(ctx, signup))
        return
    signup = shuttle_signups.change_signup(
        ctx.session, reference=s["signup"], citizen_id=ctx.citizen().id, home_place=s.get("new_home"),
        school=s.get("new_school"), direction=s.get("new_direction"),
    )  # fmt: skip
    ctx.log("shuttle_signup_changed", signup_id=signup.reference)
    ctx.say("signup_changed", text=timetable(ctx, shuttle_signups.view(ctx.session, signup).legs), **values(ctx, signup))


def timetable(ctx: TurnContext, legs: Sequence[shuttles.ShuttleLeg]) -> str:
    """A shuttle timetable, a line per leg (by SMS joined by "；": one block template)."""
    lines = [
        ctx.text(
            "shuttle_leg", what="上学" if leg.direction == "to_school" else "放学回家", days=leg.days,
            departure=leg.departure, board=leg.board, arrival=leg.arrival, alight=leg.alight,
            route=f"（{leg.route}）" if leg.route else "", bus=leg.route or "定制班车",
        )  # fmt: skip
        for leg in legs
    ]
    return ("；" if ctx.style == "short" else "\n").join(lines)

