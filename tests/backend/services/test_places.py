from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput, UnknownPlace
from backend.models import Place, PlaceAlias
from backend.services.places.gazetteer import nearest_places, resolve_address, resolve_place, search_places


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("嵩口镇", "嵩口镇"),  # exact
        (" 嵩口镇 ", "嵩口镇"),
        ("县城", "清流县城"),  # alias
        ("城关", "清流县城"),
        ("县医院", "清流县医院"),
        ("嵩口", "嵩口镇"),  # short form: the township, not its seat village
        ("李家", "李家乡"),
        ("清流", "清流县城"),
        ("清流县", "清流县城"),
        ("溪源", "溪源村"),  # a village's own short form
        ("嵩口村", "嵩口村"),
    ],
)
def test_exact_alias_and_short_forms(session: Session, written: str, meant: str) -> None:
    assert resolve_place(session, written).name == meant


@pytest.mark.parametrize(
    ("written", "meant"),
    [
        ("松口", "嵩口镇"),  # homophone typed with a pinyin IME
        ("田园", "田源乡"),
        ("于朋", "余朋乡"),
        ("李田", "里田乡"),
        ("林舍", "林畲镇"),
        ("林地", "灵地镇"),  # in/ing, as southern speakers say it
        ("张校", "长校镇"),  # a heteronym read the other way
        ("松口镇", "嵩口镇"),
        ("宋口乡", "嵩口镇"),  # wrong character and wrong suffix
        ("songkou", "嵩口镇"),  # typed pinyin
        ("Song Kou", "嵩口镇"),
        ("ｓｏｎｇｋｏｕ", "嵩口镇"),  # full-width letters
        ("sanming", "三明市"),
    ],
)
def test_sound_alike_names_resolve_when_one_place_is_clearly_best(
    session: Session, written: str, meant: str
) -> None:
    assert resolve_place(session, written).name == meant


def test_unsure_match_raises_unknown_place_with_guesses(session: Session) -> None:
    with pytest.raises(UnknownPlace) as caught:
        resolve_place(session, "松")
    assert caught.value.name == "松"
    assert caught.value.guesses[:2] == ["嵩口镇", "嵩溪镇"]
    assert "嵩口镇" in caught.value.message


def test_partial_name_is_only_a_guess(session: Session) -> None:
    with pytest.raises(UnknownPlace) as caught:
        resolve_place(session, "黄石")
    assert caught.value.guesses == ["黄石坑村"]


def test_nonsense_has_no_guesses(session: Session) -> None:
    with pytest.raises(UnknownPlace) as caught:
        resolve_place(session, "火星基地")
    assert caught.value.guesses == []
    assert caught.value.message == "找不到地点“火星基地”"


@pytest.mark.parametrize("bad", ["", "   ", "\u3000", "嵩" * 51])
def test_empty_or_overlong_names_are_invalid_input(session: Session, bad: str) -> None:
    with pytest.raises(InvalidInput):
        resolve_place(session, bad)
    with pytest.raises(InvalidInput):
        search_places(session, bad)


def test_a_place_added_in_the_session_is_found_at_once(session: Session) -> None:
    assert resolve_place(session, "嵩口").name == "嵩口镇"  # the snapshot is read
    session.add(Place(name="杨源村", kind="village", township="嵩口镇", lat=26.07, lon=116.69))
    session.flush()
    assert resolve_place(session, "杨源村").name == "杨源村"
    assert resolve_place(session, "羊源").name == "杨源村"


def test_an_alias_added_in_the_session_is_found_at_once(session: Session) -> None:
    place = resolve_place(session, "嵩口镇")
    with pytest.raises(UnknownPlace):
        resolve_place(session, "嵩口墟")
    session.add(PlaceAlias(place_id=place.id, alias="嵩口墟"))
    session.flush()
    assert resolve_place(session, "嵩口墟").name == "嵩口镇"



def test_search_ranks_places_with_scores(session: Session) -> None:
    found = search_places(session, "嵩口", limit=3)
    assert [p.name for p, _ in found] == ["嵩口镇", "嵩口村", "嵩口中心小学"]
    scores = [score for _, score in found]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] >= 0.99


def test_search_understands_plain_pinyin_and_homophones(session: Session) -> None:
    assert search_places(session, "songkou")[0][0].name == "嵩口镇"
    assert search_places(session, "田园")[0][0].name == "田源乡"
    assert search_places(session, "tianyuan")[0][0].name == "田源乡"


def test_search_limit_is_checked(session: Session) -> None:
    assert len(search_places(session, "嵩", limit=1)) == 1
    with pytest.raises(InvalidInput):
        search_places(session, "嵩口", limit=0)


def test_nearest_places(session: Session) -> None:
    found = nearest_places(session, 26.0915, 116.6740, 3)
    assert found[0][0].name == "嵩口镇"
    assert found[0][1] == pytest.approx(0.0, abs=0.01)
    assert [round(km, 1) for _, km in found] == sorted(round(km, 1) for _, km in found)
    villages = nearest_places(session, 26.0915, 116.6740, 1, kinds=("village",))
    assert villages[0][0].name == "嵩口村"


@pytest.mark.parametrize(("lat", "lon"), [(91.0, 116.0), (26.0, 181.0), (float("nan"), 116.0)])
def test_nearest_places_refuses_bad_coordinates(session: Session, lat: float, lon: float) -> None:
    with pytest.raises(InvalidInput):
        nearest_places(session, lat, lon, 3)


def test_resolving_writes_nothing(session: Session) -> None:
    before = (count(session, Place), count(session, PlaceAlias))
    for name in ["松口", "火星基地"]:
        try:
            resolve_place(session, name)
        except UnknownPlace:
            pass
    assert (count(session, Place), count(session, PlaceAlias)) == before


@pytest.mark.parametrize(
    ("written", "place", "detail"),
    [
        ("嵩口镇上坪村", "嵩口镇", "上坪村"),
        ("嵩口上坪村3组", "嵩口镇", "上坪村3组"),
        ("溪源村3组", "溪源村", "3组"),
        ("嵩口镇溪源村", "溪源村", ""),  # the listed village of that township
        ("县医院", "清流县医院", ""),
    ],
)
def test_an_address_is_a_listed_place_and_what_follows_it(
    session: Session, written: str, place: str, detail: str
) -> None:
    found, rest = resolve_address(session, written)
    assert (found.name, rest) == (place, detail)
    assert resolve_place(session, written).name == place


@pytest.mark.parametrize("written", ["县医院上坪村", "嵩口镇随便说点什么", "上坪村"])
def test_only_a_village_may_follow_a_township_or_village(session: Session, written: str) -> None:
    with pytest.raises(UnknownPlace):
        resolve_address(session, written)
