"""The learned role tagger: is a place in a message the origin, the destination, or neither?

The place extractor finds where places are and what they are called; this tagger decides
their role from the words around them (从嵩口 / 嵩口出发 / 去嵩口 / 嵩口的车), the order of the
places, the place's kind and the message's intent. It is a `LinearTokenTagger` trained on
the place spans of the training data, with their annotated roles as labels.
"""

from __future__ import annotations

from collections.abc import Sequence

from nlu.extractors.token_tagger import Features, LinearTokenTagger, window_features
from nlu.featurize import Segment

ROLES = ("origin", "destination", "place")
_BAG = 4


def _side(words: Sequence[str], start: int, stop: int, step: int) -> list[str]:
    out = []
    j = start
    while 0 <= j < len(words) and j != stop and len(out) < _BAG:
        if words[j] == "<place>":
            break
        out.append(words[j])
        j += step
    return out


def role_features(segments: Sequence[Segment], index: int, *, intent: str, kind: str) -> Features:
    """Features of the place at `segments[index]` for the role decision."""
    words = [seg.word for seg in segments]
    feats = window_features(words, index)
    places = [i for i, seg in enumerate(segments) if seg.kind == "place"]
    order = places.index(index)
    count = len(places)
    feats["n_places=" + str(min(count, 3))] = 1.0
    feats[
        "order="
        + ("only" if count == 1 else "first" if order == 0 else "last" if order == count - 1 else "mid")
    ] = 1.0
    feats["kind=" + kind] = 1.0
    feats["intent=" + intent] = 1.0
    feats["intent+order=" + intent + "|" + str(min(order, 2))] = 1.0
    left = _side(words, index - 1, -1, -1)
    right = _side(words, index + 1, len(words), 1)
    for w in left:
        feats["lbag=" + w] = 1.0
    for w in right:
        feats["rbag=" + w] = 1.0
    if left:
        feats["l1_last=" + left[0][-1]] = 1.0
    if right:
        feats["r1_first=" + right[0][0]] = 1.0
    if not left and not right:
        feats["bare"] = 1.0
    return feats


class RoleTagger:
    """Labels each place segment origin / destination / place."""

    def __init__(self, *, c: float = 2.0, seed: int = 42) -> None:
        self._tagger = LinearTokenTagger(c=c, seed=seed)

    def fit(self, features: Sequence[Features], roles: Sequence[str]) -> None:
        self._tagger.fit(features, roles)

    def predict(
        self, segments: Sequence[Segment], *, intent: str, kinds: Sequence[str]
    ) -> list[tuple[str, float]]:
        """(role, probability) for each place segment, in order; `kinds` per place."""
        places = [i for i, seg in enumerate(segments) if seg.kind == "place"]
        feats = [
            role_features(segments, i, intent=intent, kind=kind)
            for i, kind in zip(places, kinds, strict=True)
        ]
        out = []
        for probs in self._tagger.predict_proba(feats):
            if not probs:  # trained without any place: the role stays open
                out.append(("place", 0.0))
                continue
            role = max(ROLES, key=lambda r: probs.get(r, 0.0))
            out.append((role, probs.get(role, 0.0)))
        return out
