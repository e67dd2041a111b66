"""Link bus stops to the gazetteer places they serve, so questions about places find stops.

A stop serves the place with its name, an alias or a short form of it (嵩口 -> 嵩口镇); else
the nearest place within 1.5 km; else none. `link_stops` links the stops still unlinked,
for when the gazetteer grows after a feed was imported.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.gtfs.records import Stop as FeedStop
from backend.models import Place, Stop
from backend.services.places.gazetteer import distance_km, gazetteer
from backend.services.places.match import normalize

LINK_RADIUS_KM = 1.5


def link_stops(session: Session) -> int:
    """Link stops that serve no place yet (the gazetteer grew since the import); returns how many."""
    link = place_linker(session)
    linked = 0
    for stop in session.scalars(select(Stop).where(Stop.place_id.is_(None))):
        place_id = link(FeedStop(stop.stop_id, stop.name, stop.lat, stop.lon))
        if place_id is not None:
            stop.place_id = place_id
            linked += 1
    session.flush()
    return linked


def place_linker(session: Session) -> Callable[[FeedStop], int | None]:
    """A function giving the id of the place a feed stop serves, or None."""
    gaz = gazetteer(session)
    places = list(session.execute(select(Place.id, Place.lat, Place.lon)))

    def link(stop: FeedStop) -> int | None:
        name = normalize(stop.stop_name or "")
        for table in (gaz.names, gaz.aliases, gaz.short):
            if name in table:
                return table[name]
        if stop.stop_lat is None or stop.stop_lon is None or not places:
            return None
        lat, lon = stop.stop_lat, stop.stop_lon
        km, place_id = min((distance_km(lat, lon, p.lat, p.lon), p.id) for p in places)
        return place_id if km <= LINK_RADIUS_KM else None

    return link
