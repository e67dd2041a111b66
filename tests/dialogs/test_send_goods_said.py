"""What to send, said in passing ("寄一箱茶叶到福州" while the pick-up place is asked, or in the
first message), is kept and read back, not asked again; "寄个快递到福州" names no goods."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


def test_goods_said_while_the_pickup_place_is_asked_are_kept(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    assert "上门取件" in chat.send("goods-1", "我要寄个快递")
    assert "上门取件" in chat.send("goods-1", "寄一箱茶叶到福州")
    assert "什么时候" in chat.send("goods-1", "嵩口镇")
    assert "手机号" in chat.send("goods-1", "都行")  # goods not asked again
    chat.send("goods-1", "13905981234")
    read_back = chat.send("goods-1", "不验证")
    assert "一箱茶叶" in read_back and "福州" in read_back


def test_a_parcel_without_goods_asks_for_them(chat_at: ChatAt) -> None:
    chat = chat_at(NOW)
    chat.send("goods-2", "从嵩口镇寄个快递到福州")
    assert "寄什么东西" in chat.send("goods-2", "都行")
