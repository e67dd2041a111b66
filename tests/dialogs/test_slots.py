"""Slot values from parses, and times merged the way people correct them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from dialogs.slots import Slot, candidate, check_phone, check_place, merge_time
from dialogs.understanding import Entity, Parse

PLACE = Slot("origin", "place", "ask_origin", ("origin",))
COUNT = Slot("passengers", "count", "ask_passengers", ("passengers",))
PHONE = Slot("phone", "phone", "ask_phone", ("phone",))
ADDRESS = Slot("destination", "address", "ask_send_to", ("destination",))


def at(value: str, grain: str = "minute", said: str = "") -> dict[str, str]:
    return {"value": value, "grain": grain, "said": said}


def test_a_bare_clock_time_keeps_the_agreed_day() -> None:
    agreed = at("2026-11-22T00:00:00+08:00", "day", "后天")
    merged = merge_time(agreed, at("2026-11-20T15:00:00+08:00", "minute", "下午3点"))
    assert merged["value"] == "2026-11-22T15:00:00+08:00" and merged["grain"] == "minute"


def test_a_bare_day_keeps_the_agreed_clock_time() -> None:
    agreed = at("2026-11-21T08:00:00+08:00", "minute", "明天早上8点")
    merged = merge_time(agreed, at("2026-11-22T00:00:00+08:00", "day", "后天"))
    assert merged["value"] == "2026-11-22T08:00:00+08:00" and merged["grain"] == "minute"


def test_a_full_time_replaces_the_agreed_one() -> None:
    agreed = at("2026-11-21T08:00:00+08:00")
    new = at("2026-11-23T09:30:00+08:00", "minute", "下周一早上9点半")
    assert merge_time(agreed, new) == new
    assert merge_time(None, new) == new


def test_candidates_from_entities_and_bare_answers() -> None:
    assert (
        candidate(Parse("我要从嵩口走", entities=(Entity("origin", "嵩口镇"),)), PLACE, requested=False)
        == "嵩口镇"
    )
    assert candidate(Parse.plain("在松口"), PLACE, requested=True) == "松口"
    assert candidate(Parse.plain("松口"), PLACE, requested=False) is None
    assert candidate(Parse.plain("俩"), COUNT, requested=True) == 2
    assert candidate(Parse.plain("3个人"), COUNT, requested=True) == 3
    assert candidate(Parse.plain("+86 139 0598 1234"), PHONE, requested=True) == "13905981234"
    assert candidate(Parse.plain("寄到福州市鼓楼区"), ADDRESS, requested=True) == "福州市鼓楼区"


def test_a_place_with_another_role_is_not_taken_when_that_role_is_claimed() -> None:
    said = Parse("去县城", entities=(Entity("destination", "清流县城"),))
    assert candidate(said, PLACE, requested=True, claimed=frozenset({"destination"})) is None
    assert candidate(said, PLACE, requested=True) == "清流县城"


def test_places_resolve_or_come_back_with_guesses(session: Session) -> None:
    assert check_place(session, "嵩口").value == "嵩口镇"
    guessed = check_place(session, "黄石")
    assert (
        not guessed.ok
        and guessed.problem == "place_guess_one"
        and guessed.options == [("是", "黄石坑村"), ("不是", "")]
    )
    unknown = check_place(session, "火星基地")
    assert not unknown.ok and unknown.problem == "place_unknown"


def test_phone_numbers() -> None:
    assert check_phone("13905981234").value == "13905981234"
    assert check_phone("12345").problem == "phone_bad"
