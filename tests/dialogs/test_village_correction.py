"""A villager corrects a village the gazetteer lacks: 不是上坪村，是下坪村 (or 改成下坪村) while a
ride from 嵩口镇上坪村 is being booked. The new village is asked its township and read back;
before, the whole sentence was looked up as a place (没找到“不是上坪村是下坪村”这个地方), and
改成下坪村 was the place "改成下坪村"."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.conftest import SHANGHAI
from tests.utils.clocked_chat import ChatAt

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)


@pytest.mark.parametrize("correction", ["不是上坪村，是下坪村", "改成下坪村"])
def test_a_corrected_village_is_asked_its_township_and_read_back(chat_at: ChatAt, correction: str) -> None:
    chat = chat_at(NOW)
    sender = f"correct-{len(correction)}"
    assert "几个人" in chat.send(sender, "明天下午3点从嵩口镇上坪村去县医院")
    asked = chat.send(sender, correction)
    assert "“下坪村”" in asked and "哪个乡镇" in asked and "没找到" not in asked, asked
    assert "几个人" in chat.send(sender, "嵩口镇")
    said = chat.send(sender, "2个人，手机13905981241")
    if "验证码" in said:
        said = chat.send(sender, "不验证")
    assert "嵩口镇下坪村→清流县医院" in said and "上坪村" not in said, said
