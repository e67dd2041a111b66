from __future__ import annotations

from nlu.extractors.base import Entity
from nlu.slots import answer_to_slot, bare_count, is_bare, relabel

PLACE = Entity("place", "嵩口镇", 2, 4, "PlaceExtractor")


def test_fillers_and_particles_leave_a_reply_bare() -> None:
    assert is_bare("嗯 嵩口吧", [Entity("place", "嵩口镇", 2, 4, "p")])
    assert is_bare("那个 在嵩口", [Entity("place", "嵩口镇", 4, 6, "p")])
    assert not is_bare("嵩口的班车几点有", [Entity("place", "嵩口镇", 0, 2, "p")])


def test_bare_count_reads_chinese_and_digits_only_when_allowed() -> None:
    count = bare_count("俺们俩", allow_digits=False)
    assert count is not None and (count.value, count.start, count.end) == (2, 2, 3)
    assert bare_count("就三个人吧", allow_digits=False).value == 3  # type: ignore[union-attr]
    assert bare_count("3", allow_digits=False) is None
    assert bare_count("3", allow_digits=True).value == 3  # type: ignore[union-attr]
    assert bare_count("三个小时", allow_digits=True) is None


def test_relabel_single_place_to_the_asked_role() -> None:
    out = relabel("在 嵩口", [PLACE], "origin", bare=True)
    assert [(e.entity, e.additional_info["relabelled_from"]) for e in out] == [("origin", "place")]
    two = [Entity("origin", "嵩口镇", 1, 3, "p"), Entity("destination", "清流县城", 4, 6, "p")]
    assert relabel("从嵩口去县城", two, "origin", bare=False) == two


def test_relabel_fills_identifier_slots_from_bare_numbers() -> None:
    out = relabel("单号 12345678", [], "tracking_no", bare=True)
    assert [(e.entity, e.value, e.start, e.end) for e in out] == [("tracking_no", "12345678", 3, 11)]
    phone = [Entity("phone", "13905981234", 0, 11, "i")]
    assert [(e.entity, e.value) for e in relabel("13905981234", phone, "tracking_no", bare=True)] == [
        ("tracking_no", "13905981234")
    ]


def test_answer_to_slot_keeps_confident_task_intents() -> None:
    assert (
        answer_to_slot("嵩口", "inform", True, [Entity("place", "嵩口镇", 0, 2, "p")], "destination")[0]
        == "inform"
    )
    text = "我要投诉嵩口的司机态度很差"
    assert (
        answer_to_slot(text, "complaint", True, [Entity("place", "嵩口镇", 4, 6, "p")], "origin")[0]
        == "complaint"
    )
    assert answer_to_slot("不是", "deny", True, [], "origin") == ("deny", [])
