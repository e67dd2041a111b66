"""Typed records of a validated GTFS static feed, one dataclass per file, plus the Feed holding them.

Field names are the GTFS column names, so an importer maps them one to one. Optional text is
``None`` when the cell is empty; times are seconds after midnight of the service day (they may
exceed 24 h), dates are ``datetime.date``, prices ``Decimal``. See https://gtfs.org/schedule/reference/.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from backend.gtfs.errors import GtfsWarning


@dataclass(frozen=True, slots=True)
class Agency:
    agency_id: str | None
    agency_name: str
    agency_url: str
    agency_timezone: str
    agency_lang: str | None = None
    agency_phone: str | None = None
    agency_fare_url: str | None = None
    agency_email: str | None = None


@dataclass(frozen=True, slots=True)
class Stop:
    """A stop (location_type 0), station (1), entrance (2), generic node (3) or boarding area (4)."""

    stop_id: str
    stop_name: str | None
    stop_lat: float | None
    stop_lon: float | None
    location_type: int = 0
    parent_station: str | None = None
    stop_code: str | None = None
    stop_desc: str | None = None
    zone_id: str | None = None
    stop_url: str | None = None
    stop_timezone: str | None = None
    wheelchair_boarding: int | None = None
    platform_code: str | None = None


@dataclass(frozen=True, slots=True)
class Route:
    route_id: str
    agency_id: str | None
    route_short_name: str | None
    route_long_name: str | None
    route_type: int
    route_desc: str | None = None
    route_url: str | None = None
    route_color: str | None = None
    route_text_color: str | None = None
    route_sort_order: int | None = None


@dataclass(frozen=True, slots=True)
class Trip:
    route_id: str
    service_id: str
    trip_id: str
    trip_headsign: str | None = None
    trip_short_name: str | None = None
    direction_id: int | None = None
    block_id: str | None = None
    shape_id: str | None = None
    wheelchair_accessible: int | None = None
    bikes_allowed: int | None = None


@dataclass(frozen=True, slots=True)
class StopTime:
    """One call of a trip at a stop; times are None only at untimed intermediate stops."""

    trip_id: str
    arrival_time: int | None
    departure_time: int | None
    stop_id: str
    stop_sequence: int
    stop_headsign: str | None = None
    pickup_type: int = 0
    drop_off_type: int = 0
    shape_dist_traveled: float | None = None
    timepoint: int | None = None


@dataclass(frozen=True, slots=True)
class Calendar:
    service_id: str
    monday: bool
    tuesday: bool
    wednesday: bool
    thursday: bool
    friday: bool
    saturday: bool
    sunday: bool
    start_date: date
    end_date: date

    @property
    def weekdays(self) -> tuple[bool, bool, bool, bool, bool, bool, bool]:
        """Monday first, like ``date.weekday()``."""
        return (
            self.monday,
            self.tuesday,
            self.wednesday,
            self.thursday,
            self.friday,
            self.saturday,
            self.sunday,
        )


@dataclass(frozen=True, slots=True)
class CalendarDate:
    service_id: str
    date: date
    exception_type: int  # 1: service added on this date, 2: removed


@dataclass(frozen=True, slots=True)
class FareAttribute:
    fare_id: str
    price: Decimal
    currency_type: str
    payment_method: int  # 0: paid on board, 1: before boarding
    transfers: int | None  # None: unlimited
    agency_id: str | None = None
    transfer_duration: int | None = None


@dataclass(frozen=True, slots=True)
class FareRule:
    fare_id: str
    route_id: str | None = None
    origin_id: str | None = None
    destination_id: str | None = None
    contains_id: str | None = None


@dataclass(frozen=True, slots=True)
class FeedInfo:
    feed_publisher_name: str
    feed_publisher_url: str
    feed_lang: str
    default_lang: str | None = None
    feed_start_date: date | None = None
    feed_end_date: date | None = None
    feed_version: str | None = None
    feed_contact_email: str | None = None
    feed_contact_url: str | None = None


@dataclass(frozen=True, slots=True)
class Frequency:
    """frequencies.txt: the trip's stop times are a pattern repeated every ``headway_secs`` from
    ``start_time`` (inclusive) to ``end_time`` (exclusive); exact_times 1 = runs leave exactly
    then, 0 = about that often (headway-based, times approximate)."""

    trip_id: str
    start_time: int
    end_time: int
    headway_secs: int
    exact_times: int = 0


@dataclass(frozen=True, slots=True)
class Transfer:
    """transfers.txt: 0 recommended, 1 timed, 2 needs min_transfer_time, 3 impossible,
    4 in-seat, 5 re-board (4 and 5 between trips)."""

    from_stop_id: str | None
    to_stop_id: str | None
    transfer_type: int
    min_transfer_time: int | None = None
    from_route_id: str | None = None
    to_route_id: str | None = None
    from_trip_id: str | None = None
    to_trip_id: str | None = None


@dataclass(slots=True)
class Feed:
    """A whole validated feed. ``stop_times`` are grouped by trip (trips.txt order), by stop_sequence."""

    agencies: list[Agency]
    stops: list[Stop]
    routes: list[Route]
    trips: list[Trip]
    stop_times: list[StopTime]
    calendars: list[Calendar] = field(default_factory=list)
    calendar_dates: list[CalendarDate] = field(default_factory=list)
    fare_attributes: list[FareAttribute] = field(default_factory=list)
    fare_rules: list[FareRule] = field(default_factory=list)
    feed_info: FeedInfo | None = None
    frequencies: list[Frequency] = field(default_factory=list)
    transfers: list[Transfer] = field(default_factory=list)
    shape_ids: set[str] = field(default_factory=set)
    warnings: list[GtfsWarning] = field(default_factory=list)

    def service_span(self) -> tuple[date, date] | None:
        """The first and last day any service runs per calendar.txt and added calendar_dates."""
        days = [c.start_date for c in self.calendars] + [c.end_date for c in self.calendars]
        days += [d.date for d in self.calendar_dates if d.exception_type == 1]
        return (min(days), max(days)) if days else None

    def stop_times_by_trip(self) -> dict[str, list[StopTime]]:
        grouped: dict[str, list[StopTime]] = defaultdict(list)
        for st in self.stop_times:
            grouped[st.trip_id].append(st)
        return dict(grouped)

    def service_runs(self, service_id: str, day: date) -> bool:
        """Whether the service operates on the day: calendar.txt, overridden by calendar_dates.txt."""
        for exc in self.calendar_dates:
            if exc.service_id == service_id and exc.date == day:
                return exc.exception_type == 1
        return any(
            cal.service_id == service_id
            and cal.start_date <= day <= cal.end_date
            and cal.weekdays[day.weekday()]
            for cal in self.calendars
        )
