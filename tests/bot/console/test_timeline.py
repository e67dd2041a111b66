from __future__ import annotations

from datetime import date, datetime

from backend.localtime import local_tz
from backend.services.dispatch.sheets import RunSheet, SheetStop
from bot.console.timeline import LEFT, WIDTH, day_timeline, fit_labels, hour_span

DAY = date(2026, 11, 21)


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 21, hour, minute, tzinfo=local_tz())


def rider(seq: int, when: datetime, action: str, place: str, booking: str, n: int, aboard: int) -> SheetStop:
    return SheetStop(seq, when, action, place, booking, n, "罗秀兰", "13905982001", None, 0, 0.0, aboard)


def parcel(seq: int, when: datetime, action: str, place: str, aboard: int) -> SheetStop:
    return SheetStop(seq, when, action, place, None, 0, None, None, "SP08-20261121", 3, 4.5, aboard)


def sheet(stops: list[SheetStop], plate: str = "闽GT6599") -> RunSheet:
    return RunSheet(1, DAY, plate, "minibus", 19, "D016", "刘丽萍", "13805990016", "田源乡", stops)


MORNING = sheet(
    [
        rider(1, at(8, 0), "pickup", "田源村", "B1", 2, 2),
        parcel(2, at(8, 40), "pickup", "清流县城", 2),
        rider(3, at(8, 42), "dropoff", "清流县城", "B1", 2, 0),
        parcel(4, at(9, 30), "dropoff", "田源乡", 0),
        rider(5, at(14, 0), "pickup", "田源乡", "B2", 1, 1),
        rider(6, at(14, 40), "dropoff", "清流县城", "B2", 1, 0),
    ]
)


def test_the_hours_cover_every_stop_and_at_least_six_hours() -> None:
    assert hour_span([MORNING]) == (8, 15)
    short = sheet(
        [
            rider(1, at(8, 0), "pickup", "田源村", "B1", 1, 1),
            rider(2, at(8, 30), "dropoff", "清流县城", "B1", 1, 0),
        ]
    )
    assert hour_span([short]) == (6, 12)  # widened on both sides
    late = sheet(
        [
            rider(1, at(21, 0), "pickup", "田源村", "B1", 1, 1),
            rider(2, at(23, 30), "dropoff", "清流县城", "B1", 1, 0),
        ]
    )
    assert hour_span([late]) == (18, 24)


def test_legs_say_who_is_on_board_and_marks_what_happens() -> None:
    timeline = day_timeline([MORNING], now=at(9, 0))
    assert timeline is not None
    (lane,) = timeline.lanes
    assert [m.kind for m in lane.marks] == ["pickup", "load", "dropoff", "unload", "pickup", "dropoff"]
    assert lane.marks[0].title == "08:00 田源村 上车：罗秀兰 2人（B1）"
    assert lane.marks[3].title == "09:30 田源乡 卸快件 3 件，4.5 公斤（SP08-20261121）"
    kinds = [(leg.kind, leg.with_parcels) for leg in lane.legs]
    assert kinds == [
        ("riders", False),
        ("riders", True),
        ("parcels", False),
        ("empty", False),
        ("riders", False),
    ]
    assert lane.legs[0].title == "08:00–08:40 田源村 → 清流县城：车上 2 人" and lane.legs[0].label == "2人"
    assert lane.legs[1].title.endswith("快件 3 件") and lane.legs[1].label == ""  # two minutes: too narrow
    assert lane.legs[2].title == "08:42–09:30 清流县城 → 田源乡：只载快件 3 件"
    assert lane.legs[3].title == "09:30–14:00 在田源乡等候"
    hour_x = {label.text: label.x for label in timeline.hours}
    assert hour_x["08:00"] == LEFT and hour_x["15:00"] == WIDTH - 18
    assert lane.marks[0].x == LEFT and timeline.now_x == hour_x["09:00"]
    assert lane.legs[0].x + lane.legs[0].width == lane.marks[1].x


def test_labels_that_would_overlap_are_left_to_the_hover_title() -> None:
    timeline = day_timeline([MORNING])
    assert timeline is not None and timeline.now_x is None
    (lane,) = timeline.lanes
    # 08:40 and 08:42 at 清流县城 share one label; 09:30 is far enough to get its own
    assert [label.text for label in lane.times] == ["08:00", "08:40", "09:30", "14:00", "14:40"]
    assert [label.text for label in lane.places] == ["田源村", "清流县城", "田源乡", "田源乡", "清流县城"]
    crowded = fit_labels([(300, "08:00"), (310, "08:10"), (360, "08:50")], 6.4, LEFT, 1000)
    assert [label.text for label in crowded] == ["08:00", "08:50"]
    edge = fit_labels([(LEFT, "清流县城")], 11.5, LEFT, 1000)
    assert edge[0].x == LEFT + 23  # kept inside the plot, not over the plate column


def test_no_runs_no_timeline() -> None:
    assert day_timeline([]) is None
    assert day_timeline([sheet([])]) is None
