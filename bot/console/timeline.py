"""The dispatch board's timeline: every run of the day as one lane of an inline SVG, with
a mark for each stop (riders boarding or alighting, parcels loaded or unloaded), a bar
for each leg between stops (riders on board, parcels only, or empty), the hours along
the top and a line at the present moment. The geometry is computed here, like
`bot.console.chart`, so the page needs no script; the template escapes every text.

Stop times and places are written above and below the lane where they fit; every mark
and leg also carries a hover title naming the time, the places and who is on board.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from backend.localtime import to_local
from backend.services.dispatch.sheets import RunSheet, SheetStop
from bot.console import texts

WIDTH = 1200
LEFT = 176  # the plate and driver column
RIGHT = 18
AXIS = 30  # the hour labels above the first lane
LANE = 68
MIN_HOURS = 6
BLOCK_GAP_MIN = 5  # stops at one place this close together share a label
TIME_CHAR_W = 6.4  # 11px digits
PLACE_CHAR_W = 11.5  # 11px Chinese characters
LABEL_GAP = 6
LEG_LABEL_MIN_W = 28


@dataclass(frozen=True)
class Mark:
    x: float
    kind: str  # pickup dropoff load unload
    title: str


@dataclass(frozen=True)
class Leg:
    x: float
    width: float
    kind: str  # riders parcels empty
    with_parcels: bool  # parcels on board besides riders
    label: str
    title: str


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True)
class Lane:
    y: float
    sheet: RunSheet
    legs: list[Leg]
    marks: list[Mark]
    times: list[Label]
    places: list[Label]

    @property
    def time_y(self) -> float:
        return self.y + 20

    @property
    def bar_y(self) -> float:
        return self.y + 28

    @property
    def mid_y(self) -> float:
        return self.y + 34

    @property
    def place_y(self) -> float:
        return self.y + 58


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    left: int
    right: int
    lane_height: int
    hours: list[Label]
    lanes: list[Lane]
    now_x: float | None


def minute(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def hour_span(sheets: list[RunSheet]) -> tuple[int, int]:
    """Whole hours covering every stop, at least MIN_HOURS wide, within the day."""
    minutes = [minute(s.time) for sheet in sheets for s in sheet.stops]
    first, last = min(minutes) // 60, math.ceil((max(minutes) + 1) / 60)
    while last - first < MIN_HOURS:
        if last < 24:
            last += 1
        if last - first < MIN_HOURS and first > 0:
            first -= 1
    return first, last


def _hhmm(moment: datetime) -> str:
    return f"{moment:%H:%M}"


def stop_title(stop: SheetStop) -> str:
    if stop.booking_id:
        key = "tl_pickup" if stop.action == "pickup" else "tl_dropoff"
        rider = stop.rider or texts.TEXTS["rider"]
        return texts.text(
            key,
            time=_hhmm(stop.time),
            place=stop.place,
            rider=rider,
            n=stop.passengers,
            booking=stop.booking_id,
        )
    key = "tl_load" if stop.action == "pickup" else "tl_unload"
    return texts.text(
        key, time=_hhmm(stop.time), place=stop.place, n=stop.parcels, kg=stop.parcel_kg, ref=stop.parcel_ref
    )


def stop_kind(stop: SheetStop) -> str:
    if stop.booking_id:
        return "pickup" if stop.action == "pickup" else "dropoff"
    return "load" if stop.action == "pickup" else "unload"


def _legs(stops: list[SheetStop], x_of: Callable[[datetime], float]) -> list[Leg]:
    legs: list[Leg] = []
    loaded: dict[str, int] = {}  # parcel ref -> parcels on board
    for here, there in zip(stops, stops[1:], strict=False):
        if here.parcel_ref:
            if here.action == "pickup":
                loaded[here.parcel_ref] = here.parcels
            else:
                loaded.pop(here.parcel_ref, None)
        x0, x1 = x_of(here.time), x_of(there.time)
        if x1 - x0 < 0.5:
            continue
        span = {"start": _hhmm(here.time), "end": _hhmm(there.time)}
        parcels = sum(loaded.values()) if loaded else 0
        if here.aboard > 0:
            kind = "riders"
            title = texts.text(
                "tl_leg", **span, origin=here.place, destination=there.place, n=here.aboard
            ) + (texts.text("tl_leg_parcels", n=parcels) if loaded else "")
        elif loaded:
            kind = "parcels"
            title = texts.text(
                "tl_leg_parcels_only", **span, origin=here.place, destination=there.place, n=parcels
            )
        elif here.place == there.place:
            kind, title = "empty", texts.text("tl_wait", **span, place=here.place)
        else:
            kind = "empty"
            title = texts.text("tl_empty", **span, origin=here.place, destination=there.place)
        label = texts.text("tl_riders", n=here.aboard) if here.aboard and x1 - x0 >= LEG_LABEL_MIN_W else ""
        legs.append(
            Leg(round(x0, 1), round(x1 - x0, 1), kind, bool(loaded) and here.aboard > 0, label, title)
        )
    return legs


def _blocks(stops: list[SheetStop]) -> list[SheetStop]:
    """The first stop of each group of stops at one place a few minutes apart."""
    firsts: list[SheetStop] = []
    previous: SheetStop | None = None
    for stop in stops:
        near = previous is not None and minute(stop.time) - minute(previous.time) <= BLOCK_GAP_MIN
        if previous is None or stop.place != previous.place or not near:
            firsts.append(stop)
        previous = stop
    return firsts


def fit_labels(wanted: list[tuple[float, str]], char_w: float, low: float, high: float) -> list[Label]:
    """Labels centred on their x, left to right, skipping any that would overlap the one
    before, and kept between `low` and `high`."""
    placed: list[Label] = []
    edge = -math.inf
    for x, text in wanted:
        half = len(text) * char_w / 2
        centre = min(max(x, low + half), high - half)
        if centre - half < edge + LABEL_GAP:
            continue
        placed.append(Label(round(centre, 1), text))
        edge = centre + half
    return placed


def day_timeline(sheets: list[RunSheet], *, now: datetime | None = None) -> Timeline | None:
    """The lanes for the day's run sheets (None when there is no run)."""
    sheets = [s for s in sheets if s.stops]
    if not sheets:
        return None
    first, last = hour_span(sheets)
    right = WIDTH - RIGHT
    scale = (right - LEFT) / ((last - first) * 60)

    def x_at(minutes: int) -> float:
        return LEFT + (minutes - first * 60) * scale

    def x_of(moment: datetime) -> float:
        return x_at(minute(moment))

    every = 1 if last - first <= 14 else 2
    hours = [Label(round(x_at(h * 60), 1), f"{h:02d}:00") for h in range(first, last + 1, every)]
    lanes = []
    for index, sheet in enumerate(sheets):
        blocks = _blocks(sheet.stops)
        lanes.append(
            Lane(
                y=AXIS + index * LANE,
                sheet=sheet,
                legs=_legs(sheet.stops, x_of),
                marks=[Mark(round(x_of(s.time), 1), stop_kind(s), stop_title(s)) for s in sheet.stops],
                times=fit_labels([(x_of(s.time), _hhmm(s.time)) for s in blocks], TIME_CHAR_W, LEFT, right),
                places=fit_labels([(x_of(s.time), s.place) for s in blocks], PLACE_CHAR_W, LEFT, right),
            )
        )
    now_x = None
    if now is not None and to_local(now).date() == sheets[0].day:
        at = minute(to_local(now))
        now_x = round(x_at(at), 1) if first * 60 <= at <= last * 60 else None
    return Timeline(WIDTH, AXIS + len(sheets) * LANE + 8, LEFT, right, LANE, hours, lanes, now_x)
