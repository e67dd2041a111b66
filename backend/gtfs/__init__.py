"""GTFS static feeds: a pure reader and validator (folder or .zip in, typed ``Feed`` out).

The database importer builds on ``read_feed``; nothing here touches the database.
"""

from backend.gtfs.errors import GtfsError, GtfsWarning
from backend.gtfs.reader import read_feed
from backend.gtfs.records import (
    Agency,
    Calendar,
    CalendarDate,
    FareAttribute,
    FareRule,
    Feed,
    FeedInfo,
    Frequency,
    Route,
    Stop,
    StopTime,
    Transfer,
    Trip,
)

__all__ = [
    "Agency",
    "Calendar",
    "CalendarDate",
    "FareAttribute",
    "FareRule",
    "Feed",
    "FeedInfo",
    "Frequency",
    "GtfsError",
    "GtfsWarning",
    "Route",
    "Stop",
    "StopTime",
    "Transfer",
    "Trip",
    "read_feed",
]
