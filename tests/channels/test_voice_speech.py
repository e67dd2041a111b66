"""Answers rewritten for the phone: dates, clock times, counts, money and codes in words
a caller can follow."""

from __future__ import annotations

import pytest

from channels.voice_speech import clock_words, digit_by_digit, number_words, speakable


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (0, "零"),
        (2, "二"),
        (10, "十"),
        (15, "十五"),
        (20, "二十"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1005, "一千零五"),
        (2200, "两千二百"),
        (10001, "一万零一"),
        (20000, "两万"),
        (1234567, "一百二十三万四千五百六十七"),
    ],
)
def test_number_words(value: int, words: str) -> None:
    assert number_words(value) == words


@pytest.mark.parametrize(
    ("hour", "minute", "words"),
    [
        (8, 0, "早上八点"),
        (8, 30, "早上八点半"),
        (10, 15, "上午十点十五分"),
        (12, 5, "中午十二点零五分"),
        (14, 30, "下午两点半"),
        (19, 0, "晚上七点"),
        (0, 20, "凌晨零点二十分"),
        (6, 45, "早上六点四十五分"),
    ],
)
def test_clock_words(hour: int, minute: int, words: str) -> None:
    assert clock_words(hour, minute) == words


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("11月21日 08:00 出发", "十一月二十一日 早上八点 出发"),
        ("2026-11-21 14:30", "二零二六年十一月二十一日 下午两点半"),
        ("您的单号是B202611210007。", "您的单号是B，二零二六，幺幺二幺，零零零七。"),
        ("工单C20261115003已受理", "工单C，二零二六，幺幺幺五，零零三已受理"),
        ("司机电话13905981234", "司机电话幺三九，零五九八，幺二三四"),
        ("车牌闽G12345", "车牌闽G，幺二三四五"),
        ("2人，票价12.5元", "两人，票价十二点五元"),
        ("票价2元，全程35公里", "票价两元，全程三十五公里"),
        ("取件码0386", "取件码零三八六"),
        ("明天早上8点半", "明天早上八点半"),
        ("嵩口镇→清流县城", "嵩口镇到清流县城"),
        ("请按1确认😀", "请按一确认"),
        # ranges: the dash was left in (县内公交末班多在下午五点-晚上六点)
        ("末班多在17:00-18:00", "末班多在下午五点到晚上六点"),
        ("营业时间 7:30-18:30", "营业时间 早上七点半到晚上六点半"),
        ("最远约12-14元", "最远约十二到十四元"),
        # brackets are no words: a pause (运输中：快件已到达三明转运中心（12月5日 01:59），将送到…)
        ("快件已到达三明转运中心（12月5日 01:59），将送到", "快件已到达三明转运中心，十二月五日 凌晨一点五十九分，将送到"),
        ("寄件已登记（编号S1），揽收员会联系您。", "寄件已登记，编号S一，揽收员会联系您。"),
        ("已退回寄件人（12月4日）", "已退回寄件人，十二月四日"),
        ("请说地点。（比如 福州市）", "请说地点。比如 福州市"),
        ("每10公斤2元(不足按10公斤算)。", "每十公斤两元，不足按十公斤算。"),
        ("1.2-1.5米半价", "一点二到一点五米半价"),
    ],
)
def test_speakable(text: str, spoken: str) -> None:
    assert speakable(text) == spoken


def test_a_dash_in_a_landline_is_no_range() -> None:
    assert "到" not in speakable("电话0598-5322328")


def test_digit_by_digit_groups() -> None:
    assert digit_by_digit("13905981234", groups=(3, 4, 4)) == "幺三九，零五九八，幺二三四"
    assert digit_by_digit("202611210007") == "二零二六，幺幺二幺，零零零七"
