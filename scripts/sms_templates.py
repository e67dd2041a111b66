"""Add the dialog texts that have no SMS template yet to a template registry.

    python -m scripts.sms_templates [channels/sms_templates.yaml]

A new short text in dialogs/texts/ needs a template before SMS users can get it through
a domestic provider (tests/channels/test_sms_templates.py fails until it has one). This
appends one entry per missing text (its SMS-style wording; a lead-in before it and the
numbered choices after it are templates of their own; every variable at the providers'
limit of 35 characters; a text ending in free text (`FREE`: a message, a story, a list)
continues in the `more` template; a list (`LISTS`) also gets block templates of 2..N lines,
`departures_3`: "${trip}班车：${line_1}；${line_2}；${line_3}"; a variable that stands for a piece of
text (`PIECE_VARIABLES`: a booking's ${line}, an optional note) is written out as that piece's
SMS wording, one template per option, e.g. cancel_confirm "…（${when}从${origin}到${destination}，
${count}人）？" and cancel_confirm__seat; placeholder codes to be replaced by the provider's
approved ones) and leaves existing entries as they are (a reworded text: edit its entry to what
`entry()` gives; tests/channels/test_sms_templates.py says which). Lead-in words and
list pieces (`LEADS`, `PIECES`) are handled as in the registry.
"""

from __future__ import annotations

import itertools
import re
import string
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from channels.sms_templates import DEFAULT_PATH, OPTIONS_PREFIX
from dialogs.texts import TEXTS

LEADS = frozenset({"ok", "hold", "changed", "kept", "change_kept", "unfinished", "resume", "abandoned", "out_of_scope", "handoff_back", "media_received",
                   "nearest_place", "backend_refused"})  # fmt: skip
PIECES = frozenset({"departure_line", "arrival_line", "about", "rule_board_phone", "rule_board_driver",
                    "rule_alight_phone", "rule_alight_driver", "parcel_code_sent", "parcel_code_in_person",
                    "parcel_hours", "parcel_code", "parcel_dest",
                    "journey_sms_leg", "journey_sms_change", "journey_head", "journey_head_direct",
                    "journey_first_leg", "journey_next_leg", "journey_change", "journey_walk", "journey_tail",
                    "journey_fare_unknown", "journey_other", "journey_book_option",
                    "recorded_story", "trip_line", "seat_line", "arrive_note", "complaint_reply", "shuttle_leg"})  # fmt: skip
DEFAULT_LIMIT = 35
# free text or a list at the end of a text: longer than 35 characters, it is continued in
# consecutive SMS of the `more` template (接上条（2/3）：…)
FREE = frozenset({"lines", "message", "text", "story", "result", "resolution"})
MORE = "more"


@dataclass(frozen=True)
class Listed:
    """A text whose `variable` is a list of lines joined by SEPARATOR: its block templates hold
    `least`..`most` lines, each the line variable or, with `piece`, that text's SMS wording."""

    kind: str
    most: int
    variable: str = "lines"
    piece: str | None = None
    least: int = 2  # one plain line: the text's own template


# the longest value of a line's typed variables, where 35 each would pass the 500 characters of
# a block (what: 上学 / 放学回家, days: 周一至周五上学日, times HH:MM)
LINE_LIMITS = {"what": 4, "days": 12, "departure": 5, "arrival": 5}
SHUTTLE = {"variable": "text", "piece": "shuttle_leg", "least": 1}  # a leg each way (dialogs/forms/shuttle_manage.py)
LISTS = {
    "departures": Listed("bus_times", 3), "arrivals": Listed("bus_times", 3),  # SHOWN in dialogs/forms/transit.py
    "shuttle_schedule": Listed("shuttle", 2, **SHUTTLE), "shuttle_signed_up": Listed("shuttle", 2, **SHUTTLE),  # type: ignore[arg-type]
    "signup_status": Listed("dialog", 2, **SHUTTLE), "signup_changed": Listed("dialog", 2, **SHUTTLE),  # type: ignore[arg-type]
}  # fmt: skip
SEPARATOR = "；"
OPTIONS = 10  # choices blocks up to 回复10 (single choices beyond: option_<n>)
# variables that stand for a piece of text: by SMS the piece is written out in the template,
# so its values are short typed ones (${line} -> ${when}从${origin}到${destination}，${count}人),
# and an optional piece (None) has a template without it (a variable is never sent empty).
# The text's own template takes the first option; the others are templates named <text><suffix>.
PIECE_VARIABLES: dict[str, dict[str, str | None]] = {
    "line": {"": "trip_line", "__seat": "seat_line"},  # a booking; seat_line: a seat on a bus
    "by": {"": None, "__by": "arrive_note"},  # （18:00前到）
    "reply": {"": "complaint_reply", "__no_reply": None},  # 答复：${resolution}
    "hours": {"": "parcel_hours", "__no_hours": None},  # a parcel waiting at its service point
    "pickup": {
        "": "parcel_code",
        "__sent": "parcel_code_sent",
        "__in_person": "parcel_code_in_person",
        "__no_code": None,
    },
    "dest": {"": "parcel_dest", "__no_dest": None},  # a parcel on its way
}
SEAT_LINES = frozenset({"ride_booked_seat", "ride_confirm_seat", "change_confirm_seat", "booking_changed_seat"})
TRIP_LINES = frozenset({"ride_booked_demand", "charter_booked"})

