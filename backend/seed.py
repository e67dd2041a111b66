"""Load the pilot county (清流县) into a database: places and aliases, the bus network from
the pilot GTFS feed, operators, vehicles, drivers, service points, parcels with their
tracking events, and disruption notices.

Loading is idempotent: every row is keyed on its natural key (place name, alias, operator
code, plate, driver code, service point code, tracking number, line + title), so loading
twice adds nothing. Times in `seed.json` are offsets from the moment of loading (parcel
events in hours, disruptions in whole local days), so the demo world always looks current.
`load_places_csv` is the part a county uses for its own gazetteer.
"""

from __future__ import annotations

import csv
import json
import logging
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.gtfs.importer import import_feed
from backend.gtfs.reader import read_feed
from backend.gtfs.stop_links import link_stops
from backend.localtime import local_now, to_local
from backend.models import (
    Disruption,
    Driver,
    Operator,
    Parcel,
    ParcelEvent,
    Place,
    PlaceAlias,
    Route,
    ServicePoint,
    Stop,
    Vehicle,
)
from backend.services.knowledge import entries as knowledge

logger = logging.getLogger(__name__)

PILOT_DIR = Path(__file__).parent / "pilot"
PLACE_KINDS = frozenset({"county_seat", "township", "village", "landmark", "external"})
PLACE_COLUMNS = ("name", "kind", "township", "aliases", "lat", "lon")


def load_pilot(session: Session, *, now: datetime | None = None) -> dict[str, int]:
    """Load the pilot county; returns rows added per table (all zero the second time)."""
    moment = to_local(now) if now is not None else local_now()
    report = load_places_csv(session, PILOT_DIR / "places.csv")
    if session.scalar(select(func.count()).select_from(Stop)) == 0:
        report.update(import_feed(session, read_feed(PILOT_DIR / "gtfs"), replace=False))
    data = json.loads((PILOT_DIR / "seed.json").read_text(encoding="utf-8"))
    report.update(_load_fleet(session, data))
    report.update(_load_parcels(session, data, moment))
    report["disruptions"] = _load_disruptions(session, data, moment)
    report["knowledge_entries"] = knowledge.load_entries(session)
    session.flush()
    logger.info("pilot data loaded: %s", report)
    return report


