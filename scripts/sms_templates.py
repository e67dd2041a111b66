"""Add the dialog texts that have no SMS template yet to a template registry.

    python -m scripts.sms_templates [channels/sms_templates.yaml]

A new short text in dialogs/texts/ needs a template before SMS users can get it through
a domestic provider (tests/channels/test_sms_templates.py fails until it has one). This
appends one entry per missing text (its SMS-style wording; a lead-in before it and the
numbered choices after it are templates of their own; every variable at the providers'
limit of 35 characters; a text ending in free text (`FREE`: a message, a story, a list)
continues in the `more` template; a list (`LISTS`) also gets block templates of 2..N lines,
`departures_3`: "${trip}班车：${line_1}；${line_2}；${line_3}"; placeholder codes to be replaced
by the provider's approved ones) and leaves existing entries as they are. Lead-in words and
list pieces (`LEADS`, `PIECES`) are handled as in the registry.
"""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

import yaml

from channels.sms_templates import DEFAULT_PATH
from dialogs.texts import TEXTS

LEADS = frozenset({"ok", "changed", "kept", "resume", "abandoned", "out_of_scope", "handoff_back", "media_received",
                   "nearest_place", "backend_refused"})  # fmt: skip
PIECES = frozenset({"departure_line", "arrival_line", "about", "rule_board_phone", "rule_board_driver",
                    "rule_alight_phone", "rule_alight_driver", "parcel_code_sent", "parcel_code_in_person", "journey_other", "journey_book_option",
                    "recorded_story"})  # fmt: skip
DEFAULT_LIMIT = 35
# free text or a list at the end of a text: longer than 35 characters, it is continued in
# consecutive SMS of the `more` template (接上条（2/3）：…)
FREE = frozenset({"lines", "message", "text", "story", "result"})
MORE = "more"
# lists whose lines are joined by SEPARATOR: their kind and most lines (SHOWN in dialogs/forms/transit.py)
LISTS = {"departures": ("bus_times", 3), "arrivals": ("bus_times", 3)}
SEPARATOR = "；"
BLOCK_CODES = 1100  # codes of the list blocks start here


def entry(key: str, number: int) -> dict[str, object]:
    text = TEXTS[key]
    short = text.short or text.rich
    names = [name for _, name, _, _ in string.Formatter().parse(short) if name]
    content = re.sub(r"\{(\w+)\}", r"${\1}", short)
    params = dict.fromkeys(names, DEFAULT_LIMIT)
    found: dict[str, object] = {
        "name": key,
        "kind": "lead_in" if key in LEADS else "dialog",
        "lead": True,
        "content": content,
        "params": params,
    }
    if names and names[-1] in FREE and content.endswith(f"${{{names[-1]}}}"):
        found["more"] = MORE
    found["codes"] = codes(number)
    return found


def blocks(key: str, number: int) -> list[dict[str, object]]:
    """The list `key` as block templates of 2..N numbered lines (one line: its own template)."""
    base = entry(key, 0)
    content, params = str(base["content"]), dict(base["params"])  # type: ignore[call-overload]
    del params["lines"]
    kind, most = LISTS[key]
    found = []
    for count in range(2, most + 1):
        lines = [f"line_{i}" for i in range(1, count + 1)]
        found.append({
            "name": f"{key}_{count}", "kind": kind, "lead": True,
            "content": content.replace("${lines}", SEPARATOR.join(f"${{{line}}}" for line in lines)),
            "params": {**params, **dict.fromkeys(lines, DEFAULT_LIMIT)},
            "codes": codes(number + count - 2),
        })  # fmt: skip
    return found


def codes(number: int) -> dict[str, str]:
    return {"aliyun": f"SMS_CT{number:04d}", "tencent": str(2000000 + number)}


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT_PATH
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = {t["name"] for t in data["templates"]}
    missing = [key for key in TEXTS if key not in known and key not in PIECES]
    if not missing and all(block["name"] in known for key in LISTS for block in blocks(key, 0)):
        print("every dialog text has a template")  # noqa: T201
        return 0
    start = len(data["templates"]) + 1
    added = [entry(key, start + i) for i, key in enumerate(missing)]
    number = BLOCK_CODES
    for key in LISTS:
        added += [block for block in blocks(key, number) if block["name"] not in known]
        number += LISTS[key][1] - 1
    dumped = yaml.safe_dump(added, allow_unicode=True, sort_keys=False, width=200)
    with path.open("a", encoding="utf-8") as out:
        out.write(dumped)
    print(f"added {len(added)} templates: {', '.join(str(a['name']) for a in added)}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
