"""Chinese SMS parts: 70 characters alone, 67 per part when concatenated, split where a
sentence ends, never more than the configured number of parts."""

from __future__ import annotations

import pytest

from channels.sms_segments import ELLIPSIS, limits_for, split_sms, units

SEVENTY = "您好，您预约的十一月二十一日早上八点从嵩口镇到清流县城的车已经确认，单号B202611210007。"


def test_short_text_is_one_part() -> None:
    assert split_sms("您的预约已确认。") == ["您的预约已确认。"]
    assert split_sms("  ") == []


def test_seventy_chinese_characters_fit_one_sms_seventy_one_do_not() -> None:
    text = "嵩" * 70
    assert split_sms(text) == [text]
    parts = split_sms(text + "口")
    assert len(parts) == 2
    assert [units(p) for p in parts] == [67, 4]


def test_parts_end_at_sentence_boundaries() -> None:
    text = (
        "明天早上七点有一班车从嵩口镇开往清流县城。" * 2
        + "票价十二元，请提前十分钟到站。"
        + "回复1确认预约，回复2修改时间，回复0转人工服务。"
    )
    parts = split_sms(text)
    assert len(parts) == 2
    assert parts[0] == "明天早上七点有一班车从嵩口镇开往清流县城。" * 2 + "票价十二元，请提前十分钟到站。"
    assert parts[1] == "回复1确认预约，回复2修改时间，回复0转人工服务。"


def test_a_sentence_longer_than_a_part_breaks_at_a_comma() -> None:
    text = "因为道路施工，" * 12 + "下午的班车改走老路。"
    parts = split_sms(text)
    assert all(units(p) <= 67 for p in parts)
    assert parts[0].endswith("，")
    assert "".join(parts) == text


def test_too_long_text_is_cut_to_max_parts_with_ellipsis() -> None:
    text = "今天嵩口镇到县城的班车因为下雪停运。" * 20
    parts = split_sms(text, max_parts=3)
    assert len(parts) == 3
    assert parts[-1].endswith("停运。" + ELLIPSIS)
    assert all(units(p) <= 67 for p in parts)


def test_ascii_text_uses_gsm_limits() -> None:
    assert limits_for("Your booking is confirmed").single == 160
    assert limits_for(SEVENTY).single == 70
    assert split_sms("a" * 160) == ["a" * 160]
    assert len(split_sms("a" * 161)) == 2


def test_emoji_count_twice() -> None:
    assert units("好😀") == 3
    assert len(split_sms("好" * 68 + "😀")) == 1
    assert len(split_sms("好" * 69 + "😀")) == 2


def test_max_parts_must_be_positive() -> None:
    with pytest.raises(ValueError):
        split_sms("你好", max_parts=0)


def test_fit_keeps_one_body_within_the_segments() -> None:
    from channels.sms_segments import fit_sms

    text = "今天有班车。" * 30  # 180 characters: three segments of 67
    assert fit_sms(text, max_parts=3) == text
    shorter = fit_sms(text, max_parts=2)
    assert units(shorter) <= 2 * 67 and shorter.endswith("。" + ELLIPSIS)
    assert text.startswith(shorter.removesuffix(ELLIPSIS))
    assert fit_sms("短信", max_parts=1) == "短信"
