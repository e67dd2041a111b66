"""A bare clock said just after it struck in the morning (8点 at 08:03): the NLU reads a
passed clock below 12 as the same clock tonight (20:00), which fits 8点 said at noon but not
minutes after eight, when a villager means the 8 o'clock that has just gone. For a time
wanted ahead the dialog then says that it has passed and offers tonight's and tomorrow
morning's as numbered choices, rather than reading back (or refusing) an evening the citizen
never said. Said again (8点, 8点), the clock is taken as tomorrow morning's, which the
read-back names by its date: the question is not asked twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from backend.localtime import to_local
from dialogs.slots import DATE_WORDS, Outcome, time_of
from dialogs.small_hours import SAID
from dialogs.tracker import FormState
from dialogs.wording import Style, clock_text

JUST = timedelta(hours=1)  # a clock struck less than this ago has "just passed"
ASKED = "_just_passed"  # the morning clock the citizen was told had passed (ISO)
PERIOD_WORDS = ("凌晨", "早", "上午", "中午", "午", "下午", "傍晚", "晚", "夜", "晌", "擦黑", "傍黑")


def morning_clock(value: dict[str, Any], now: datetime) -> datetime | None:
    """The morning clock that struck within the last hour when `value` is a bare clock (no
    day, no part of the day) the NLU moved to tonight; None otherwise."""
    said = str(value.get("said") or "")
    if value.get("grain") != "minute" or DATE_WORDS.search(said) or any(w in said for w in PERIOD_WORDS):
        return None
    moment, local = to_local(time_of(value)), to_local(now)
    morning = moment - timedelta(hours=12)
    if moment.date() != local.date() or morning.hour >= 12:
        return None
    return morning if local - JUST < morning <= local else None


def tonight(morning: datetime, style: Style) -> str:
    """The same clock tonight as the citizen would say it after 今晚: 20:00, spoken 8点."""
    if style == "voice":
        return clock_text(morning, style)[2:]  # 上午8点 -> 8点
    return f"{morning + timedelta(hours=12):%H:%M}"


def check(
    now: datetime, state: FormState, value: dict[str, Any], style: Style, when: Callable[[dict[str, Any]], str]
) -> Outcome | None:
    """None when `value` is not a morning clock that has just passed; else the choice of
    tonight's or tomorrow morning's (asked once), or tomorrow morning's when said again."""
    morning = morning_clock(value, now)
    if morning is None:
        return None
    tomorrow = morning + timedelta(days=1)
    if state.slots.get(ASKED) == morning.isoformat():  # the same clock again: the next morning's
        return Outcome.good({**value, "value": tomorrow.isoformat(), "said": f"明天{value.get('said') or ''}"})
    state.slots[ASKED] = morning.isoformat()
    evening = f"{morning + timedelta(hours=12):%H:%M}"
    options = [(f"今晚{evening}", f"{SAID}今晚{evening}"), (f"明天早上{tomorrow:%H:%M}", f"{SAID}明天早上{tomorrow:%H:%M}")]
    gone = {**value, "value": morning.isoformat()}
    return Outcome.bad("time_just_passed", options=options, when=when(gone), clock=tonight(morning, style))
