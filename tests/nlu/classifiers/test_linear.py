from __future__ import annotations

import pickle

import pytest

from nlu.classifiers.linear import LinearIntentClassifier

DOCS = [
    ["w:订", "w:车", "c:订车"],
    ["w:约", "w:车", "c:约车"],
    ["w:查", "w:快递", "c:快递"],
    ["w:快递", "w:到", "c:快递"],
    ["w:谢谢", "c:谢谢"],
    ["w:多谢", "c:谢"],
]
LABELS = ["book_ride", "book_ride", "track_parcel", "track_parcel", "thanks", "thanks"]


def test_ranks_every_label_with_probabilities_summing_to_one() -> None:
    clf = LinearIntentClassifier(seed=1)
    clf.fit(DOCS, LABELS)
    ranking = clf.rank(["w:快递", "c:快递"])
    assert ranking[0][0] == "track_parcel"
    assert sorted(name for name, _ in ranking) == ["book_ride", "thanks", "track_parcel"]
    assert sum(p for _, p in ranking) == pytest.approx(1.0)
    assert [p for _, p in ranking] == sorted((p for _, p in ranking), reverse=True)


def test_same_seed_same_model_and_it_pickles() -> None:
    a, b = LinearIntentClassifier(seed=7), LinearIntentClassifier(seed=7)
    a.fit(DOCS, LABELS)
    b.fit(DOCS, LABELS)
    doc = ["w:车", "w:谢谢"]
    assert a.rank(doc) == b.rank(doc)
    assert pickle.loads(pickle.dumps(a)).rank(doc) == a.rank(doc)


def test_unknown_features_still_get_a_ranking() -> None:
    clf = LinearIntentClassifier()
    clf.fit(DOCS, LABELS)
    assert len(clf.rank_many([["w:从没见过"], []])) == 2


def test_one_document_is_ranked_exactly_as_sklearn_ranks_it() -> None:
    """A parse ranks one document on a shortcut; it gives sklearn's probabilities to the bit."""
    clf = LinearIntentClassifier(seed=3)
    clf.fit(DOCS, LABELS)
    for doc in [*DOCS, ["w:快递", "w:快递", "w:车"], ["w:从没见过"], []]:
        expected = clf._model.predict_proba(clf._vectorizer.transform([doc]))[0]  # noqa: SLF001
        assert [p for _, p in clf.rank(doc)] == sorted(expected.tolist(), reverse=True)
    clf.fit(DOCS[:4], LABELS[:4])  # refitted (two labels: sklearn's own path)
    assert clf.rank(["w:车"])[0][0] == "book_ride"
    assert clf.rank(["w:车"]) == clf.rank_many([["w:车"], ["w:快递"]])[0]
