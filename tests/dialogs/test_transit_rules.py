"""The bus answers say what the timetable asks of the rider: phone the operator or tell the
driver (pickup/drop-off types 2 and 3), 约 before a run of a line that runs every few
minutes, the fare in the timetable's currency and times in the network's own zone."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from dialogs.context import TurnContext
from dialogs.forms.transit import QueryBus
from dialogs.tracker import FormState, Tracker
from tests.backend.gtfs.small_feed import BASE, replace_line
from tests.backend.services.test_bus_runs import load
from tests.conftest import NOW


def answer(session: Session, mode: str, hour: int = 6, minute: int = 0) -> str:
    now = NOW.replace(hour=hour, minute=minute)
    ctx = TurnContext(session=session, now=now, tracker=Tracker("c1", "web", "u1"))
    slots = {"origin": "溪口站", "_mode": mode} if mode == "arrival" else {"destination": "石门站"}
    state = FormState("query_bus", {"origin": "东门站", "_mode": mode, **slots})
    QueryBus().submit(ctx, state)
    return "\n".join(reply.text for reply in ctx.replies)


def test_phone_and_driver_rules_are_said(session: Session, tmp_path: Path) -> None:
    times = BASE["stop_times.txt"].replace(
        "T-0700,07:00:00,07:00:00,cg,1,0,1", "T-0700,07:00:00,07:00:00,cg,1,2,1"
    )
    times = times.replace("T-0700,07:40:00,07:40:00,sm,3,1,0", "T-0700,07:40:00,07:40:00,sm,3,1,3")
    load(session, tmp_path / "feed", stop_times_txt=times)
    text = answer(session, "departures")
    first = text.splitlines()[1]
    assert first.startswith("07:00 X1路")
    assert "上车需提前电话预约（0598-5550000）" in first and "下车请提前告诉司机" in first
    assert "预约" not in text.splitlines()[2]  # the frequency runs have no such rule


def test_headway_runs_say_about_and_foreign_fares_keep_their_currency(
    session: Session, tmp_path: Path
) -> None:
    freq = "trip_id,start_time,end_time,headway_secs,exact_times\nF-DAY,06:00:00,06:30:00,600,0\n"
    fares = "fare_id,price,currency_type,payment_method,transfers\nF1,2.50,USD,0,0\n"
    load(session, tmp_path / "feed", frequencies_txt=freq, fare_attributes_txt=fares)
    lines = answer(session, "departures").splitlines()
    assert lines[1].startswith("约06:00 X1路") and "2.5 USD" in lines[1]
    assert answer(session, "fare").endswith("车费2.5 USD。")


def test_times_are_said_in_the_network_zone(session: Session, tmp_path: Path) -> None:
    load(session, tmp_path / "feed", agency_txt=replace_line("agency.txt", "Asia/Shanghai", "Asia/Urumqi"))
    # 08:30 in Shanghai is 06:30 in Urumqi: next is the 07:00 trip, said as its stop shows it
    assert answer(session, "departures", hour=8, minute=30).splitlines()[1].startswith("07:00 X1路")


def test_questions_about_days_outside_the_calendar_say_so(session: Session, tmp_path: Path) -> None:
    calendar = replace_line("calendar.txt", "20260101,20271231", "20260101,20261031")
    load(session, tmp_path / "feed", calendar_txt=calendar)
    for mode in ("departures", "first_last", "arrival"):
        text = answer(session, mode)
        assert "只排到2026年10月31日" in text, (mode, text)
        assert "最近7天" not in text and "没有班车经过" not in text
