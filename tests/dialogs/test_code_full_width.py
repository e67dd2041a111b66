"""A one-time code typed with full-width digits (a Chinese keyboard's ８４２９２４, or with a space)
is the code. Before, it answered 验证码不对 and used up a try."""

from __future__ import annotations

import pytest

from tests.dialogs.conftest import Chat

WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize("typed", ["wide", "wide spaced"])
def test_a_full_width_code_is_the_code(chat: Chat, typed: str) -> None:
    chat.send("wide", "明天下午3点从嵩口到灵地 一个人")
    chat.send("wide", "13912345678")
    code = chat.code("13912345678").translate(WIDE)
    if typed == "wide spaced":
        code = f"{code[:3]}　{code[3:]}"
    said = chat.text() if chat.send("wide", code) else ""
    assert "验证码不对" not in said and "验证好了" in said, said
