"""Server-side rendering for the console: one Jinja2 environment over bot/templates with
autoescaping always on (citizens' words are shown as text, never as markup), the texts
and labels as globals, and the few filters the pages share (local time, durations,
time left to a deadline)."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from backend.localtime import local_now, to_local
from bot.console import texts

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def duration(value: timedelta | None) -> str:
    """`timedelta(hours=26, minutes=5)` -> `1天2小时`; under an hour in minutes."""
    if value is None:
        return texts.TEXTS["none"]
    minutes = max(0, int(value.total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{mins}分" if mins else f"{hours}小时"
    return f"{mins}分钟"


def local(value: datetime | None, fmt: str = "%m-%d %H:%M") -> str:
    return to_local(value).strftime(fmt) if value is not None else texts.TEXTS["none"]


def time_left(due: datetime, now: datetime | None = None) -> tuple[str, bool]:
    """("剩 1天3小时", False) or ("已超期 5小时", True)."""
    now = now or local_now()
    if due >= now:
        return texts.text("time_left", left=duration(due - now)), False
    return texts.text("time_over", left=duration(now - due)), True


def percent(value: float | None) -> str:
    return f"{value * 100:.0f}%" if value is not None else texts.TEXTS["none"]


def number(value: float | None, unit: str = "") -> str:
    if value is None:
        return texts.TEXTS["none"]
    shown = f"{value:.1f}".rstrip("0").rstrip(".")
    return f"{shown}{unit}"


def conversation(value: str) -> str:
    """A conversation id as an agent reads it: `rest:u7f3a9` -> `网页 u7f3a9`."""
    channel, sep, sender = value.partition(":")
    if not sep or channel not in texts.CHANNEL_LABELS:
        return value
    return f"{texts.CHANNEL_LABELS[channel]} {sender}"


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(duration=duration, local=local, percent=percent, number=number, conversation=conversation)
    env.globals.update(
        t=texts.TEXTS,
        state_labels=texts.STATE_LABELS,
        category_labels=texts.CATEGORY_LABELS,
        channel_labels=texts.CHANNEL_LABELS,
        event_labels=texts.EVENT_LABELS,
        handoff_status_labels=texts.HANDOFF_STATUS_LABELS,
        handoff_event_labels=texts.HANDOFF_EVENT_LABELS,
        outbound_status_labels=texts.OUTBOUND_STATUS_LABELS,
        role_labels=texts.ROLE_LABELS,
        action_labels=texts.ACTION_LABELS,
        step_labels=texts.STEP_LABELS,
        vehicle_kind_labels=texts.VEHICLE_KIND_LABELS,
        booking_status_labels=texts.BOOKING_STATUS_LABELS,
        time_left=time_left,
    )
    return env


def render_html(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(**context)


def render(template: str, context: dict[str, Any], *, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(render_html(template, context), status_code=status_code)
