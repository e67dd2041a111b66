"""A tiny GTFS feed written for the tests: one county line 东门—溪口—石门 (far from the pilot county) with a timed trip,
a trip that runs every 10 minutes (frequencies.txt), a fare and a calendar for 2026-2027.
`write_feed(folder, **changes)` writes it with whole files replaced (``None`` deletes one)."""

from __future__ import annotations

from pathlib import Path

BASE: dict[str, str] = {
    "agency.txt": "agency_id,agency_name,agency_url,agency_timezone,agency_phone\n"
    "xk,溪口客运,https://example.org/xk,Asia/Shanghai,0598-5550000\n",
    "stops.txt": "stop_id,stop_name,stop_lat,stop_lon,zone_id\n"
    "cg,东门站,30.1770,120.8150,z1\n"
    "xk,溪口站,30.2100,120.8600,z2\n"
    "sm,石门站,30.2400,120.9000,z2\n",
    "routes.txt": "route_id,agency_id,route_short_name,route_long_name,route_type\nR1,xk,X1路,东门—石门,3\n",
    "calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\n"
    "ALL,1,1,1,1,1,1,1,20260101,20271231\n",
    "trips.txt": "route_id,service_id,trip_id,trip_headsign,direction_id\n"
    "R1,ALL,T-0700,石门,0\n"
    "R1,ALL,F-DAY,石门,0\n",
    "stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type\n"
    "T-0700,07:00:00,07:00:00,cg,1,0,1\n"
    "T-0700,07:20:00,07:20:00,xk,2,0,0\n"
    "T-0700,07:40:00,07:40:00,sm,3,1,0\n"
    "F-DAY,06:00:00,06:00:00,cg,1,0,1\n"
    "F-DAY,06:15:00,06:15:00,xk,2,0,0\n"
    "F-DAY,06:30:00,06:30:00,sm,3,1,0\n",
    "frequencies.txt": "trip_id,start_time,end_time,headway_secs,exact_times\n"
    "F-DAY,08:00:00,10:00:00,600,1\n",
    "fare_attributes.txt": "fare_id,price,currency_type,payment_method,transfers\nF1,3.00,CNY,0,0\n",
    "fare_rules.txt": "fare_id,route_id\nF1,R1\n",
}


def write_feed(folder: Path, **changes: str | None) -> Path:
    """Write the small feed into `folder`; keyword `stop_times_txt="..."` replaces stop_times.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    files = dict(BASE)
    for key, text in changes.items():
        name = key.removesuffix("_txt") + ".txt"
        if text is None:
            files.pop(name, None)
        else:
            files[name] = text
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def replace_line(file: str, old: str, new: str) -> str:
    """BASE[file] with one exact text replaced (it must be there)."""
    assert old in BASE[file], old
    return BASE[file].replace(old, new, 1)
