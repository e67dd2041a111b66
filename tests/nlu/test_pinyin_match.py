"""Tests for nlu/pinyin_match.py: sound similarity of characters and words."""

from __future__ import annotations

import pytest

from nlu.pinyin_match import (
    RARE_READING,
    SAME_TONELESS,
    aligned_similarity,
    char_similarity,
    typed_char_similarity,
    usual_readings,
)


def test_usual_reading_is_the_out_of_context_one() -> None:
    assert usual_readings("单") == frozenset({"dan1"})
    assert usual_readings("a") == frozenset()


def test_a_match_by_a_rare_reading_counts_less() -> None:
    # 号 reads xiao1 only in rare words; 校 is xiao4
    assert char_similarity("号", "校") == SAME_TONELESS
    assert typed_char_similarity("号", "校") == pytest.approx(RARE_READING * SAME_TONELESS)
    # the place's own rare reading still counts in full: 常 (chang2) for 长 (zhang3 / chang2)
    assert typed_char_similarity("常", "长") == char_similarity("常", "长")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("松口", "嵩口"),
        ("田园", "田源"),
        ("林舍", "林畲"),
        ("县成", "县城"),
        ("常校", "长校"),
        ("力田", "里田"),
    ],
)
def test_slips_stay_close(typed: str, meant: str) -> None:
    assert aligned_similarity(typed, meant) >= 0.9


def test_parcel_number_word_is_far_from_changxiao() -> None:
    assert aligned_similarity("单号", "长校") < 0.8


def test_unequal_lengths_do_not_align() -> None:
    assert aligned_similarity("嵩口镇", "嵩口") == 0.0
    assert aligned_similarity("", "") == 0.0
