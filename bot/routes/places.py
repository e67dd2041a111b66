"""Public gazetteer API: `GET /api/places?q=` searches place names (homophones and typed
pinyin welcome: 松口, songkou); `?lat=&lon=` lists the nearest places instead. No sign-in:
place names are public facts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from backend.errors import InvalidInput
from backend.models import Place
from backend.services.places.gazetteer import nearest_places, search_places
from bot.deps import SessionDep

router = APIRouter(prefix="/api/places", tags=["places"])


class PlaceOut(BaseModel):
    name: str
    kind: str
    township: str | None
    lat: float
    lon: float
    score: float | None = None
    distance_km: float | None = None


def place_out(place: Place, *, score: float | None = None, distance_km: float | None = None) -> PlaceOut:
    return PlaceOut(
        name=place.name,
        kind=place.kind,
        township=place.township,
        lat=place.lat,
        lon=place.lon,
        score=score,
        distance_km=distance_km,
    )


@router.get("")
def places(
    session: SessionDep,
    q: Annotated[str | None, Query(description="地名，可以是同音字或拼音，如 松口、songkou")] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> list[PlaceOut]:
    if q is not None:
        return [place_out(p, score=score) for p, score in search_places(session, q, limit)]
    if lat is not None and lon is not None:
        return [place_out(p, distance_km=km) for p, km in nearest_places(session, lat, lon, limit)]
    raise InvalidInput("请提供 q（地名）或 lat 和 lon（坐标）。")
