"""学生定制班车: sign a pupil up for the school run, ask when it goes, or look at, change
or cancel a sign-up already made (dialogs.forms.shuttle_manage).

Whether the guardian wants to sign up, know the times, or deal with a sign-up is read from
the words (报名/登记, 几点/时间, 查报名/改/取消), else asked. Places said in the first message
are sorted by what they are: a school (…中学/小学) fills the school, anything else the home
village. A new sign-up gets its id (S20261203001), which is told to the guardian.
"""

from __future__ import annotations

import re
from typing import Any

from backend.errors import BackendError, UnknownPlace
from backend.services.places import gazetteer as places
from backend.services.rides import shuttles
from dialogs.context import TurnContext
from dialogs.forms import shuttle_manage as manage
from dialogs.forms.base import Form
from dialogs.slots import PLACE_ENTITIES, Outcome, Slot, check_place
from dialogs.tracker import FormState
from dialogs.understanding import Parse

MODE = Slot("mode", "choice", "ask_shuttle_mode")
SIGNUP = Slot("signup", "choice", "ask_which_signup", words=("报名号",))
CHANGE = Slot("change", "text", "ask_signup_change")
SCHOOL = Slot("school", "school", "ask_school", words=("学校",))
HOME = Slot("home", "place", "ask_home", words=("家", "住"))
STUDENT = Slot("student_name", "text", "ask_student_name", words=("名字", "姓名"))
SIGN_UP_WORDS = re.compile(r"报名|登记|申请|办理|办一个|加入|坐班车|要坐")
SCHEDULE_WORDS = re.compile(r"几点|时间|时刻|什么时候|哪天|发车|班次")
NAME_SAID = re.compile(r"(?:叫|名字是|姓名是?)([\u4e00-\u9fff]{2,4})")


class StudentShuttle(Form):
    name = "student_shuttle"
    title = "学生班车"
    slots = (MODE, SCHOOL, HOME, STUDENT, SIGNUP, CHANGE)

    def start(self, ctx: TurnContext, state: FormState, parse: Parse) -> bool:
        managing = manage.mode_of(parse.text)
        if managing:
            state.slots["mode"] = managing
            manage.pick_said(ctx, state, parse)
            if "signup" not in state.slots and not manage.signup_options(ctx):
                ctx.say("no_signups")
                return False
            return True
        if SIGN_UP_WORDS.search(parse.text):
            state.slots["mode"] = "signup"
        elif SCHEDULE_WORDS.search(parse.text):
            state.slots["mode"] = "schedule"
        for entity in parse.all(*PLACE_ENTITIES):
            self._sort_place(ctx, state, str(entity.value))
        name = NAME_SAID.search(parse.text)
        if name:
            state.slots["student_name"] = name.group(1)
        return True

    def _sort_place(self, ctx: TurnContext, state: FormState, name: str) -> None:
        try:
            place = places.resolve_place(ctx.session, name)
        except BackendError:
            return
        slot = "school" if place.name.endswith(shuttles.SCHOOL_SUFFIXES) else "home"
        state.slots.setdefault(slot, place.name)

    def choices(self, ctx: TurnContext, state: FormState, slot: Slot) -> list[tuple[str, str]]:
        if slot.name == "signup":
            return manage.signup_options(ctx)
        return [("报名班车", "signup"), ("查班车时间", "schedule"), ("查我的报名", "query")]

    def needed(self, ctx: TurnContext, state: FormState) -> list[Slot]:
        mode = state.slots.get("mode")
        if mode in MANAGING:
            wanted = [SIGNUP] + ([CHANGE] if mode == "change" and not _change_said(state) else [])
        else:
            wanted = [MODE, SCHOOL, HOME] + ([STUDENT] if mode == "signup" else [])
        return [s for s in wanted if s.name not in state.slots]

    def needs_confirmation(self, state: FormState) -> bool:
        return state.slots.get("mode") in ("signup", "change", "cancel")

    def keeps_on_abandon(self, state: FormState) -> bool:
        return state.slots.get("mode") == "cancel"

    def check(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        if slot.name == "signup":
            return manage.check_signup(ctx, raw)
        if slot.name == "change":
            if manage.read_change(ctx, state, Parse.plain(str(raw))) or _change_said(state):
                return Outcome.good(str(raw))
            return Outcome.bad("signup_change_bad")
        if slot.name == "mode":
            said = str(raw)
            if said in ("signup", "schedule", "query"):
                return Outcome.good(said)
            managing = manage.mode_of(said)
            if managing:
                return Outcome.good(managing)
            if SIGN_UP_WORDS.search(said):
                return Outcome.good("signup")
            if SCHEDULE_WORDS.search(said):
                return Outcome.good("schedule")
            return Outcome.bad("choice_bad")
        if slot.kind == "school":
            try:
                return Outcome.good(shuttles.resolve_school(ctx.session, str(raw)).name)
            except UnknownPlace:
                return check_place(ctx.session, raw)
            except BackendError as exc:
                return Outcome.bad("backend_refused", message=exc.message)
        if slot.name == "student_name":
            name = str(raw).strip()
            if not 2 <= len(name) <= shuttles.MAX_NAME_CHARS:
                return Outcome.bad("student_name_bad")
            return Outcome.good(name)
        return super().check(ctx, state, slot, raw)

    def summary(self, ctx: TurnContext, state: FormState) -> str:
        s = state.slots
        if s.get("mode") in MANAGING:
            return manage.summary(ctx, state)
        return ctx.text("shuttle_confirm", name=s["student_name"], school=s["school"], home=s["home"])

    def submit(self, ctx: TurnContext, state: FormState) -> None:
        s = state.slots
        if s.get("mode") in MANAGING:
            manage.submit(ctx, state)
            return
        schedule = shuttles.shuttle_schedule(ctx.session, school=s["school"], home_place=s["home"])
        if s["mode"] == "schedule":
            ctx.say("shuttle_schedule", school=schedule.school, text=manage.timetable(ctx, schedule.legs))
            return
        signup = shuttles.sign_up_student(
            ctx.session,
            citizen_id=ctx.citizen().id,
            student_name=s["student_name"],
            school=s["school"],
            home_place=s["home"],
            now=ctx.now,
        )
        ctx.log("shuttle_signup", signup_id=signup.reference)
        ctx.say(
            "shuttle_signed_up",
            card={"type": "shuttle_signup", "id": signup.reference, "school": signup.school},
            id=signup.reference, name=signup.student_name, school=signup.school, text=manage.timetable(ctx, schedule.legs),
        )  # fmt: skip


MANAGING = ("query", "change", "cancel")


def _change_said(state: FormState) -> bool:
    return any(state.slots.get(name) for name in ("new_home", "new_school", "new_direction"))
