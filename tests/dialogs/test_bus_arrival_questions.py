"""When is the bus coming: the stop said in the question is the stop (嵩口的车还有多久到, 我在嵩口
车还有多久来), and a question naming a line (1路车到哪了) is about that line's buses, not a
booking. Before, the first two asked 您在哪个站等车？ and answering 嵩口镇 gave 出发地和目的地不能
是同一个地方; the third answered 您目前没有待出行的预约."""

from __future__ import annotations

import pytest

from tests.dialogs.conftest import Chat


def said(chat: Chat, text: str) -> str:
    return "\n".join(r["text"] for r in chat.send("waiting", text))


@pytest.mark.parametrize("ask", ["嵩口的车还有多久到", "我在嵩口 车还有多久来", "嵩口镇的车到哪了"])
def test_the_stop_said_is_the_stop(chat: Chat, ask: str) -> None:
    answer = said(chat, ask)
    assert "哪个站" not in answer and "同一个地方" not in answer, answer
    assert answer.startswith("嵩口镇") and "分钟后到嵩口镇" in answer, answer


def test_a_line_named_is_a_bus_question(chat: Chat) -> None:
    answer = said(chat, "1路车到哪了")
    assert "预约" not in answer and "哪个站" in answer, answer
    answer = said(chat, "嵩口")
    assert "1路" in answer and "分钟后到嵩口镇" in answer, answer
