from __future__ import annotations

import numpy as np

from nlu.extractors.token_tagger import LinearTokenTagger, bio_spans, bio_viterbi, window_features


def test_viterbi_never_starts_a_span_with_inside() -> None:
    labels = ["B-x", "I-x", "O"]
    log_probs = np.log(np.array([[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.2, 0.1, 0.7]]))
    assert bio_viterbi(log_probs, labels) == ["B-x", "I-x", "O"]


def test_bio_spans() -> None:
    assert bio_spans(["B-a", "I-a", "O", "B-b", "B-b", "I-a"]) == [
        ("a", 0, 2),
        ("b", 3, 4),
        ("b", 4, 5),
        ("a", 5, 6),
    ]
    assert bio_spans([]) == []


def test_window_features_mark_sentence_edges() -> None:
    feats = window_features(["去", "<place>"], 1)
    assert feats["w-1=去"] == 1.0 and feats["w+1=</s>"] == 1.0 and feats["w=<place>"] == 1.0


def test_tagger_learns_a_toy_slot() -> None:
    sentences = [["播放", "周杰伦", "的", "歌"], ["播放", "王菲", "的", "歌"], ["我", "想", "听", "歌"]] * 5
    tags = [["O", "B-singer", "O", "O"], ["O", "B-singer", "O", "O"], ["O", "O", "O", "O"]] * 5
    tagger = LinearTokenTagger(c=10.0)
    tagger.fit_sequences([[window_features(s, i) for i in range(len(s))] for s in sentences], tags)
    new = ["播放", "刘德华", "的", "歌"]
    assert tagger.tag([window_features(new, i) for i in range(len(new))]) == ["O", "B-singer", "O", "O"]
    probs = tagger.predict_proba([window_features(new, 1)])[0]
    assert max(probs, key=lambda k: probs[k]) == "B-singer"


def test_single_label_training_does_not_crash() -> None:
    tagger = LinearTokenTagger()
    tagger.fit([{"a": 1.0}, {"b": 1.0}], ["place", "place"])
    assert tagger.predict_proba([{"c": 1.0}]) == [{"place": 1.0}]
    assert tagger.tag([{"a": 1.0}]) == ["place"]


def test_untrained_or_empty_training_gives_no_labels() -> None:
    tagger = LinearTokenTagger()
    tagger.fit([], [])
    assert tagger.predict_proba([{"a": 1.0}]) == [{}]
    assert tagger.tag([{"a": 1.0}, {"b": 1.0}]) == ["O", "O"]


def test_a_parse_gets_exactly_what_sklearn_computes() -> None:
    """The fast path for a parse's few positions (no sklearn input checks) gives the very
    same floats as predict_proba(transform(...)), unknown features and string values included;
    iterable values fall back to sklearn's own path."""
    rng = np.random.default_rng(7)
    words = [f"w{i}" for i in range(40)]
    features = [
        {
            "bias": 1.0,
            **{f"w={words[j]}": 1.0 for j in rng.choice(40, 6, replace=False)},
            "kind": str(rng.choice(["a", "b"])),
        }
        for _ in range(120)
    ]
    labels = [["origin", "destination", "place"][int(rng.integers(3))] for _ in features]
    tagger = LinearTokenTagger()
    tagger.fit(features, labels)
    asked = [*features[:30], {"w=never-seen": 1.0, "kind": "c"}, {}]
    fast = tagger._probabilities(asked)  # noqa: SLF001
    assert fast is not None
    assert np.array_equal(fast, tagger._model.predict_proba(tagger._vectorizer.transform(asked)))  # noqa: SLF001
    assert tagger.predict_proba(asked) == [
        dict(zip(tagger.labels, map(float, row), strict=True)) for row in fast
    ]
    assert tagger._probabilities([{"kind": ["a", "b"]}]) is None  # noqa: SLF001
    assert len(tagger.predict_proba([{"kind": ["a", "b"]}])) == 1
