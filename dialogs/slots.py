"""Slots: what a form needs to know, where a value comes from in a parse, and how each
kind of value is checked against the backend before it is kept.

Kinds: `place` (resolved through the gazetteer; unknown -> the best guesses as numbered
options), `time` (kept as ISO text with its grain; a clock time said after a date keeps
the date: 明天 … 8点 -> 明天8点), `count`, `phone`, `text` (the message as written),
`choice` (a numbered option), `tracking`, `plate`, `booking`, `ticket`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from backend.errors import BackendError, UnknownPlace
from backend.localtime import to_local
from backend.services.citizens.identities import normalise_mobile
from backend.services.complaints.records import normalise_plate
from backend.services.parcels.tracking_numbers import validate_tracking_no
from backend.services.places import gazetteer as places
from dialogs.understanding import Entity, Parse

PLACE_ENTITIES = ("origin", "destination", "place")
PLACE_KINDS = ("place", "school", "address")
_ID_PATTERNS = {"booking": re.compile(r"B\d{12}"), "ticket": re.compile(r"C\d{11}")}
DATE_WORDS = re.compile(r"[今明后前昨]天|[今明后]早|大后天|号|日|月|周|星期|礼拜|年|初|十五")
_PLACE_FILLER = re.compile(
    r"^(我)?(在|从|到|去|回|是|就|寄到|寄往|寄去|送到|发到)+|(出发|上车|下车|走|去|那里|那边|这里|吧|啊|呀)+$"
)
_NUMERALS = {
    "一": 1,
    "两": 2,
    "俩": 2,
    "二": 2,
    "三": 3,
    "仨": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_COUNT = re.compile(r"^(\d{1,3}|[一两俩二三仨四五六七八九十])(个|位|个人|人|口人)?$")
_PHONE = re.compile(r"1[3-9]\d{9}")
# said right after a time, it makes the time an arrival deadline: 10点前到, 8点要到县医院, 9点之前赶到
ARRIVE_AFTER = re.compile(r"^\s*(钟)?(之前|以前|前)(要|得|能|就)?(赶)?到|^\s*(钟)?(要|得|必须|需要)(赶)?到")
ARRIVE_BEFORE = re.compile(r"(赶在|要在|得在|必须在)\s*$")
CLOSE_GUESS = 0.7
_TRACKING = re.compile(r"[A-Za-z]{0,4}\d{8,20}[A-Za-z]{0,2}")


@dataclass(frozen=True)
class Slot:
    name: str
    kind: str
    ask: str  # text key of the question
    entities: tuple[str, ...] = ()
    optional: bool = False  # may be skipped (没有 / 不清楚)
    words: tuple[str, ...] = ()  # how a citizen names it in a correction (改时间, 人数不对)

    @property
    def expect(self) -> str | None:
        """The slot name to tell the NLU, so a bare answer is labelled as this slot."""
        if self.kind in ("text", "choice", "booking"):
            return None
        return self.entities[0] if self.entities else None


@dataclass
class Outcome:
    """The result of checking one candidate value."""

    ok: bool
    value: Any = None
    problem: str | None = None  # text key
    values: dict[str, Any] | None = None  # for the problem text
    options: list[tuple[str, str]] | None = None  # numbered guesses (title, value)

    @classmethod
    def good(cls, value: Any) -> Outcome:
        return cls(ok=True, value=value)

    @classmethod
    def bad(cls, problem: str, *, options: list[tuple[str, str]] | None = None, **values: Any) -> Outcome:
        return cls(ok=False, problem=problem, values=values, options=options)


def candidate(parse: Parse, slot: Slot, *, requested: bool, claimed: frozenset[str] = frozenset()) -> Any:
    """The raw value the parse offers for `slot`, or None.

    An asked-for place slot also takes a place the NLU gave another role, unless another
    slot of the form claims that role (去县城 answering 从哪里出发 is not the origin).
    """
    if slot.kind == "address" and requested:
        written = _PLACE_FILLER.sub("", parse.bare)  # 福州市鼓楼区 as written, not just 福州市
        if 2 <= len(written) <= 50 and not written.isdigit():
            return written
    found = parse.first(*slot.entities) if slot.entities else None
    if slot.kind in PLACE_KINDS and found is None and requested:
        places_said = parse.all(*PLACE_ENTITIES)
        free = [e for e in places_said if e.entity not in claimed]
        if places_said and not free:
            return None  # 去县城 answering 从哪里出发: the place belongs to another slot
        found = free[0] if len(free) == 1 else None
    if found is not None:
        return _entity_value(parse, found, slot)
    if not requested:
        return None
    bare = parse.bare
    if slot.kind in ("text", "parcel", "ref", "choice", "code"):
        return parse.text.strip() or None
    if slot.kind in PLACE_KINDS and 0 < len(bare) <= 12 and not bare.isdigit():
        name = _PLACE_FILLER.sub("", bare)
        return name or None
    if slot.kind == "count":
        match = _COUNT.fullmatch(bare)
        if match:
            word = match.group(1)
            return int(word) if word.isdigit() else _NUMERALS[word]
    if slot.kind == "phone":
        mobile = normalise_mobile(bare)
        if mobile:
            return mobile
        match = _PHONE.search(bare)
        return match.group(0) if match else (bare if bare.isdigit() else None)
    if slot.kind == "tracking":
        match = _TRACKING.search(bare)
        return match.group(0).upper() if match else None
    if slot.kind in _ID_PATTERNS:
        match = _ID_PATTERNS[slot.kind].search(bare.upper())
        return match.group(0) if match else None
    return None


def _entity_value(parse: Parse, entity: Entity, slot: Slot) -> Any:
    if slot.kind == "time":
        value = {"value": str(entity.value), "grain": entity.grain or "minute", "said": parse.span(entity)}
        if arrives_by(parse.text, entity):
            value["arrive"] = True
        return value
    if slot.kind == "count":
        try:
            return int(entity.value)
        except (TypeError, ValueError):
            return None
    return entity.value


def arrives_by(text: str, entity: Entity) -> bool:
    """The time is an arrival deadline (10点前到 / 8点要到县医院 / 赶在9点前到)."""
    before, after = text[: entity.start], text[entity.end :]
    return bool(ARRIVE_AFTER.search(after)) or (bool(ARRIVE_BEFORE.search(before)) and "到" in after[:6])


def check_place(
    session: Any, raw: Any, *, keep_detail: bool = False, village: str | None = None, replacing: Any = None
) -> Outcome:
    """The gazetteer's name for a place said. `keep_detail`: a village the gazetteer lacks,
    said after its township (嵩口镇上坪村), stays in the value, and `village` (a name the
    gazetteer did not know, said before) is added to a township given for it. An unlisted
    village said instead of another one (`replacing` 嵩口镇上坪村, 不是上坪村，是下坪村) is in
    the same township."""
    name = str(raw or "").strip()
    if not name:
        return Outcome.bad("place_unknown", name=name)
    try:
        place, detail = places.resolve_address(session, name)
    except UnknownPlace as exc:
        guesses = exc.guesses[:4]
        if places.VILLAGE_DETAIL.fullmatch(name) and not _close_guess(session, name):
            township = _township_of(session, replacing) if keep_detail else None
            if township:
                return Outcome.good(township + name)
            return Outcome.bad("place_village_where", name=name)  # 上坪村: a village not listed
        if len(guesses) == 1:
            return Outcome.bad(
                "place_guess_one", options=[("是", guesses[0]), ("不是", "")], name=name, guess=guesses[0]
            )
        if guesses:
            return Outcome.bad("place_guess_many", options=[(g, g) for g in guesses], name=name)
        return Outcome.bad("place_unknown", name=name)
    except BackendError:
        return Outcome.bad("place_unknown", name=name)
    if not keep_detail:
        return Outcome.good(place.name)
    if not detail and village and place.kind == "township":
        detail = village  # 上坪村 first, then 嵩口镇 for "which township is it in"
    return Outcome.good(place.name + detail)


def _township_of(session: Any, value: Any) -> str | None:
    """The township of a kept value that names an unlisted village (嵩口镇上坪村 -> 嵩口镇)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        place, detail = places.resolve_address(session, value)
    except BackendError:
        return None
    return place.name if detail and place.kind == "township" else None


