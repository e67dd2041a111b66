"""What to send, said in passing ("寄一箱茶叶到福州" while the pick-up place is asked, or in the
first message), is kept and read back, not asked again; "寄个快递到福州" names no goods."""

from __future__ import annotations

from datetime import datetime

import pytest

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


def test_goods_said_in_a_clause_of_their_own_are_kept(chat_at: ChatAt) -> None:
    """寄到福州，一箱笋干: the goods after the destination (they were asked again, and the
    "确认" the villager then sent was read back as the goods)."""
    chat = chat_at(NOW)
    said = chat.send("goods-3", "我要寄个包裹，从嵩口镇上坪村寄到福州，一箱笋干，电话13905981213")
    assert "什么时候" in said, said
    assert "验证码" in chat.send("goods-3", "都行")
    read_back = chat.send("goods-3", "不验证")
    assert "一箱笋干" in read_back and "嵩口镇上坪村" in read_back and "福州" in read_back, read_back


@pytest.mark.parametrize("word", ["确认", "好的", "是的"])
def test_a_yes_is_not_the_goods(chat_at: ChatAt, word: str) -> None:
    chat = chat_at(NOW)
    chat.send("goods-4", "从嵩口镇寄个快递到福州")
    assert "寄什么东西" in chat.send("goods-4", "都行")
    again = chat.send("goods-4", word)
    assert "寄什么东西" in again and "请确认" not in again, again


def test_the_pickup_place_after_the_goods_is_not_goods(chat_at: ChatAt) -> None:
    """寄一袋大米从上坪村到三明: the goods were read back as 一袋大米从上坪村."""
    chat = chat_at(NOW)
    assert "哪个乡镇" in chat.send("goods-5", "寄一袋大米从上坪村到三明")
    assert "什么时候" in chat.send("goods-5", "嵩口镇")
    chat.send("goods-5", "都行")
    chat.send("goods-5", "13905981261")
    read_back = chat.send("goods-5", "不验证")
    assert "一袋大米" in read_back and "大米从" not in read_back and "嵩口镇上坪村" in read_back, read_back
