"""A learned linear tagger over token sequences (the pipeline's sequence-labelling part).

Each token is described by a dict of string features (its word, the words around it, ...)
and a multinomial logistic regression gives every label a probability. Used two ways:
`predict_proba` labels single positions (the role tagger asks it about place spans only),
and `tag` labels whole sequences in the BIO scheme with a Viterbi search that forbids
impossible moves (an `I-x` only after `B-x`/`I-x`), which is how the CAIS benchmark
uses it for slots.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Number

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.utils.extmath import softmax
from threadpoolctl import threadpool_limits

Features = dict[str, float]


def window_features(words: Sequence[str], i: int, *, size: int = 2) -> Features:
    """Word identity and context: the word, neighbours up to `size` away, neighbour pairs."""

    def at(j: int) -> str:
        if j < 0:
            return "<s>"
        if j >= len(words):
            return "</s>"
        return words[j]

    feats: Features = {"bias": 1.0, "w=" + at(i): 1.0}
    for k in range(1, size + 1):
        feats[f"w-{k}=" + at(i - k)] = 1.0
        feats[f"w+{k}=" + at(i + k)] = 1.0
    feats["w-2:-1=" + at(i - 2) + "|" + at(i - 1)] = 1.0
    feats["w+1:+2=" + at(i + 1) + "|" + at(i + 2)] = 1.0
    feats["w-1:+1=" + at(i - 1) + "|" + at(i + 1)] = 1.0
    return feats


class LinearTokenTagger:
    """Logistic regression over token feature dicts, with BIO-constrained decoding."""

    def __init__(self, *, c: float = 1.0, seed: int = 42, max_iter: int = 2000) -> None:
        self.c = c
        self.seed = seed
        self._vectorizer = DictVectorizer()
        self._model = LogisticRegression(C=c, max_iter=max_iter, random_state=seed)
        self.labels: list[str] = []

    def __getstate__(self) -> dict[str, object]:
        return {key: value for key, value in self.__dict__.items() if key != "_fitted"}

    def fit(self, features: Sequence[Features], labels: Sequence[str]) -> None:
        """Train on independent positions (one feature dict and one label each)."""
        self.__dict__.pop("_fitted", None)
        distinct = sorted(set(labels))
        if len(distinct) <= 1:  # nothing to learn: logistic regression needs two classes
            self.labels = distinct
            return
        matrix = self._vectorizer.fit_transform(features)
        with threadpool_limits(limits=1):
            self._model.fit(matrix, list(labels))
        self.labels = [str(label) for label in self._model.classes_]

    def fit_sequences(self, sequences: Sequence[Sequence[Features]], tags: Sequence[Sequence[str]]) -> None:
        """Train on whole sequences (flattened: the linear model sees positions)."""
        self.fit([f for seq in sequences for f in seq], [t for seq in tags for t in seq])

    def predict_proba(self, features: Sequence[Features]) -> list[dict[str, float]]:
        """Label probabilities for each position."""
        if not features:
            return []
        if len(self.labels) <= 1:
            return [{label: 1.0 for label in self.labels} for _ in features]
        probs = self._probabilities(features) if len(self.labels) > 2 else None
        if probs is None:
            probs = self._model.predict_proba(self._vectorizer.transform(features))
        return [dict(zip(self.labels, map(float, row), strict=True)) for row in probs]

    def _probabilities(self, features: Sequence[Features]) -> np.ndarray | None:
        """`predict_proba(transform(features))` of a multinomial model, computed step by step
        as sklearn does it (the same sorted sparse rows, product and softmax: bit-identical)
        without its input checks, which cost more than the arithmetic on a parse's few
        positions. None for what only sklearn's own path handles (iterable values)."""
        fitted = self.__dict__.get("_fitted")
        if fitted is None:
            vectorizer = self._vectorizer
            fitted = self.__dict__["_fitted"] = (
                vectorizer.vocabulary_, vectorizer.separator, vectorizer.dtype,
                self._model.coef_.T, self._model.intercept_,
            )  # fmt: skip
        vocabulary, separator, dtype, coef_t, intercept = fitted
        scores = np.empty((len(features), len(intercept)), dtype=np.float64)
        for n, feats in enumerate(features):
            row: dict[int, float] = {}
            for name, value in feats.items():
                if isinstance(value, str):
                    name, value = f"{name}{separator}{value}", 1
                elif not (isinstance(value, Number) or value is None):
                    return None
                index = vocabulary.get(name)
                if index is not None:
                    if index in row:  # two spellings of one column: sklearn sums them
                        return None
                    row[index] = dtype(value)
            total = np.zeros(len(intercept), dtype=np.float64)
            for index in sorted(row):  # scipy's sparse product: column by column, in order
                total += row[index] * coef_t[index]
            scores[n] = total + intercept
        return softmax(scores, copy=False)  # type: ignore[no-any-return]

    def tag(self, sequence: Sequence[Features]) -> list[str]:
        """The most likely BIO tag sequence that never opens with an orphan `I-` tag."""
        if not sequence:
            return []
        if len(self.labels) <= 1:
            return [self.labels[0] if self.labels else "O"] * len(sequence)
        probs = self._model.predict_proba(self._vectorizer.transform(sequence))
        return bio_viterbi(np.log(np.clip(probs, 1e-12, 1.0)), self.labels)


def _allowed(prev: str, cur: str) -> bool:
    if not cur.startswith("I-"):
        return True
    return prev in ("B-" + cur[2:], cur)


def bio_viterbi(log_probs: np.ndarray, labels: Sequence[str]) -> list[str]:
    """Best path through per-position log probabilities under BIO transition rules."""
    n, k = log_probs.shape
    forbid = np.array([[0.0 if _allowed(p, c) else -np.inf for c in labels] for p in labels])
    start = np.array([-np.inf if lab.startswith("I-") else 0.0 for lab in labels])
    score = start + log_probs[0]
    back = np.zeros((n, k), dtype=int)
    for t in range(1, n):
        cand = score[:, None] + forbid
        back[t] = np.argmax(cand, axis=0)
        score = cand[back[t], np.arange(k)] + log_probs[t]
    path = [int(np.argmax(score))]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t][path[-1]]))
    return [labels[i] for i in reversed(path)]


def bio_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """(label, start, end) spans of a BIO tag sequence, `end` exclusive."""
    spans: list[tuple[str, int, int]] = []
    label, start = None, 0
    for i, tag in enumerate([*tags, "O"]):
        inside = tag.startswith("I-") and label == tag[2:]
        if not inside:
            if label is not None:
                spans.append((label, start, i))
            label, start = (tag[2:], i) if tag != "O" and tag[:2] in ("B-", "I-") else (None, i)
    return spans
