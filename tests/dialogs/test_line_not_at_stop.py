"""A line asked about at a place it does not stop at (3路 at 嵩口镇) is told plainly, with the
lines that do stop there; the answer is never silently about other lines. Before, "嵩口的3路还有
多久到" answered 嵩口镇接下来一段时间没有班车经过 (1路 and 13路 stop there), "3路嵩口到县城几点有车"
listed 1路 buses without a word about 3路, a line the network does not have (25路) was asked
for a stop first, and a line named by its own name (清三线) was taken for a booking."""

from __future__ import annotations

import pytest

from tests.dialogs.conftest import Chat


def said(chat: Chat, text: str, sender: str = "line") -> str:
    chat.send(sender, text)
    return chat.text()


@pytest.mark.parametrize("turns", [["嵩口的3路还有多久到"], ["3路还有多久到", "嵩口"], ["我在嵩口 3路车到哪了"]])
def test_arrival_of_a_line_that_does_not_stop_there(chat: Chat, turns: list[str]) -> None:
    for text in turns:
        answer = said(chat, text)
    assert answer.startswith("3路不经过嵩口镇。经过嵩口镇的是：1路、13路。"), answer
    assert "没有班车" not in answer and "分钟后到嵩口镇" in answer, answer


@pytest.mark.parametrize("ask", ["3路嵩口到县城几点有车", "3路末班车几点 嵩口去县城", "3路嵩口到县城多少钱"])
def test_timetable_of_a_line_that_does_not_stop_there(chat: Chat, ask: str) -> None:
    answer = said(chat, ask)
    assert answer.startswith("3路不经过嵩口镇。"), answer


def test_a_line_that_stops_there_is_the_only_line_answered(chat: Chat) -> None:
    answer = said(chat, "13路嵩口到灵地几点有车")
    assert "不经过" not in answer and "13路" in answer, answer
    assert not any(f"{n}路" in answer.replace("13路", "") for n in range(1, 15)), answer


def test_a_line_there_is_not(chat: Chat) -> None:
    answer = said(chat, "25路还有多久到")
    assert "没有“25路”这条线路" in answer and "哪个站" not in answer, answer


def test_a_line_by_its_own_name(chat: Chat) -> None:
    answer = said(chat, "清三线还有多久到")
    assert "预约" not in answer and "哪个站" in answer, answer
    answer = said(chat, "嵩口")
    assert answer.startswith("清三线不经过嵩口镇。"), answer
