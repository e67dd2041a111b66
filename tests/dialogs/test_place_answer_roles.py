"""A place answered with its own direction word keeps that role: 去县医院 answering
请问从哪里出发 is where to go (the origin is asked again), 从嵩口 answering 去哪里 is where
from. Before, 去县医院 became the origin, and the trip was read back the wrong way round
(清流县医院→嵩口镇)."""

from __future__ import annotations

import pytest

from nlu.pipeline import NluPipeline
from tests.dialogs.conftest import Chat


@pytest.mark.parametrize("start", ["我要订车", "有车没"])
@pytest.mark.parametrize("answer", ["去县医院", "到县医院", "我要去县医院"])
def test_where_to_answering_where_from(chat: Chat, start: str, answer: str) -> None:
    chat.send("roles", start)
    assert "从哪里出发" in chat.text(), chat.text()
    chat.send("roles", answer)
    assert "从哪里出发" in chat.text() and "要去哪里" not in chat.text(), chat.text()
    chat.send("roles", "嵩口")
    if start == "有车没":
        assert "嵩口镇→清流县医院" in chat.text(), chat.text()
    else:
        assert "清流县医院→" not in chat.text() and "要去哪里" not in chat.text(), chat.text()


@pytest.mark.parametrize(
    ("text", "asked", "role"),
    [("去县医院", "origin", "destination"), ("回嵩口", "origin", "destination"), ("从嵩口", "destination", "origin"),
     ("嵩口", "origin", "origin"), ("嵩口", "destination", "destination"), ("在嵩口", "origin", "origin")],
)  # fmt: skip
def test_the_nlu_keeps_a_marked_role(nlu_pipeline: NluPipeline, text: str, asked: str, role: str) -> None:
    parsed = nlu_pipeline.parse(text, expected_slot=asked)
    assert [e["entity"] for e in parsed["entities"]] == [role], parsed
