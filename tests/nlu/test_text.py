from __future__ import annotations

from nlu.text import clean_text, has_content


def test_clean_text_keeps_one_character_per_character() -> None:
    raw = "ＳＦ１２３\u3000去\x00嵩口\u200b！\ud800"
    cleaned = clean_text(raw)
    assert len(cleaned) == len(raw)
    assert cleaned == "SF123 去 嵩口 ! "


def test_has_content_needs_a_letter_or_digit() -> None:
    assert not has_content("😀🙏 ，。 \t")
    assert has_content("好")
    assert has_content("1")
