"""Runs the deterministic extractors over a message and settles their overlaps.

Identifiers (plates, booking and ticket ids, tracking numbers, phone numbers) come first,
then times, places and head counts; within a family the longer span wins. A carrier that
an identifier's format implies shares the tracking number's span and is kept beside it.
The result is a list of non-overlapping entities (except that carrier) in text order.
"""

from __future__ import annotations

from datetime import datetime

from nlu.extractors.base import Entity, EntityExtractor
from nlu.extractors.identifiers import IdentifierExtractor
from nlu.extractors.numbers import PassengerExtractor
from nlu.extractors.places import PlaceExtractor
from nlu.extractors.time import TimeExtractor
from nlu.gazetteer import Gazetteer

_PRIORITY = {
    "plate": 0,
    "booking_id": 0,
    "ticket_id": 0,
    "tracking_no": 0,
    "phone": 0,
    "carrier": 1,
    "time": 2,
    "place": 3,
    "passengers": 4,
}


def settle_overlaps(entities: list[Entity]) -> list[Entity]:
    """Keep the preferred entity wherever spans overlap (see the module docstring)."""
    ranked = sorted(
        entities, key=lambda e: (_PRIORITY.get(e.entity, 9), e.start - e.end, -e.confidence, e.start)
    )
    kept: list[Entity] = []
    for ent in ranked:
        clash = False
        for other in kept:
            if ent.start < other.end and other.start < ent.end:
                same_span = (ent.start, ent.end) == (other.start, other.end)
                pair = {ent.entity, other.entity}
                if not (same_span and pair == {"carrier", "tracking_no"}):
                    clash = True
                    break
        if not clash:
            kept.append(ent)
    return sorted(kept, key=lambda e: (e.start, e.end, e.entity))


class ExtractorSet:
    """All deterministic extractors of the pipeline, built from one gazetteer."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._extractors: list[EntityExtractor] = [
            IdentifierExtractor(),
            TimeExtractor(),
            PlaceExtractor(gazetteer),
            PassengerExtractor(),
        ]

    def extract(self, text: str, *, now: datetime) -> list[Entity]:
        found: list[Entity] = []
        for extractor in self._extractors:
            found.extend(extractor.extract(text, now=now))
        return settle_overlaps(found)
