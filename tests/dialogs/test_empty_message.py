"""An empty REST message ("" or only spaces) is answered as 你好 is, with the greeting and
the menu; inside a form the question under way is asked again. Before, it answered
抱歉，这件事我暂时办不了. (Web chat refuses an empty post with 422 and its page sends none.)"""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize("empty", ["", "   ", "\n\t "])
def test_empty_is_greeted_with_the_menu(chat_at: ChatAt, empty: str) -> None:
    chat = chat_at(NOW)
    hello = chat.send("hello", "你好")
    menu = chat.buttons()
    reply = chat.send(f"empty-{len(empty)}", empty)
    assert reply == hello and chat.buttons() == menu, reply
    assert "办不了" not in reply


def test_empty_inside_a_form_asks_again(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    asked = chat.send("empty-form", "从嵩口去县城 一个人")
    reply = chat.send("empty-form", " ")
    assert reply == asked and "办不了" not in reply, reply
    chat.send("empty-form", "现在")
    chat.send("empty-form", "13912345678")
    assert "请确认" in chat.send("empty-form", "不验证")
