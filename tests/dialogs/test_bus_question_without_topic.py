"""几点有车 / 有车吗 alone name no topic: the bus question asks which trip, instead of answering
with the knowledge base's last-bus entry (matched on 有车 alone); 末班车几点 still gets it."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize("said", ["几点有车", "有车吗", "请问几点有车？"])
def test_a_bus_question_without_a_topic_asks_which_trip(chat_at: ChatAt, said: str) -> None:
    reply = chat_at(NOW).send(f"topicless-{said}", said)
    assert "从哪里出发" in reply and "末班" not in reply, reply


def test_the_last_bus_question_still_gets_the_knowledge_answer(chat_at: ChatAt) -> None:
    reply = chat_at(NOW).send("last-bus", "末班车几点")
    assert "末班" in reply