def _read_place_rows(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in PLACE_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InvalidInput(f"{path.name}: 缺少列 {', '.join(missing)}")
        rows = []
        for line, raw in enumerate(reader, start=2):
            rows.append(_place_row(path.name, line, raw))
    return rows


def _place_row(file: str, line: int, raw: dict[str, str | None]) -> dict[str, Any]:
    where = f"{file} 第{line}行"
    name = (raw.get("name") or "").strip()
    kind = (raw.get("kind") or "").strip()
    if not name or len(name) > 50:
        raise InvalidInput(f"{where}: 地名为空或超过50个字")
    if kind not in PLACE_KINDS:
        raise InvalidInput(f"{where}: 未知类型 {kind!r}（应为 {'、'.join(sorted(PLACE_KINDS))}）")
    try:
        lat, lon = float(raw.get("lat") or ""), float(raw.get("lon") or "")
    except ValueError:
        raise InvalidInput(f"{where}: 经纬度不是数字") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput(f"{where}: 经纬度超出范围")
    aliases = [a.strip() for a in (raw.get("aliases") or "").split("|") if a.strip()]
    township = (raw.get("township") or "").strip() or None
    return {"name": name, "kind": kind, "township": township, "lat": lat, "lon": lon, "aliases": aliases}


def load_places_csv(session: Session, path: Path) -> dict[str, int]:
    """Add the places and aliases of a CSV (name,kind,township,aliases,lat,lon; aliases
    separated by |) that are not there yet. The whole file is checked before anything is
    written: a repeated name, a bad row, or an alias that already names another place
    raises InvalidInput naming the file (and row) and writes nothing."""
    rows = _read_place_rows(path)
    places = {p.name: p for p in session.scalars(select(Place))}
    by_id = {p.id: p.name for p in places.values()}
    owners = {a.alias: by_id[a.place_id] for a in session.scalars(select(PlaceAlias))}
    in_file: set[str] = set()
    for row in rows:
        if row["name"] in in_file:
            raise InvalidInput(f"{path.name}: 地名“{row['name']}”重复")
        in_file.add(row["name"])
    names = set(places) | in_file
    wanted: list[tuple[str, str]] = []
    for row in rows:
        for alias in row["aliases"]:
            owner = owners.get(alias)
            if owner == row["name"]:
                continue
            if owner is not None or (alias in names and alias != row["name"]):
                raise InvalidInput(f"{path.name}: 别名“{alias}”已属于另一个地点")
            owners[alias] = row["name"]
            wanted.append((alias, row["name"]))
    new_places = [
        Place(**{k: v for k, v in row.items() if k != "aliases"}) for row in rows if row["name"] not in places
    ]
    session.add_all(new_places)
    session.flush()
    places.update({p.name: p for p in new_places})
    session.add_all(PlaceAlias(place_id=places[name].id, alias=alias) for alias, name in wanted)
    session.flush()
    if new_places or wanted:
        link_stops(session)
    return {"places": len(new_places), "place_aliases": len(wanted)}


def _load_fleet(session: Session, data: dict[str, Any]) -> dict[str, int]:
    operators = {o.code: o for o in session.scalars(select(Operator))}
    new_ops = [
        Operator(code=o["code"], name=o["name"], phone=o.get("phone"))
        for o in data["operators"]
        if o["code"] not in operators
    ]
    session.add_all(new_ops)
    session.flush()
    operators.update({o.code: o for o in new_ops})

    vehicles = {v.plate: v for v in session.scalars(select(Vehicle))}
    new_vehicles = [
        Vehicle(
            plate=v["plate"],
            operator_id=operators[v["operator"]].id if v.get("operator") else None,
            kind=v["kind"],
            seats=v["seats"],
            cargo_kg=v.get("cargo_kg", 0),
            cargo_m3=v.get("cargo_m3", 0),
            depot=v.get("depot"),
            status=v.get("status", "in_service"),
        )
        for v in data["vehicles"]
        if v["plate"] not in vehicles
    ]
    session.add_all(new_vehicles)
    session.flush()
    vehicles.update({v.plate: v for v in new_vehicles})

    known_drivers = set(session.scalars(select(Driver.code)))
    new_drivers = [
        Driver(
            code=d["code"],
            name=d["name"],
            phone=d["phone"],
            license_no=d.get("license_no"),
            operator_id=operators[d["operator"]].id if d.get("operator") else None,
            vehicle_id=vehicles[d["vehicle"]].id if d.get("vehicle") else None,
            shift_start=d.get("shift_start", "06:00"),
            shift_end=d.get("shift_end", "18:30"),
        )
        for d in data["drivers"]
        if d["code"] not in known_drivers
    ]
    session.add_all(new_drivers)
    return {"operators": len(new_ops), "vehicles": len(new_vehicles), "drivers": len(new_drivers)}


def _load_parcels(session: Session, data: dict[str, Any], moment: datetime) -> dict[str, int]:
    points = {p.code: p for p in session.scalars(select(ServicePoint))}
    fields = ("name", "place", "address", "keeper", "phone", "hours")
    new_points = [
        ServicePoint(code=sp["code"], **{f: sp.get(f) for f in fields})
        for sp in data["service_points"]
        if sp["code"] not in points
    ]
    session.add_all(new_points)
    session.flush()
    points.update({p.code: p for p in new_points})

    known = set(session.scalars(select(Parcel.tracking_no)))
    parcels = events = 0
    for item in data["parcels"]:
        if item["tracking_no"] in known:
            continue
        stamps = [moment + timedelta(hours=e["offset_hours"]) for e in item["events"]]
        parcel = Parcel(
            tracking_no=item["tracking_no"],
            carrier=item["carrier"],
            recipient_name=item.get("recipient_name"),
            recipient_phone=item.get("recipient_phone"),
            service_point_id=points[item["service_point"]].id if item.get("service_point") else None,
            status=item["status"],
            pickup_code=item.get("pickup_code"),
            weight_kg=item.get("weight_kg"),
            created_at=min(stamps, default=moment),
            updated_at=max(stamps, default=moment),
        )
        parcel.events = [
            ParcelEvent(at=at, status=e["status"], location=e.get("location"), description=e["description"])
            for at, e in zip(stamps, item["events"], strict=True)
        ]
        session.add(parcel)
        parcels += 1
        events += len(parcel.events)
    return {"service_points": len(new_points), "parcels": parcels, "parcel_events": events}


def _load_disruptions(session: Session, data: dict[str, Any], moment: datetime) -> int:
    """Disruptions run from local midnight of the start day to the end of the end day."""
    routes: dict[str, str] = {}
    for route in session.scalars(select(Route)):
        routes[route.route_id] = route.route_id
        routes.setdefault(route.label, route.route_id)
    known = {(d.route_id, d.title) for d in session.scalars(select(Disruption))}
    midnight = datetime.combine(moment.date(), time(0), tzinfo=moment.tzinfo)
    added = 0
    for item in data["disruptions"]:
        route_id = routes.get(item["route"]) if item.get("route") else None
        if item.get("route") and route_id is None:
            logger.warning("disruption %r names an unknown line %r", item["title"], item["route"])
        if (route_id, item["title"]) in known:
            continue
        session.add(
            Disruption(
                route_id=route_id,
                title=item["title"],
                description=item["description"],
                starts_at=midnight + timedelta(days=item["start_offset_days"]),
                ends_at=midnight + timedelta(days=item["end_offset_days"] + 1),
            )
        )
        known.add((route_id, item["title"]))
        added += 1
    return added
