"""What the bus services share about the imported network: which stops serve a place,
which services run on a day, which line a name means, and what a ride costs.

A place covers the stops linked to it; the county town (county_seat) also covers the
served stops of its township within 2 km (清流县城 -> 清流县汽车站, 清流县医院 ...); a place
with no stop of its own is covered by the served stops within 1.5 km. Service days
follow calendar.txt, overridden by calendar_dates.txt, and are days in the network's own
time zone (the agencies' agency_timezone; TZ_NAME only when no network is loaded).
Fares follow fare_rules.txt: the most specific rule matching line, boarding zone and
alighting zone, the cheapest on a tie, in the currency the feed gives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput, NotFound
from backend.localtime import local_tz
from backend.models import (
    Agency,
    FareAttribute,
    FareRule,
    Place,
    Route,
    ServiceCalendar,
    ServiceException,
    Stop,
    StopTime,
    Trip,
)
from backend.services.bus import network_cache
from backend.services.bus.network_data import FareRow, NetworkData, network_data
from backend.services.places.gazetteer import distance_km, resolve_place

COUNTY_TOWN_RADIUS_KM = 2.0
NEARBY_RADIUS_KM = 1.5
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def served_stops(session: Session) -> list[Stop]:
    """Stops that at least one trip calls at, by stop_id (the process's read-only copies,
    backend/services/bus/network_data.py)."""
    return list(network_data(session).served)


def covered_stops(session: Session, place: Place) -> list[Stop]:
    """The served stops a traveller means by `place`, nearest first (read-only copies,
    remembered per place for the network version)."""
    data = network_data(session)
    key = (place.id, place.kind, place.township, place.lat, place.lon)
    return data.covered(key, lambda: _covered(data, place))


def _covered(data: NetworkData, place: Place) -> list[Stop]:
    stops = data.served
    chosen = {s.stop_id: s for s in stops if s.place_id == place.id}
    if place.kind == "county_seat" and place.township:
        towns = data.towns.get(place.township, frozenset())
        for s in stops:
            if s.place_id in towns and _km(place, s) <= COUNTY_TOWN_RADIUS_KM:
                chosen[s.stop_id] = s
    if not chosen:
        chosen = {s.stop_id: s for s in stops if _km(place, s) <= NEARBY_RADIUS_KM}
    return sorted(chosen.values(), key=lambda s: (_km(place, s), s.stop_id))


def _km(place: Place, stop: Stop) -> float:
    return distance_km(place.lat, place.lon, stop.lat, stop.lon)


def place_stops(session: Session, name: str) -> tuple[Place, list[Stop]]:
    """Resolve a place name and its stops; NotFound (naming the nearest stop) if it has none."""
    place = resolve_place(session, name)
    stops = covered_stops(session, place)
    if not stops:
        nearest = min(served_stops(session), key=lambda s: _km(place, s), default=None)
        hint = f"，最近的车站是{nearest.name}（约{_km(place, nearest):.1f}公里）" if nearest else ""
        raise NotFound(f"{place.name}附近没有班车站点{hint}。", place=place.name)
    return place, stops


def line_order(route: Route) -> tuple[int, int, str]:
    """Numbered lines first, by number (1路, 2路 ... 14路), then the others by id."""
    digits = re.match(r"\d+", route.label)
    return (0, int(digits.group()), route.route_id) if digits else (1, 0, route.route_id)


def routes_at(session: Session, stop_ids: Iterable[str]) -> list[Route]:
    """Lines with a trip calling at one of the stops, in line order."""
    trips = select(StopTime.trip_id).where(StopTime.stop_id.in_(list(stop_ids)))
    route_ids = select(Trip.route_id).where(Trip.trip_id.in_(trips))
    return sorted(session.scalars(select(Route).where(Route.route_id.in_(route_ids))), key=line_order)


def lines_serving(session: Session, place: str) -> list[Route]:
    """The lines that stop at a place (清流县城 -> every line from the bus station)."""
    _place, stops = place_stops(session, place)
    return routes_at(session, (s.stop_id for s in stops))


def labels(routes: Iterable[Route]) -> str:
    return "、".join(r.label for r in routes) or "无"


def find_route(session: Session, route: str) -> Route:
    """A line by route_id, short name or long name (L01, 1路, 1); NotFound lists the lines."""
    text = (route or "").strip()
    if not text or len(text) > 64:
        raise InvalidInput("请告诉我线路名称，例如“1路”。")
    found = session.get(Route, text)
    if found is not None:
        return found
    routes = sorted(session.scalars(select(Route)), key=line_order)
    for candidate in (text, text + "路", text.upper()):
        for r in routes:
            if candidate in (r.short_name, r.long_name, r.route_id):
                return r
    raise NotFound(f"没有“{text}”这条线路。现有线路：{labels(routes)}。", route=text)


def route_named_in(session: Session, text: str) -> Route | None:
    """The line a message names by its label (清三线, 12路), the longest label first so 12路
    is not read as 2路; None when it names none."""
    routes = sorted(session.scalars(select(Route)), key=lambda r: -len(r.label))
    for route in routes:
        label = route.label
        at = text.find(label)
        if at >= 0 and not (label[:1].isdigit() and at > 0 and text[at - 1].isdigit()):
            return route
    return None


def check_aware(moment: datetime, what: str = "时间", zone: ZoneInfo | None = None) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidInput(f"{what}需要带时区，例如 2026-11-20T09:00:00+08:00。")
    return moment.astimezone(zone or local_tz())


def network_zone(session: Session) -> ZoneInfo:
    """The imported network's time zone (agency_timezone); TZ_NAME when there is none.
    Kept by the process until the network changes (backend/services/bus/network_cache.py)."""
    name = network_cache.shared(session, "network_zone", _read_zone_name)
    try:
        return ZoneInfo(name) if name else local_tz()
    except (ZoneInfoNotFoundError, ValueError):
        return local_tz()


def _read_zone_name(session: Session) -> str | None:
    return session.scalar(select(Agency.timezone).order_by(Agency.agency_id).limit(1))


def service_start(day: date, zone: tzinfo | None = None) -> datetime:
    """Midnight of a service day in the network's zone: GTFS times count from here.

    (GTFS counts from noon minus 12 h; the two differ only on days the clocks change.)
    """
    return datetime.combine(day, time(0), tzinfo=zone or local_tz())


def at_seconds(day: date, seconds: int, zone: tzinfo | None = None) -> datetime:
    return service_start(day, zone) + timedelta(seconds=seconds)


def calendar_span(session: Session) -> tuple[date, date] | None:
    """The first and last day the network's calendar covers (calendar.txt and added dates)."""
    low, high = session.execute(
        select(func.min(ServiceCalendar.start_date), func.max(ServiceCalendar.end_date))
    ).one()
    added_low, added_high = session.execute(
        select(func.min(ServiceException.date), func.max(ServiceException.date)).where(
            ServiceException.exception_type == 1
        )
    ).one()
    firsts = [d for d in (low, added_low) if d is not None]
    lasts = [d for d in (high, added_high) if d is not None]
    return (min(firsts), max(lasts)) if firsts and lasts else None


