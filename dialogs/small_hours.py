"""明天 said after midnight and before dawn: someone who has not slept yet may mean the
coming morning (today's date) or the day after. A future time said that way is not taken
as it is: the citizen is asked which date, with both dates as choices; each choice stands
for the words said with the date put in (明天早上8点 -> 11月20日早上8点), so it is understood
as if typed. Asked once per form: saying 明天 again keeps the day after; a bare date
(11月20日) keeps the clock said."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from backend.localtime import to_local
from dialogs.slots import Outcome
from dialogs.tracker import FormState
from dialogs.wording import date_text

SAID = "said:"  # an option value that stands for words: understood as if the citizen typed them
DAWN_HOUR = 5  # before 05:00 the citizen may not have slept yet
ASKED = "_which_day"
# a next-day word and what it becomes with the date put in ({} is the date)
_NEXT_DAY = {
    "明儿个": "{}", "明早上": "{}早上", "明晚上": "{}晚上", "明天": "{}", "明日": "{}", "明儿": "{}", "明个": "{}",
    "明早": "{}早上", "明晨": "{}早上", "明晚": "{}晚上", "明夜": "{}夜里", "大后天": "{}", "后天": "{}", "後天": "{}",
}  # fmt: skip
_WORD = re.compile("|".join(_NEXT_DAY))


def which_day(now: datetime, state: FormState, value: dict[str, Any]) -> Outcome | None:
    """The question to ask for a time said with 明天/后天… between midnight and dawn; None
    to take the time as the NLU read it."""
    if state.slots.get(ASKED):
        return None
    outcome = question(now, value)
    if outcome is not None:
        state.slots[ASKED] = value  # kept for the answer: a bare date (11月20日) keeps the clock said
    return outcome


def question(now: datetime, value: dict[str, Any]) -> Outcome | None:
    """Which date: the coming daytime (today's date) or the day after, as choices."""
    said = value.get("said") or ""
    found = _WORD.search(said)
    later = to_local(datetime.fromisoformat(value["value"]))
    if found is None or to_local(now).hour >= DAWN_HOUR or later.date() <= to_local(now).date():
        return None
    sooner = later - timedelta(days=1)
    tail = "前到" if value.get("arrive") and "到" not in said[found.end() :] else ""

    def words(day: datetime) -> str:
        return SAID + _WORD.sub(_NEXT_DAY[found.group(0)].format(date_text(day)), said, count=1) + tail

    options = [(_title(sooner, now), words(sooner)), (_title(later, now), words(later))]
    return Outcome.bad("time_which_day", options=options, word=found.group(0))


def unanswered(now: datetime, state: FormState) -> Outcome | None:
    """The question again while it is not answered (the citizen said something else)."""
    value = state.slots.get(ASKED)
    return question(now, value) if isinstance(value, dict) else None


def pending(state: FormState) -> dict[str, Any] | None:
    """The time asked about, once: the answer's date is merged with its clock."""
    value = state.slots.get(ASKED)
    if not isinstance(value, dict):
        return None
    state.slots[ASKED] = True
    return value


def _title(day: datetime, now: datetime) -> str:
    relative = {0: "今天", 1: "明天", 2: "后天"}.get((day.date() - to_local(now).date()).days, "")
    return f"{date_text(day)}（{relative}）" if relative else date_text(day)
