"""Bare answers: turning "嵩口" / "俩" / "明天早上" into `inform` with the slot the dialog asked for.

When the dialog has just asked for a slot (`expected_slot`), a reply that holds little
more than the answer is an `inform`, and its entity is relabelled as that slot (嵩口 ->
origin 嵩口镇 when the origin was asked; 俩 -> passengers 2; a bare number -> tracking_no
when the tracking number was asked). A full sentence with a confident task intent keeps
its intent and its own roles.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from nlu.extractors.base import Entity
from nlu.extractors.numbers import cn_to_int

PLACE_SLOTS = frozenset({"origin", "destination", "place"})
ID_SLOTS = frozenset({"tracking_no", "booking_id", "ticket_id", "phone", "plate"})
_FILLERS = re.compile(
    r"那个|这个|就是|是的|我们|俺们|咱们|大概|左右|目的地|出发地|上车|下车|出发|那边|那里|这边|这里|附近"
    r"|手机号|电话|号码|尾号|单号|订单号?|车牌号?|一共|总共|应该|可能"
    r"|[嗯呃啊喂哦噢吧呀呢嘛了的哈是我俺咱从去到在回就共只约]"
)
_COUNT = re.compile(r"(?P<n>[0-9]{1,2}|[一二两三四五六七八九十]{1,3}|俩|仨)\s*(?P<unit>个人|个|人|位)?")
_BARE_COUNT = re.compile(r"^(?:[0-9]{1,2}|[一二两三四五六七八九十]{1,3}|俩|仨)(?:个人|个|人|位)?$")
_BARE_HOUR = re.compile(r"\s*([0-9０-９]{1,2}|[一二两三四五六七八九十]{1,3})\s*[。.]?\s*")
_ALNUM_RUN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 \-]{2,30}[A-Za-z0-9]")
_RIGHT_NOW = re.compile(
    r"(?<![到至了])(?:现在|马上|立刻|立马|立即|过?一会儿?|待会儿?|等会儿?)(?![不几是在再])"
)  # 待会儿 / 一会儿: the next ride from now, as 现在 (等一下 is "hold on", not a time)
_GO_WORDS = re.compile(r"就走|要走|出发|就要|要车|走|吧|了|的")
# a place whose own words give it the other role keeps it: 去县医院 answering 从哪里出发 is where
# to go, 从嵩口 answering 去哪里 is where from (the dialog then asks again for the slot asked)
_MARKED_FOR = {
    "origin": re.compile(r"(?:去|到|回|往|至|上)$"),
    "destination": re.compile(r"(?:从|由|打)$"),
}
BOOKING_INTENTS = frozenset({"book_ride", "book_charter"})
BARE_RESIDUE = 1
"""A reply whose words outside entities and fillers are at most this long is bare."""


def _content(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def residue(text: str, entities: list[Entity]) -> str:
    """The letters and digits of `text` outside entity spans and filler words."""
    chars = list(text)
    for ent in entities:
        chars[ent.start : ent.end] = [" "] * (ent.end - ent.start)
    return _content(_FILLERS.sub(" ", "".join(chars)))


def is_bare(text: str, entities: list[Entity]) -> bool:
    """True when the message is little more than its entities (or a bare count)."""
    rest = residue(text, entities)
    return len(rest) <= BARE_RESIDUE or bool(_BARE_COUNT.match(rest))


def bare_count(text: str, *, allow_digits: bool) -> Entity | None:
    """A passengers entity for a reply that is only a count (俩, 仨, 3个, 两个人)."""
    rest = _content(_FILLERS.sub(" ", text))
    if not _BARE_COUNT.match(rest):
        return None
    match = _COUNT.search(text)
    if match is None or (not allow_digits and match.group("n").isdigit() and not match.group("unit")):
        return None
    value = cn_to_int(match.group("n"))
    if value is None or not 0 < value < 100:
        return None
    return Entity("passengers", value, match.start(), match.end(), "BareAnswer", 0.9)


def right_now(text: str, now: datetime, *, bare: bool) -> Entity | None:
    """A `time` entity at `now` for 现在 / 马上 / 立刻 / 待会儿 / 一会儿 said as when to go: the whole reply
    (现在, 马上走, 嗯 现在吧) when `bare`, else anywhere but 到现在 / 现在不… / 现在几点 / 现在在哪."""
    match = _RIGHT_NOW.search(text)
    if match is None:
        return None
    if bare:
        rest = _content(_GO_WORDS.sub(" ", _FILLERS.sub(" ", text[: match.start()] + text[match.end() :])))
        if rest:
            return None
    moment = now.replace(second=0, microsecond=0)
    return Entity(
        "time", moment.isoformat(), match.start(), match.end(), "RightNow", 0.9, {"grain": "minute"}
    )


def bare_clock(text: str, extract: Callable[[str], list[Entity]]) -> list[Entity]:
    """A `time` entity for a number alone answering 几点 (8 / 十 / ８): what 8点 means then, as the
    time extractor reads it (a bare 3 in a booking is 15:00); nothing for anything else."""
    match = _BARE_HOUR.fullmatch(text)
    if match is None:
        return []
    hour = unicodedata.normalize("NFKC", match.group(1))
    found = [e for e in extract(hour + "点") if e.entity == "time"]
    if not found:
        return []
    return [replace(found[0], start=match.start(1), end=match.end(1), extractor="BareClock")]


def _as_slot(ent: Entity, slot: str) -> Entity:
    info = dict(ent.additional_info)
    info["relabelled_from"] = ent.entity
    return replace(ent, entity=slot, additional_info=info)


def relabel(
    text: str, entities: list[Entity], slot: str, *, bare: bool, now: datetime | None = None
) -> list[Entity]:
    """Entities with the asked-for slot filled where the reply allows it."""
    out = list(entities)
    if slot == "time" and now is not None and not any(e.entity == "time" for e in out):
        moment = right_now(text, now, bare=True)
        if moment is not None:
            out.append(moment)
    elif slot in PLACE_SLOTS:
        places = [i for i, e in enumerate(out) if e.entity in PLACE_SLOTS]
        if len(places) == 1 and (bare or out[places[0]].entity == "place"):
            place = out[places[0]]
            other = _MARKED_FOR.get(slot)
            if place.entity == "place" or other is None or not other.search(text[: place.start].rstrip()):
                out[places[0]] = _as_slot(place, slot)
    elif slot == "passengers" and not any(e.entity == "passengers" for e in out):
        count = bare_count(text, allow_digits=True)
        if count is not None:
            out.append(count)
    elif slot in ID_SLOTS and not any(e.entity == slot for e in out):
        ids = [i for i, e in enumerate(out) if e.entity in ID_SLOTS]
        if len(ids) == 1:
            ent = out[ids[0]]
            out[ids[0]] = _as_slot(replace(ent, value=str(ent.value).upper()), slot)
        elif not ids and (match := _ALNUM_RUN.search(text)):
            value = re.sub(r"[ \-]", "", match.group(0)).upper()
            out.append(Entity(slot, value, match.start(), match.end(), "BareAnswer", 0.7))
    return sorted(out, key=lambda e: (e.start, e.end, e.entity))


def answer_to_slot(
    text: str,
    intent: str,
    confident: bool,
    entities: list[Entity],
    slot: str,
    now: datetime | None = None,
) -> tuple[str, list[Entity]]:
    """(intent, entities) for a reply to the question for `slot`."""
    bare = is_bare(text, entities)
    filled = relabel(text, entities, slot, bare=bare, now=now)
    bare = bare or any(e.extractor == "RightNow" for e in filled)  # 马上 alone: a time, not 好的
    has_value = any(e.entity == slot for e in filled)
    if intent in ("affirm", "deny") and not has_value:
        return intent, filled
    task_kept = confident and not bare and intent not in ("inform", "out_of_scope")
    if not task_kept and (has_value or (bare and filled)):
        return "inform", filled
    return intent, filled
