"""An answer that is none of the numbered choices is told so with the choices again, on every
channel style (an SMS user has no buttons to go back to)."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


def test_a_wrong_choice_gets_the_choices_again(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    chat.send("choice-again", "我家孩子在嵩口中学")
    offered = chat.buttons()
    assert "报名班车" in offered
    assert "编号" in chat.send("choice-again", "周五下午回家")
    assert chat.buttons() == offered
    assert "孩子" in chat.send("choice-again", "1")  # the numbers work again: the sign-up goes on
