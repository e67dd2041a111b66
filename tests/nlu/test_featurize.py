from __future__ import annotations

from nlu.extractors.base import Entity
from nlu.featurize import intent_features, masked_text, segment
from nlu.tokenizers.jieba_tokenizer import JiebaTokenizer

TEXT = "明天8点从松口去县城"
ENTITIES = [
    Entity("time", "2026-11-21T08:00:00+08:00", 0, 4, "t"),
    Entity("place", "嵩口镇", 5, 7, "p"),
    Entity("place", "清流县城", 8, 10, "p"),
]


def test_segment_masks_entity_spans_and_keeps_offsets() -> None:
    segments = segment(TEXT, ENTITIES, JiebaTokenizer())
    assert [(s.word, s.start, s.end) for s in segments] == [
        ("<time>", 0, 4),
        ("从", 4, 5),
        ("<place>", 5, 7),
        ("去", 7, 8),
        ("<place>", 8, 10),
    ]
    assert all(TEXT[s.start : s.end] == s.text for s in segments)


def test_features_do_not_depend_on_which_place_was_named() -> None:
    tokenizer = JiebaTokenizer()
    other = "明天8点从林畲去嵩溪"
    a = intent_features(segment(TEXT, ENTITIES, tokenizer))
    b = intent_features(segment(other, ENTITIES, tokenizer))
    assert a == b
    assert "b:^|<time>" in a and "b:<place>|$" in a
    assert not any("松" in f for f in a)


def test_bare_entity_gets_an_only_feature_and_digits_fold() -> None:
    tokenizer = JiebaTokenizer()
    bare = segment("嵩口", [Entity("place", "嵩口镇", 0, 2, "p")], tokenizer)
    assert "only:place" in intent_features(bare)
    assert masked_text(segment("等了20分钟", [], tokenizer)) == "等了00分钟"
