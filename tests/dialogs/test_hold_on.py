"""等一下 / 我找找 in the middle of a task: the citizen needs a moment. The answer is a calm
"不着急" and the same question, with no failure counted. Before, each was 抱歉，没听明白, and the
second offered a hand-off to a person while the villager was looking for their phone number."""

from __future__ import annotations

from tests.dialogs.conftest import Chat


def test_a_moment_asked_for_is_given(chat: Chat) -> None:
    chat.send("hold", "明天9点嵩口去县城2个人")
    for text in ("等等", "我找找", "等一下哈"):
        chat.send("hold", text)
        said = chat.text()
        assert said.startswith("好的，不着急") and said.endswith("请留一个手机号，方便司机联系您。"), said
        assert "没听明白" not in said and "人工" not in said, said
    chat.send("hold", "13912345678")
    chat.send("hold", "不验证")
    chat.send("hold", "让我想想")
    assert "不着急" in chat.text() and "请确认：明天(11月21日)09:00" in chat.text(), chat.text()


def test_wait_a_while_is_still_a_time(chat: Chat) -> None:
    chat.send("soon", "从嵩口去县城 一个人")
    chat.send("soon", "等会儿")
    assert "不着急" not in chat.text() and "手机号" in chat.text(), chat.text()