def listed_place(session: Any, value: str) -> str:
    """The gazetteer's place of a kept value (溪源村3组 -> 溪源村): a bus stops there, not at the group."""
    try:
        return places.resolve_place(session, value).name
    except BackendError:
        return value


def _close_guess(session: Any, name: str) -> bool:
    """A listed place sounds like `name` (溪原村 -> 溪源村, 黄坑村 -> 黄石坑村), not just shares a 村."""
    best = places.search_places(session, name, limit=1)
    return bool(best) and best[0][1] >= CLOSE_GUESS


def merge_time(previous: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """Combine a time said now with the one already agreed.

    A bare day (不对，是后天) keeps the agreed clock time; a bare clock time (8点) keeps the
    agreed day; anything with both replaces the agreed time.
    """
    if not previous:
        return new
    if new["grain"] == "day":
        if previous["grain"] == "day":
            return new
        return _combine(day_of=new, clock_of=previous, grain=previous["grain"], said=new.get("said"))
    if DATE_WORDS.search(new.get("said") or ""):
        return new
    return _combine(day_of=previous, clock_of=_on_its_day(new, previous), grain=new["grain"], said=new.get("said"))


_PERIOD_SAID = re.compile(r"凌晨|早|午|傍晚|晚|夜|后晌|上晌|擦黑")
_AFTERNOON_SAID = re.compile(r"下午|傍晚|晚|夜|后晌|擦黑")
_MORNING_SAID = re.compile(r"凌晨|早|上午|上晌")
_TWELVE_HOUR = re.compile(
    r"(?<![0-9０-９])(?:[0-9０-９]|1[0-2]|１[０-２])(?![0-9０-９])"
    r"|(?<![一两二三四五六七八九十])(?:[一两二三四五六七八九]|十[一二]?)(?![一两二三四五六七八九十])"
)  # 8点 / 十二点, not 20点 / 二十点


def _on_its_day(clock: dict[str, Any], day: dict[str, Any]) -> dict[str, Any]:
    """8点 said for 明天 is 明天08:00. The NLU read 8点 against the present moment: at 09:00 the
    next 8 o'clock is 20:00 today, which says nothing about another day. A 12-hour clock with no
    part of the day is read in the part of the day said before (明天晚上, then 8点: 20:00), else
    as a daytime hour (1-6 afternoon, 7-12 morning to noon, as 明天8点 / 明天3点 are)."""
    said = clock.get("said") or ""
    moment = to_local(datetime.fromisoformat(clock["value"]))
    agreed = to_local(datetime.fromisoformat(day["value"])).date()
    if moment.date() == agreed or _PERIOD_SAID.search(said) or not _TWELVE_HOUR.search(said):
        return clock
    hour, before = moment.hour % 12, day.get("said") or ""
    if _AFTERNOON_SAID.search(before):  # 明天晚上, then 8点: 20:00
        hour += 12
    elif "中午" in before:
        hour = hour + 12 if 1 <= hour <= 3 else hour or 12
    elif not _MORNING_SAID.search(before):
        hour = hour + 12 if 1 <= hour <= 6 else hour or 12
    return {**clock, "value": moment.replace(hour=hour).isoformat()}


def _combine(
    *, day_of: dict[str, Any], clock_of: dict[str, Any], grain: str, said: str | None
) -> dict[str, Any]:
    day = to_local(datetime.fromisoformat(day_of["value"]))
    clock = to_local(datetime.fromisoformat(clock_of["value"]))
    merged = day.replace(hour=clock.hour, minute=clock.minute, second=0, microsecond=0)
    combined: dict[str, Any] = {"value": merged.isoformat(), "grain": grain, "said": said}
    if clock_of.get("arrive"):  # the clock time said is the arrival deadline (改成10点前到)
        combined["arrive"] = True
    return combined


def check_phone(raw: Any) -> Outcome:
    mobile = normalise_mobile(str(raw or ""))
    return Outcome.good(mobile) if mobile else Outcome.bad("phone_bad")


def check_tracking(raw: Any) -> Outcome:
    try:
        number, _carrier = validate_tracking_no(str(raw or ""))
    except BackendError as exc:
        return Outcome.bad("backend_refused", message=exc.message)
    return Outcome.good(number)


def check_plate(raw: Any) -> Outcome:
    try:
        return Outcome.good(normalise_plate(str(raw or "")))
    except BackendError as exc:
        return Outcome.bad("backend_refused", message=exc.message)


def time_of(value: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(value["value"])
