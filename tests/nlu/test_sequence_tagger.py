"""The CRF slot tagger learns spans from a small annotated set and uses its lexicon."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from nlu.sequence_tagger import CrfSlotTagger, TaggedText, _Stacked, bio_values, bio_viterbi
from nlu.tokenizers.jieba_tokenizer import JiebaTokenizer


def _tagged(before: str, value: str, kind: str, after: str, intent: str) -> TaggedText:
    tags = ["O"] * len(before) + [f"B-{kind}"] + [f"I-{kind}"] * (len(value) - 1) + ["O"] * len(after)
    return TaggedText(before + value + after, tags, intent)


SONGS = ["青花瓷", "稻香", "小苹果", "月亮代表我的心", "茉莉花", "东风破"]
CITIES = ["北京", "上海", "三明", "福州", "永安", "厦门"]


def _training() -> list[TaggedText]:
    out = []
    for song in SONGS:
        out += [_tagged("我想听", song, "song", "", "play"), _tagged("播放一首", song, "song", "吧", "play")]
    for city in CITIES:
        out += [_tagged("", city, "city", "今天天气怎么样", "weather"), _tagged("查一下", city, "city", "的天气", "weather")]
    return out


@pytest.fixture(scope="module")
def tagger() -> CrfSlotTagger:
    model = CrfSlotTagger(JiebaTokenizer([]), epochs=20)
    model.fit(_training())
    return model


def test_tags_a_known_value_in_a_new_sentence(tagger: CrfSlotTagger) -> None:
    text = "播放一首稻香"
    assert bio_values(text, tagger.tag(text, "play")) == [("song", "稻香")]


def test_tags_by_context_and_type(tagger: CrfSlotTagger) -> None:
    text = "查一下厦门的天气"
    assert bio_values(text, tagger.tag(text, "weather")) == [("city", "厦门")]


def test_empty_text_and_untrained_model(tagger: CrfSlotTagger) -> None:
    assert tagger.tag("") == []
    model = CrfSlotTagger(JiebaTokenizer([]))
    with pytest.raises(RuntimeError):
        model.tag("我想听稻香")


def test_bio_values_reads_spans() -> None:
    assert bio_values("去三明看青花瓷", ["O", "B-city", "I-city", "O", "B-song", "I-song", "I-song"]) == [
        ("city", "三明"),
        ("song", "青花瓷"),
    ]


@pytest.fixture(scope="module")
def ensemble() -> CrfSlotTagger:
    model = CrfSlotTagger(JiebaTokenizer([]), epochs=20, members=3)
    model.fit(_training())
    return model


def test_an_ensemble_of_lexicon_splits_tags_as_one_model(ensemble: CrfSlotTagger) -> None:
    assert len(ensemble._others) == 2  # noqa: SLF001 (three CRFs, one per fold split)
    assert bio_values("播放一首稻香", ensemble.tag("播放一首稻香", "play")) == [("song", "稻香")]
    assert bio_values("查一下厦门的天气", ensemble.tag("查一下厦门的天气", "weather")) == [("city", "厦门")]
    assert ensemble.tag("") == []
    restored = pickle.loads(pickle.dumps(ensemble))
    assert restored.tag("我想听东风破", "play") == ensemble.tag("我想听东风破", "play")


def test_ensemble_marginals_are_crfsuites(ensemble: CrfSlotTagger) -> None:
    crfs = [ensemble._crf, *ensemble._others]  # noqa: SLF001
    feats = ensemble.features("播放一首月亮代表我的心吧", "play", ensemble.lexicon)
    ours = _Stacked.of(crfs).marginals(feats)
    for member, crf in zip(ours, crfs, strict=True):
        theirs = crf.predict_marginals_single(feats)
        for row, expected in zip(member, theirs, strict=True):
            assert row == pytest.approx([expected[label] for label in crfs[0].classes_], abs=1e-6)


def test_bio_viterbi_never_starts_a_span_with_inside() -> None:
    labels = ["O", "B-song", "I-song", "B-city", "I-city"]
    probs = np.array(
        [
            [0.1, 0.3, 0.6, 0.0, 0.0],  # I-song is likeliest, but nothing opened a song
            [0.1, 0.1, 0.3, 0.1, 0.4],  # I-city cannot follow a song
        ]
    )
    assert bio_viterbi(np.log(probs + 1e-9), labels) == ["B-song", "I-song"]
