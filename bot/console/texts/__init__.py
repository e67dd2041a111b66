"""Every Chinese word the agent console shows, split by page: `common` (frame, sign-in,
refusals), `queue`, `complaints`, `figures`, `dispatch`, `knowledge`, `admin` (accounts
and lock-outs), and `labels` (the names of codes). Templates read them as `t.<key>`; the
route code uses the constants and `say(key, **values)`. A key may live in one page
module only: the merge below refuses a duplicate rather than letting one page's word
silently replace another's.
"""

from __future__ import annotations

from backend.services.agents.accounts import ROLE_LABELS
from backend.services.complaints.records import CATEGORY_LABELS
from backend.services.complaints.workflow import STATE_LABELS
from bot.console.texts import admin, common, complaints, dispatch, figures, knowledge, queue
from bot.console.texts.labels import (
    ACTION_LABELS,
    ACTOR_LABELS,
    BOOKING_STATUS_LABELS,
    CHANNEL_LABELS,
    DEPARTMENTS,
    DETAIL_LABELS,
    DETAIL_VALUES,
    EVENT_LABELS,
    HANDOFF_EVENT_LABELS,
    HANDOFF_STATUS_LABELS,
    OUTBOUND_STATUS_LABELS,
    ROUTE_FLASH_KINDS,
    ROUTE_LABELS,
    SATISFACTION_LABELS,
    STEP_LABELS,
    TARGET_LABELS,
    VEHICLE_KIND_LABELS,
    WEEKDAYS,
)

PAGES = (common, queue, complaints, figures, dispatch, knowledge, admin)


def _merged(name: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    for page in PAGES:
        part: dict[str, str] = getattr(page, name)
        twice = merged.keys() & part.keys()
        if twice:
            raise ValueError(f"console {name} keys defined twice: {sorted(twice)} (again in {page.__name__})")
        merged.update(part)
    return merged


TEXTS: dict[str, str] = _merged("TEXTS")
SAY: dict[str, str] = _merged("SAY")


def say(key: str, **values: object) -> str:
    return SAY[key].format(**values)


def text(key: str, **values: object) -> str:
    return TEXTS[key].format(**values)


__all__ = [
    "ACTION_LABELS", "BOOKING_STATUS_LABELS", "CATEGORY_LABELS", "CHANNEL_LABELS", "DEPARTMENTS", "EVENT_LABELS",
    "ACTOR_LABELS", "DETAIL_LABELS", "DETAIL_VALUES", "HANDOFF_EVENT_LABELS", "ROUTE_FLASH_KINDS", "TARGET_LABELS",
    "HANDOFF_STATUS_LABELS", "OUTBOUND_STATUS_LABELS", "ROLE_LABELS", "ROUTE_LABELS", "SATISFACTION_LABELS",
    "STATE_LABELS", "STEP_LABELS", "VEHICLE_KIND_LABELS", "TEXTS", "SAY", "WEEKDAYS", "say", "text",
]  # fmt: skip