def entry(key: str, number: int, choice: dict[str, str] | None = None) -> dict[str, object]:
    """The template of the dialog text `key` (`choice`: the option of each piece variable it
    says, by suffix; by default the first ones)."""
    first = _choices(key)[0]
    choice = choice or first
    short = _short(key)
    for variable, suffix in choice.items():
        piece = PIECE_VARIABLES[variable][suffix]
        short = short.replace(f"{{{variable}}}", _short(piece) if piece else "")
    names = [name for _, name, _, _ in string.Formatter().parse(short) if name]
    content = re.sub(r"\{(\w+)\}", r"${\1}", short)
    params = dict.fromkeys(names, DEFAULT_LIMIT)
    found: dict[str, object] = {
        "name": key + "".join(suffix for variable, suffix in choice.items() if suffix != first[variable]),
        "kind": "lead_in" if key in LEADS else "dialog",
        "lead": True,
        "content": content,
        "params": params,
    }
    if names and names[-1] in FREE and content.endswith(f"${{{names[-1]}}}"):
        found["more"] = MORE
    found["codes"] = codes(number)
    return found


def _short(key: str) -> str:
    return TEXTS[key].short or TEXTS[key].rich


def _choices(key: str) -> list[dict[str, str]]:
    """Every combination of the options of the piece variables the text says (first: its own)."""
    options = []
    for variable, pieces in PIECE_VARIABLES.items():
        if f"{{{variable}}}" in _short(key):
            allowed = list(pieces)
            if variable == "line" and key in SEAT_LINES | TRIP_LINES:
                allowed = ["__seat" if key in SEAT_LINES else ""]
            options.append([(variable, suffix) for suffix in allowed])
    return [dict(combination) for combination in itertools.product(*options)]


def variants(key: str, number: int) -> list[dict[str, object]]:
    """The templates of the text's other piece options (the seat line, no reply yet …)."""
    return [entry(key, number, choice) for choice in _choices(key)[1:]]


def numbered(line: str, numbers: list[str], separator: str) -> tuple[str, list[str]]:
    """Lines of one block template, each `line` ("回复{n} ${choice}") with its number, and
    their variables (choice_1, choice_2, …): the choices blocks and the list blocks alike."""
    variables = re.findall(r"\$\{(\w+)\}", line)
    text = separator.join(
        re.sub(r"\$\{(\w+)\}", lambda m, n=n: f"${{{m.group(1)}_{n}}}", line).replace("{n}", n) for n in numbers
    )
    return text, [f"{variable}_{n}" for n in numbers for variable in variables]


def blocks(key: str, number: int) -> list[dict[str, object]]:
    """The list `key` as block templates of 2..N numbered lines (one line: its own template)."""
    base, listed = entry(key, 0), LISTS[key]
    content, params = str(base["content"]), dict(base["params"])  # type: ignore[call-overload]
    del params[listed.variable]
    line = re.sub(r"\{(\w+)\}", r"${\1}", _short(listed.piece)) if listed.piece else "${line}"
    found = []
    for count in range(listed.least, listed.most + 1):
        lines, names = numbered(line, [str(i) for i in range(1, count + 1)], SEPARATOR)
        found.append({
            "name": f"{key}_{count}", "kind": listed.kind, "lead": True,
            "content": content.replace(f"${{{listed.variable}}}", lines),
            "params": {**params, **{name: LINE_LIMITS.get(name.rsplit("_", 1)[0], DEFAULT_LIMIT) for name in names}},
            "codes": codes(number + len(found)),
        })  # fmt: skip
    return found


