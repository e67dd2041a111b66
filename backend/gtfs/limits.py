"""What the database columns hold, so `validate` refuses exactly what `import` could not store.

Text longer than its column, a price of a million or more or with more than two decimals,
and a whole number past the 32-bit range would otherwise fail only when written (on
PostgreSQL: a raw database error). The reader checks every value it reads against these.
"""

from __future__ import annotations

from decimal import Decimal

MAX_INT = 2**31 - 1  # INTEGER on PostgreSQL
MAX_PRICE = Decimal("999999.99")  # NUMERIC(8, 2)
ID = 64

LIMITS: dict[tuple[str, str], int] = {  # (file, column): longest value the column holds
    ("agency.txt", "agency_id"): ID,
    ("agency.txt", "agency_name"): 100,
    ("agency.txt", "agency_url"): 200,
    ("agency.txt", "agency_timezone"): 40,
    ("agency.txt", "agency_phone"): 40,
    ("stops.txt", "stop_id"): ID,
    ("stops.txt", "stop_name"): 100,
    ("stops.txt", "zone_id"): ID,
    ("stops.txt", "parent_station"): ID,
    ("routes.txt", "route_id"): ID,
    ("routes.txt", "agency_id"): ID,
    ("routes.txt", "route_short_name"): 50,
    ("routes.txt", "route_long_name"): 200,
    ("trips.txt", "route_id"): ID,
    ("trips.txt", "trip_id"): ID,
    ("trips.txt", "service_id"): ID,
    ("trips.txt", "trip_headsign"): 100,
    ("calendar.txt", "service_id"): ID,
    ("calendar_dates.txt", "service_id"): ID,
    ("stop_times.txt", "trip_id"): ID,
    ("stop_times.txt", "stop_id"): ID,
    ("fare_attributes.txt", "fare_id"): ID,
    ("fare_attributes.txt", "agency_id"): ID,
    ("fare_rules.txt", "fare_id"): ID,
    ("fare_rules.txt", "route_id"): ID,
    ("fare_rules.txt", "origin_id"): ID,
    ("fare_rules.txt", "destination_id"): ID,
    ("fare_rules.txt", "contains_id"): ID,
    ("frequencies.txt", "trip_id"): ID,
    ("transfers.txt", "from_stop_id"): ID,
    ("transfers.txt", "to_stop_id"): ID,
    ("transfers.txt", "from_route_id"): ID,
    ("transfers.txt", "to_route_id"): ID,
    ("transfers.txt", "from_trip_id"): ID,
    ("transfers.txt", "to_trip_id"): ID,
    ("feed_info.txt", "feed_publisher_name"): 100,
    ("feed_info.txt", "feed_version"): ID,
}