def outside_calendar(session: Session, first: date, last: date) -> str | None:
    """Why no bus runs from `first` to `last` when those days lie outside the calendar."""
    span = calendar_span(session)
    if span is None:
        return None
    if first > span[1]:
        return f"现有时刻表只排到{_day(span[1])}，{_day(first)}的班次还没有公布，请以车站通知为准。"
    if last < span[0]:
        return f"现有时刻表从{_day(span[0])}起才生效，{_day(first)}的班次还没有公布，请以车站通知为准。"
    return None


def _day(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def running_services(session: Session, day: date) -> set[str]:
    """service_ids that run on `day` (from the process's copy of the calendar)."""
    return set(network_cache.shared(session, "service_calendar", ServiceDays.read).running(day))


class ServiceDays:
    """calendar.txt and calendar_dates.txt of one network version, with the days asked so far."""

    MEMO_DAYS = 400

    def __init__(
        self,
        calendars: list[tuple[str, tuple[bool, ...], date, date]],
        exceptions: dict[date, list[tuple[str, int]]],
    ) -> None:
        self._calendars = calendars
        self._exceptions = exceptions
        self._memo: dict[date, frozenset[str]] = {}

    @classmethod
    def read(cls, session: Session) -> ServiceDays:
        calendars = [
            (c.service_id, tuple(bool(getattr(c, day)) for day in WEEKDAYS), c.start_date, c.end_date)
            for c in session.scalars(select(ServiceCalendar))
        ]
        exceptions: dict[date, list[tuple[str, int]]] = {}
        for exc in session.scalars(select(ServiceException)):
            exceptions.setdefault(exc.date, []).append((exc.service_id, exc.exception_type))
        return cls(calendars, exceptions)

    def running(self, day: date) -> frozenset[str]:
        found = self._memo.get(day)
        if found is None:
            ids = {
                sid
                for sid, days, start, end in self._calendars
                if start <= day <= end and days[day.weekday()]
            }
            for service_id, kind in self._exceptions.get(day, ()):
                if kind == 1:
                    ids.add(service_id)
                else:
                    ids.discard(service_id)
            if len(self._memo) >= self.MEMO_DAYS:
                self._memo.clear()
            found = self._memo[day] = frozenset(ids)
        return found


class FareTable:
    """fare_rules.txt with prices, for repeated lookups within one request."""

    def __init__(self, session: Session, route_ids: Iterable[str] | None = None) -> None:
        stmt = select(FareRule, FareAttribute.price, FareAttribute.currency).join(
            FareAttribute, FareRule.fare_id == FareAttribute.fare_id
        )
        if route_ids is not None:
            ids = list(route_ids)
            stmt = stmt.where((FareRule.route_id.in_(ids)) | (FareRule.route_id.is_(None)))
        self._rules: list[FareRow] | tuple[FareRow, ...] = [
            (rule.route_id, rule.origin_id, rule.destination_id, price, currency)
            for rule, price, currency in session.execute(stmt)
        ]

    @classmethod
    def of(cls, data: NetworkData, route_ids: Iterable[str]) -> FareTable:
        """The rules of these lines (and of every line) from the process's copy of the network."""
        ids = set(route_ids)
        table = cls.__new__(cls)
        table._rules = tuple(row for row in data.fare_rows if row[0] is None or row[0] in ids)
        return table

    def price(self, route_id: str, origin_zone: str | None, destination_zone: str | None) -> Decimal | None:
        quote = self.quote(route_id, origin_zone, destination_zone)
        return quote[0] if quote is not None else None

    def quote(
        self, route_id: str, origin_zone: str | None, destination_zone: str | None
    ) -> tuple[Decimal, str] | None:
        """(price, currency as the feed gives it, e.g. CNY) of the ride, or None if unpublished."""
        best: tuple[int, Decimal, str] | None = None
        for rule_route, rule_origin, rule_destination, price, currency in self._rules:
            wanted = (
                (rule_route, route_id),
                (rule_origin, origin_zone),
                (rule_destination, destination_zone),
            )
            if any(given is not None and given != actual for given, actual in wanted):
                continue
            specific = sum(given is not None for given, _actual in wanted)
            if best is None or (-specific, price) < (-best[0], best[1]):
                best = (specific, price, currency)
        return (Decimal(best[1]), best[2]) if best is not None else None
