from __future__ import annotations

import pytest

from nlu.extractors.role_tagger import RoleTagger, role_features
from nlu.featurize import Segment
from nlu.pipeline import NluPipeline
from tests.nlu.trained import NOW


def _segments(*words: str) -> list[Segment]:
    out, pos = [], 0
    for word in words:
        kind = "place" if word == "P" else None
        out.append(Segment(word, pos, pos + len(word), kind))
        pos += len(word)
    return out


def test_features_see_the_cue_words_around_a_place() -> None:
    feats = role_features(_segments("从", "P", "去", "P"), 1, intent="book_ride", kind="township")
    assert feats["w-1=从"] == 1.0 and feats["order=first"] == 1.0 and feats["lbag=从"] == 1.0
    assert "rbag=<place>" not in feats  # the bag stops at the next place


def test_tagger_learns_roles_from_cues() -> None:
    train = [
        (_segments("从", "P", "出发"), 1, "origin"),
        (_segments("去", "P"), 1, "destination"),
        (_segments("P", "的", "车"), 0, "place"),
    ] * 4
    tagger = RoleTagger(c=10.0)
    tagger.fit(
        [role_features(s, i, intent="x", kind="township") for s, i, _ in train], [r for _, _, r in train]
    )
    roles = tagger.predict(_segments("从", "P", "去", "P"), intent="x", kinds=["township", "village"])
    assert [r for r, _ in roles] == ["origin", "destination"]
    assert all(0.0 < p <= 1.0 for _, p in roles)


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("明天去县城", ["destination"]),
        ("从嵩口出发", ["origin"]),
        ("嵩溪的车到哪了", ["place"]),
        ("在溪源村上车 去县医院", ["origin", "destination"]),
        ("县城到灵地的班车几点", ["origin", "destination"]),
        ("俺要回李家 从县汽车站走", ["destination", "origin"]),
        ("寄两箱笋干到福州", ["destination"]),
        ("包裹到里田了没", ["place"]),
    ],
)
def test_trained_roles_in_real_sentences(nlu_pipeline: NluPipeline, text: str, roles: list[str]) -> None:
    result = nlu_pipeline.parse(text, now=NOW)
    found = [e["entity"] for e in result["entities"] if e["entity"] in ("origin", "destination", "place")]
    assert found == roles
