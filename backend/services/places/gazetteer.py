"""The gazetteer service: turn what a person wrote or said into a `Place`.

`resolve_place` tries, in order: the exact name, a recorded alias (PlaceAlias), a short
form (嵩口 -> 嵩口镇, 清流 -> 清流县城; a township wins over its seat village), then a
sound-alike match (松口 -> 嵩口镇, 田园 -> 田源乡, "songkou") that is accepted only when one
place is clearly best; otherwise it raises `UnknownPlace` with the closest guesses.
`search_places` ranks places for a query, `nearest_places` by distance. The gazetteer is
kept in memory by the process (backend/services/bus/network_cache.py: checked once per
transaction against the network version, rebuilt after any change to places), and
resolved places join the session from that copy without a query.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from backend.errors import InvalidInput, UnknownPlace
from backend.models import Place, PlaceAlias
from backend.services.bus import network_cache
from backend.services.places.match import name_similarity, normalize, short_forms, strip_suffix

logger = logging.getLogger(__name__)

MAX_NAME_CHARS = 50
ACCEPT_SCORE = 0.8
ACCEPT_MARGIN = 0.1
GUESS_SCORE = 0.4
SHARED_SHORT_FORM_WEIGHT = 0.85
STRIPPED_QUERY_PENALTY = 0.05
MEMO_SIZE = 1024
EARTH_RADIUS_KM = 6371.0
VILLAGE_DETAIL = re.compile(r"[\u4e00-\u9fff]{1,6}(村|组|队)([0-9]{1,3}(组|队))?|[0-9一二三四五六七八九十]{1,3}(组|队)")
"""What may follow a township or village: a village or group it holds (上坪村, 上坪村3组, 3组)."""
KIND_PRIORITY = {"county_seat": 0, "township": 1, "external": 2, "village": 3, "landmark": 4}
_CACHE_KEY = "cuntong.gazetteer"
_HELD_KEY = "cuntong.gazetteer.places"  # resolved places kept alive for the session


@dataclass(frozen=True)
class _Key:
    text: str
    place_id: int
    weight: float


@dataclass(frozen=True)
class Gazetteer:
    """Lookup tables over one snapshot of the places and aliases tables."""

    names: dict[str, int]
    aliases: dict[str, int]
    short: dict[str, int]
    keys: tuple[_Key, ...]
    labels: dict[int, str]

    memo: dict[str, dict[int, float]] = field(default_factory=dict, compare=False, hash=False)

    def scores(self, query: str) -> dict[int, float]:
        """Best score per place id for a normalized query (remembered per snapshot)."""
        known = self.memo.get(query)
        if known is not None:
            return dict(known)
        best: dict[int, float] = {}
        stripped = strip_suffix(query)
        for key in self.keys:
            score = name_similarity(query, key.text, GUESS_SCORE)
            if stripped is not None and score < 1.0:
                score = max(score, name_similarity(stripped, key.text, GUESS_SCORE) - STRIPPED_QUERY_PENALTY)
            score *= key.weight
            if score > best.get(key.place_id, 0.0):
                best[key.place_id] = score
        if len(self.memo) >= MEMO_SIZE:
            self.memo.clear()
        self.memo[query] = best
        return dict(best)


PlaceRow = tuple[int, str, str, float, float]
AliasRow = tuple[int, str]


@lru_cache(maxsize=32)
def _build(places: tuple[PlaceRow, ...], aliases: tuple[AliasRow, ...]) -> Gazetteer:
    names = {normalize(name): pid for pid, name, _kind, _lat, _lon in places}
    alias_map = {normalize(alias): pid for pid, alias in aliases}
    kinds = {pid: kind for pid, _name, kind, _lat, _lon in places}
    owners: dict[str, list[int]] = {}
    for pid, name, kind, _lat, _lon in places:
        for form in short_forms(normalize(name), kind):
            owners.setdefault(form, []).append(pid)
    short: dict[str, int] = {}
    keys = [_Key(text, pid, 1.0) for text, pid in (*names.items(), *alias_map.items())]
    for form, pids in owners.items():
        pids.sort(key=lambda pid: (KIND_PRIORITY.get(kinds[pid], 9), pid))
        if form not in names and form not in alias_map:
            short[form] = pids[0]
        keys.append(_Key(form, pids[0], 1.0))
        keys.extend(_Key(form, pid, SHARED_SHORT_FORM_WEIGHT) for pid in pids[1:])
    labels = {pid: name for pid, name, _kind, _lat, _lon in places}
    return Gazetteer(names, alias_map, short, tuple(keys), labels)


@dataclass(frozen=True)
class _Snapshot:
    gazetteer: Gazetteer
    places: dict[int, Place]  # detached copies, joined to a session by `_place`


def _read(session: Session) -> _Snapshot:
    rows = session.execute(
        select(Place.id, Place.name, Place.kind, Place.township, Place.lat, Place.lon).order_by(Place.id)
    ).all()
    aliases = tuple(
        (pid, alias)
        for pid, alias in session.execute(
            select(PlaceAlias.place_id, PlaceAlias.alias).order_by(PlaceAlias.id)
        )
    )
    places: dict[int, Place] = {}
    for pid, name, kind, township, lat, lon in rows:
        copy = Place(id=pid, name=name, kind=kind, township=township, lat=lat, lon=lon)
        make_transient_to_detached(copy)
        places[pid] = copy
    built = _build(tuple((pid, name, kind, lat, lon) for pid, name, kind, _t, lat, lon in rows), aliases)
    return _Snapshot(built, places)


def _snapshot(session: Session) -> _Snapshot:
    """The gazetteer as this transaction sees it (the process's copy unless it wrote places)."""
    cached = session.info.get(_CACHE_KEY)
    if cached is None:
        cached = session.info[_CACHE_KEY] = network_cache.shared(session, "gazetteer", _read)
    return cached  # type: ignore[no-any-return]


def gazetteer(session: Session) -> Gazetteer:
    return _snapshot(session).gazetteer


def places_by_id(session: Session) -> dict[int, Place]:
    """Every place by id, as detached read-only copies (for lookups, not for changing)."""
    return _snapshot(session).places


@event.listens_for(Session, "after_flush")
def _forget_after_flush(session: Session, _context: Any) -> None:
    if _CACHE_KEY in session.info and any(
        isinstance(obj, Place | PlaceAlias) for obj in (*session.new, *session.dirty, *session.deleted)
    ):
        _forget(session)


@event.listens_for(Session, "do_orm_execute")
def _forget_after_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        _forget(state.session)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, _previous: Any) -> None:
    _forget(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_after_transaction(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the session's own transaction ended: others may write now
        _forget(session)


def _clean(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("请告诉我地点名称。")
    if len(name.strip()) > MAX_NAME_CHARS:
        raise InvalidInput(f"地点名称太长了（最多{MAX_NAME_CHARS}个字），请只说地名。")
    query = normalize(name)
    if not query:
        raise InvalidInput("请告诉我地点名称。")
    return query


def _forget(session: Session) -> None:
    session.info.pop(_CACHE_KEY, None)
    session.info.pop(_HELD_KEY, None)


def _place(session: Session, place_id: int, name: str) -> Place:
    held: dict[int, Place] = session.info.setdefault(_HELD_KEY, {})
    place = held.get(place_id) or _attached(session, place_id)
    if place is None:  # deleted since the snapshot was read
        _forget(session)
        raise UnknownPlace(name.strip(), [])
    held[place_id] = place
    return place


def _attached(session: Session, place_id: int) -> Place | None:
    """The place in this session: the one it holds, else the process's copy merged in
    without a query, else read."""
    existing = session.identity_map.get(identity_key(Place, place_id))
    if existing is not None:
        return existing  # type: ignore[no-any-return]
    copy = _snapshot(session).places.get(place_id)
    if copy is not None and copy not in session:
        return session.merge(copy, load=False)
    return session.get(Place, place_id)


def resolve_place(session: Session, name: str) -> Place:
    """The gazetteer place meant by `name`; `UnknownPlace` (with guesses) when unsure.
    A township or village followed by a village the gazetteer lacks (嵩口镇上坪村) is that
    township or village: see `resolve_address` for the part after it."""
    return resolve_address(session, name)[0]


def resolve_address(session: Session, name: str) -> tuple[Place, str]:
    """The gazetteer place meant by `name`, and what `name` says beyond it: 嵩口镇上坪村 ->
    (嵩口镇, "上坪村"); 溪源村3组 -> (溪源村, "3组"); 县医院 -> (清流县医院, "")."""
    query = _clean(name)
    gaz = gazetteer(session)
    for table in (gaz.names, gaz.aliases, gaz.short):
        if query in table:
            return _place(session, table[query], name), ""
    for cut in range(len(query) - 1, 1, -1):
        head, detail = query[:cut], query[cut:]
        place_id = gaz.names.get(head) or gaz.aliases.get(head) or gaz.short.get(head)
        if place_id is None or not VILLAGE_DETAIL.fullmatch(detail):
            continue
        place = _place(session, place_id, name)
        if place.kind not in ("township", "village"):
            continue
        inner = gaz.names.get(detail) or gaz.aliases.get(detail)
        if inner is not None and _place(session, inner, name).township == place.name:
            return _place(session, inner, name), ""  # 嵩口镇溪源村: the listed village itself
        return place, detail
    return _fuzzy(session, gaz, query, name), ""


def _fuzzy(session: Session, gaz: Gazetteer, query: str, name: str) -> Place:
    ranked = sorted(gaz.scores(query).items(), key=lambda item: (-item[1], item[0]))
    if ranked and ranked[0][1] >= ACCEPT_SCORE:
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        if ranked[0][1] - runner_up >= ACCEPT_MARGIN:
            logger.debug("resolved %r as place %s (score %.2f)", name, ranked[0][0], ranked[0][1])
            return _place(session, ranked[0][0], name)
    guesses = [gaz.labels[pid] for pid, score in ranked[:3] if score >= GUESS_SCORE]
    raise UnknownPlace(name.strip(), guesses)


def _load(session: Session, ids: list[int]) -> list[Place]:
    if not ids:
        return []
    found = {p.id: p for p in session.scalars(select(Place).where(Place.id.in_(ids)))}
    return [found[pid] for pid in ids if pid in found]


def search_places(session: Session, q: str, limit: int = 5) -> list[tuple[Place, float]]:
    """Places ranked by how well they match `q` (Chinese or typed pinyin), best first."""
    query = _clean(q)
    if not 1 <= limit <= 50:
        raise InvalidInput("limit 应在 1 到 50 之间。")
    gaz = gazetteer(session)
    scores = gaz.scores(query)
    for table in (gaz.names, gaz.aliases):
        if query in table:
            scores[table[query]] = 1.0
    if query in gaz.short:
        scores[gaz.short[query]] = max(scores.get(gaz.short[query], 0.0), 0.99)
    ranked = sorted(
        ((pid, score) for pid, score in scores.items() if score >= GUESS_SCORE),
        key=lambda item: (-item[1], item[0]),
    )[:limit]
    places = {p.id: p for p in _load(session, [pid for pid, _ in ranked])}
    return [(places[pid], round(score, 3)) for pid, score in ranked if pid in places]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def check_coordinates(lat: float, lon: float) -> None:
    if not (isinstance(lat, int | float) and isinstance(lon, int | float)):
        raise InvalidInput("坐标必须是数字。")
    if not (math.isfinite(lat) and math.isfinite(lon)) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidInput(f"坐标无效：纬度 {lat}，经度 {lon}。")


def nearest_places(
    session: Session, lat: float, lon: float, limit: int = 5, *, kinds: tuple[str, ...] | None = None
) -> list[tuple[Place, float]]:
    """The `limit` places nearest to a point, with their distance in km, nearest first."""
    check_coordinates(lat, lon)
    if not 1 <= limit <= 50:
        raise InvalidInput("limit 应在 1 到 50 之间。")
    stmt = select(Place)
    if kinds:
        stmt = stmt.where(Place.kind.in_(kinds))
    ranked = sorted(
        ((p, distance_km(lat, lon, p.lat, p.lon)) for p in session.scalars(stmt)),
        key=lambda item: (item[1], item[0].id),
    )
    return [(p, round(d, 3)) for p, d in ranked[:limit]]