# a journey by SMS (dialogs/forms/journeys.py): its legs in typed values, a template per number
# of legs (MAX_RIDES), fare known or not, in each text that says it (`plan`); an SMS offers one
JOURNEY_TEXTS = {"journey_plan": "{plan}。" + "{offer}", "journey_confirm": None, "journey_booked": None}
JOURNEY_LEGS = 3
JOURNEY_LIMITS = {"dep": 20, "arr": 5, "wait": 3, "route": 10, "fare": 10, "people": 5}


def journeys(number: int) -> list[dict[str, object]]:
    """The journey answers: `<text>_<legs>` (and `__fare_unknown`), every leg numbered."""
    found = []
    for key, container in JOURNEY_TEXTS.items():
        outer = (container or _short(key)).replace("{offer}", _short("journey_offer"))
        for legs, fare in itertools.product(range(1, JOURNEY_LEGS + 1), (True, False)):
            content = re.sub(r"\{(\w+)\}", r"${\1}", outer.replace("{plan}", _journey(legs, fare=fare)))
            names = re.findall(r"\$\{(\w+)\}", content)
            found.append({
                "name": f"{key}_{legs}" + ("" if fare else "__fare_unknown"), "kind": "dialog", "lead": True,
                "content": content,
                "params": {name: JOURNEY_LIMITS.get(re.sub(r"_\d$", "", name), DEFAULT_LIMIT) for name in names},
                "codes": codes(number + len(found)),
            })  # fmt: skip
    return found


def _journey(legs: int, *, fare: bool) -> str:
    """A journey of `legs` legs in SMS wording, its legs' variables numbered (dep_1, wait_2 …)."""
    head = _short("journey_head_direct")
    if legs > 1:
        head = _short("journey_head").replace("{changes}", str(legs - 1))
    pieces = [
        _short("journey_sms_leg" if n == 1 else "journey_sms_change").replace("}", f"_{n}}}")
        for n in range(1, legs + 1)
    ]
    return head + "，".join([*pieces, _short("journey_tail" if fare else "journey_fare_unknown")])


def option_blocks(number: int) -> list[dict[str, object]]:
    """The numbered choices in one SMS: 回复1 … to 回复N …, with or without 回复0 …, N ≤ OPTIONS."""
    found = []
    for most in range(1, OPTIONS + 1):
        for zero in ([], ["0"]):
            numbers = [str(i) for i in range(1, most + 1)] + zero
            content, names = numbered("回复{n} ${choice}", numbers, "\n")
            found.append({
                "name": OPTIONS_PREFIX + "_".join(numbers), "kind": "options", "content": content,
                "params": dict.fromkeys(names, DEFAULT_LIMIT), "codes": codes(number + len(found)),
            })  # fmt: skip
    return found


def extras(number: int) -> list[dict[str, object]]:
    """The templates besides one per text: piece variants, list blocks, choices blocks."""
    found = [variant for key in TEXTS if key not in PIECES for variant in variants(key, 0)]
    found += [block for key in LISTS for block in blocks(key, 0)] + journeys(0) + option_blocks(0)
    for offset, template in enumerate(found):
        template["codes"] = codes(number + offset)
    return found


def codes(number: int) -> dict[str, str]:
    return {"aliyun": f"SMS_CT{number:04d}", "tencent": str(2000000 + number)}


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT_PATH
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = {t["name"] for t in data["templates"]}
    missing = [key for key in TEXTS if key not in known and key not in PIECES]
    if not missing and all(found["name"] in known for found in extras(0)):
        print("every dialog text has a template")  # noqa: T201
        return 0
    number = 1 + max(int(str(t["codes"]["aliyun"]).removeprefix("SMS_CT")) for t in data["templates"])
    added = [entry(key, number + i) for i, key in enumerate(missing)]
    for found in extras(number + len(added)):
        if found["name"] not in known:
            added.append(found)
    dumped = yaml.safe_dump(added, allow_unicode=True, sort_keys=False, width=200)
    with path.open("a", encoding="utf-8") as out:
        out.write(dumped)
    print(f"added {len(added)} templates: {', '.join(str(a['name']) for a in added)}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
