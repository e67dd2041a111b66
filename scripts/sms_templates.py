"""Add the dialog texts that have no SMS template yet to a template registry.

    python -m scripts.sms_templates [channels/sms_templates.yaml]

A new short text in dialogs/texts/ needs a template before SMS users can get it through
a domestic provider (tests/channels/test_sms_templates.py fails until it has one). This
appends one entry per missing text (its SMS-style wording; a lead-in before it and the
numbered choices after it are templates of their own; every variable at the providers'
default limit of 35 characters, longer ones listed under `long`; placeholder codes to be
replaced by the provider's approved ones) and leaves existing entries as they
are. Lead-in words and list pieces (`LEADS`, `PIECES`) are handled as in the registry.
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
LONG = {"lines": 300, "message": 200, "text": 200}


def entry(key: str, number: int) -> dict[str, object]:
    text = TEXTS[key]
    short = text.short or text.rich
    names = [name for _, name, _, _ in string.Formatter().parse(short) if name]
    content = re.sub(r"\{(\w+)\}", r"${\1}", short)
    params = {name: LONG.get(name, DEFAULT_LIMIT) for name in dict.fromkeys(names)}
    found: dict[str, object] = {
        "name": key,
        "kind": "lead_in" if key in LEADS else "dialog",
        "lead": True,
        "content": content,
        "params": params,
    }
    if any(name in LONG for name in params):
        found["long"] = [name for name in params if name in LONG]
    found["codes"] = {"aliyun": f"SMS_CT{number:04d}", "tencent": str(2000000 + number)}
    return found


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DEFAULT_PATH
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = {t["name"] for t in data["templates"]}
    missing = [key for key in TEXTS if key not in known and key not in PIECES]
    if not missing:
        print("every dialog text has a template")  # noqa: T201
        return 0
    start = len(data["templates"]) + 1
    added = [entry(key, start + i) for i, key in enumerate(missing)]
    dumped = yaml.safe_dump(added, allow_unicode=True, sort_keys=False, width=200)
    with path.open("a", encoding="utf-8") as out:
        out.write(dumped)
    print(f"added {len(added)} templates: {', '.join(missing)}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
