"""The tracker: JSON round trip, numbered choices, pausing and resuming forms."""

from __future__ import annotations

import json

from dialogs.tracker import Option, Tracker


def tracker() -> Tracker:
    return Tracker.new(conversation_id="sms:13905988001", channel="sms", sender="13905988001")


def test_round_trip_through_json() -> None:
    t = tracker()
    state = t.start("book_ride", {"origin": "嵩口镇"})
    state.requested = "destination"
    t.start("track_parcel")
    t.offer([Option("1", "确认", "affirm")], purpose="confirm")
    t.remember(user="我要订车", intent="book_ride", bot=["请问从哪里出发？"])
    again = Tracker.from_dict(json.loads(json.dumps(t.to_dict(), ensure_ascii=False)))
    assert again == t
    assert again.paused[0].slots == {"origin": "嵩口镇"} and again.active.name == "track_parcel"  # type: ignore[union-attr]


def test_choices_by_number_chinese_numeral_ordinal_or_title() -> None:
    t = tracker()
    t.offer(
        [Option("1", "确认", "affirm"), Option("2", "修改", "deny"), Option("0", "人工客服", "handoff")],
        purpose="x",
    )
    assert t.choose("1").value == "affirm"  # type: ignore[union-attr]
    assert t.choose("２").value == "deny"  # type: ignore[union-attr]
    assert t.choose("第二个").value == "deny"  # type: ignore[union-attr]
    assert t.choose(" 修改。").value == "deny"  # type: ignore[union-attr]
    assert t.choose("零").value == "handoff"  # type: ignore[union-attr]
    assert t.choose("3") is None and t.choose("我要改时间") is None


def test_finishing_resumes_the_paused_form() -> None:
    t = tracker()
    t.start("book_ride", {"origin": "嵩口镇"})
    t.start("track_parcel")
    assert [p.name for p in t.paused] == ["book_ride"]
    resumed = t.finish()
    assert resumed is not None and resumed.name == "book_ride" and resumed.slots == {"origin": "嵩口镇"}
    assert t.finish() is None and t.active is None


def test_history_keeps_the_last_turns_only() -> None:
    t = tracker()
    for i in range(12):
        t.remember(user=str(i), intent="inform", bot=[])
    assert [h["user"] for h in t.history] == [str(i) for i in range(4, 12)] and t.turns == 12


def test_reset_forgets_forms_and_options() -> None:
    t = tracker()
    t.start("complaint")
    t.start("book_ride")
    t.offer([Option("1", "是", "嵩口镇")], purpose="slot")
    t.reset()
    assert (t.active, t.paused, t.options, t.options_for) == (None, [], [], None)
