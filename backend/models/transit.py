"""The scheduled bus network, as imported from GTFS, plus disruption notices.

Times of day are seconds after midnight of the service day (GTFS allows > 24 h).
Stops link to the gazetteer place they serve, so questions about places find stops.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, UTCDateTime


class Agency(Base):
    __tablename__ = "gtfs_agencies"

    agency_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str | None] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str | None] = mapped_column(String(40))


class Stop(Base):
    __tablename__ = "gtfs_stops"

    stop_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    lat: Mapped[float]
    lon: Mapped[float]
    zone_id: Mapped[str | None] = mapped_column(String(64))
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)


class Route(Base):
    __tablename__ = "gtfs_routes"

    route_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("gtfs_agencies.agency_id"))
    short_name: Mapped[str | None] = mapped_column(String(50))
    long_name: Mapped[str | None] = mapped_column(String(200))
    route_type: Mapped[int] = mapped_column(Integer, default=3)

    @property
    def label(self) -> str:
        return self.short_name or self.long_name or self.route_id


class ServiceCalendar(Base):
    __tablename__ = "gtfs_calendar"

    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    monday: Mapped[bool] = mapped_column(Boolean)
    tuesday: Mapped[bool] = mapped_column(Boolean)
    wednesday: Mapped[bool] = mapped_column(Boolean)
    thursday: Mapped[bool] = mapped_column(Boolean)
    friday: Mapped[bool] = mapped_column(Boolean)
    saturday: Mapped[bool] = mapped_column(Boolean)
    sunday: Mapped[bool] = mapped_column(Boolean)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)


class ServiceException(Base):
    """calendar_dates.txt: 1 = service added on that date, 2 = removed."""

    __tablename__ = "gtfs_calendar_dates"

    service_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    exception_type: Mapped[int] = mapped_column(Integer)


class Trip(Base):
    __tablename__ = "gtfs_trips"

    trip_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    route_id: Mapped[str] = mapped_column(ForeignKey("gtfs_routes.route_id"), index=True)
    service_id: Mapped[str] = mapped_column(String(64), index=True)
    headsign: Mapped[str | None] = mapped_column(String(100))
    direction_id: Mapped[int | None] = mapped_column(Integer)

    route: Mapped[Route] = relationship(lazy="joined")
    stop_times: Mapped[list[StopTime]] = relationship(
        order_by="StopTime.stop_sequence", back_populates="trip"
    )


class StopTime(Base):
    __tablename__ = "gtfs_stop_times"

    trip_id: Mapped[str] = mapped_column(ForeignKey("gtfs_trips.trip_id"), primary_key=True)
    stop_sequence: Mapped[int] = mapped_column(Integer, primary_key=True)
    stop_id: Mapped[str] = mapped_column(ForeignKey("gtfs_stops.stop_id"), index=True)
    arrival_s: Mapped[int] = mapped_column(Integer)
    departure_s: Mapped[int] = mapped_column(Integer)
    # 0 regular, 1 none, 2 phone the agency, 3 coordinate with the driver
    pickup_type: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    drop_off_type: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    trip: Mapped[Trip] = relationship(back_populates="stop_times")
    stop: Mapped[Stop] = relationship(lazy="joined")


class Frequency(Base):
    """frequencies.txt: the trip's times are a pattern run every `headway_s` seconds, first
    leaving at `start_s` and last before `end_s`; `exact_times` False = about that often."""

    __tablename__ = "gtfs_frequencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    trip_id: Mapped[str] = mapped_column(ForeignKey("gtfs_trips.trip_id"), index=True)
    start_s: Mapped[int] = mapped_column(Integer)
    end_s: Mapped[int] = mapped_column(Integer)
    headway_s: Mapped[int] = mapped_column(Integer)
    exact_times: Mapped[bool] = mapped_column(Boolean)


class Transfer(Base):
    """transfers.txt, for journey planning: 0 recommended, 1 timed, 2 min_transfer_time,
    3 impossible, 4 in-seat, 5 re-board."""

    __tablename__ = "gtfs_transfers"

    id: Mapped[int] = mapped_column(primary_key=True)
    from_stop_id: Mapped[str | None] = mapped_column(String(64), index=True)
    to_stop_id: Mapped[str | None] = mapped_column(String(64))
    from_route_id: Mapped[str | None] = mapped_column(String(64))
    to_route_id: Mapped[str | None] = mapped_column(String(64))
    from_trip_id: Mapped[str | None] = mapped_column(String(64))
    to_trip_id: Mapped[str | None] = mapped_column(String(64))
    transfer_type: Mapped[int] = mapped_column(Integer)
    min_transfer_time: Mapped[int | None] = mapped_column(Integer)


class FeedInfo(Base):
    """The imported feed: who published it, the dates it claims (feed_info.txt) and the days
    its calendar covers, so stale or not-yet-valid timetables can be told apart."""

    __tablename__ = "gtfs_feed_info"

    id: Mapped[int] = mapped_column(primary_key=True)
    publisher: Mapped[str | None] = mapped_column(String(100))
    version: Mapped[str | None] = mapped_column(String(64))
    feed_start: Mapped[date | None] = mapped_column(Date)
    feed_end: Mapped[date | None] = mapped_column(Date)
    service_start: Mapped[date | None] = mapped_column(Date)
    service_end: Mapped[date | None] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FareAttribute(Base):
    __tablename__ = "gtfs_fare_attributes"

    fare_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    price: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    currency: Mapped[str] = mapped_column(String(3), default="CNY")


class FareRule(Base):
    __tablename__ = "gtfs_fare_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    fare_id: Mapped[str] = mapped_column(ForeignKey("gtfs_fare_attributes.fare_id"), index=True)
    route_id: Mapped[str | None] = mapped_column(String(64))
    origin_id: Mapped[str | None] = mapped_column(String(64))
    destination_id: Mapped[str | None] = mapped_column(String(64))


class Disruption(Base):
    """A service-disruption notice (停运/改线) for one line or the whole network."""

    __tablename__ = "disruptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    route_id: Mapped[str | None] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
