"""A character-level CRF slot tagger (sklearn-crfsuite) for data sets annotated span by span.

Features per character: the character and its neighbours (±3), character bigrams and a
trigram around it, the jieba word it sits in with its position (B/M/E/S) and the words
before and after, the intent of the message, and a lexicon of slot values seen in the
training data (is this character inside a known value of type X, at its start, middle or
end). While training, the lexicon of each example is built from the OTHER folds only, so
the model learns how far to trust it on unseen text rather than memorising it.

Training uses crfsuite's averaged perceptron (`ap`): on CAIS it scored as well as L-BFGS
at a quarter of the time. Labels are BIO; decoding is the CRF's Viterbi.

With `members > 1` the tagger is an ensemble: one CRF per random fold split of the lexicon
(the split alone moves CAIS valid F1 by more than a point), trained two at a time, whose
per-character marginals are averaged and decoded by a BIO-constrained Viterbi. The features
of a message are computed once: at tagging time every member sees the whole lexicon.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
import sklearn_crfsuite

from nlu.tokenizers.base import Tokenizer

Features = dict[str, float]
LEXICON_FOLDS = 5
MAX_LEXICON_SPAN = 12


@dataclass(frozen=True)
class TaggedText:
    """One training sentence: its text, a BIO tag per character, and its intent."""

    text: str
    tags: list[str]
    intent: str = ""


def bio_values(text: str, tags: Sequence[str]) -> list[tuple[str, str]]:
    """(slot type, value text) for every BIO span."""
    out: list[tuple[str, str]] = []
    start, kind = None, ""
    for i, tag in enumerate([*tags, "O"]):
        inside = tag.startswith("I-") and tag[2:] == kind
        if start is not None and not inside:
            out.append((kind, text[start:i]))
            start = None
        if tag.startswith("B-") or (tag.startswith("I-") and not inside):
            start, kind = i, tag[2:]
    return out


def build_lexicon(sentences: Sequence[TaggedText]) -> dict[str, set[str]]:
    lexicon: dict[str, set[str]] = defaultdict(set)
    for sentence in sentences:
        for kind, value in bio_values(sentence.text, sentence.tags):
            if len(value) >= 2:
                lexicon[value].add(kind)
    return dict(lexicon)


_TRAINING: tuple[CrfSlotTagger, Sequence[TaggedText]] | None = None
"""The tagger and sentences a forked training worker reads (inherited, not pickled)."""


def _train_forked(seed: int) -> sklearn_crfsuite.CRF:
    assert _TRAINING is not None
    tagger, sentences = _TRAINING
    return tagger.train_member(sentences, seed)


@dataclass
class CrfSlotTagger:
    """Train with `fit`, tag with `tag`; picklable."""

    tokenizer: Tokenizer
    epochs: int = 40
    seed: int = 42
    members: int = 1
    """CRFs in the ensemble, each on its own lexicon fold split (seed, seed + 1, ...)."""
    lexicon: dict[str, set[str]] = field(default_factory=dict)
    _crf: sklearn_crfsuite.CRF | None = None
    _others: tuple[sklearn_crfsuite.CRF, ...] = ()

    def fit(self, sentences: Sequence[TaggedText]) -> None:
        seeds = [self.seed + k for k in range(max(1, self.members))]
        workers = min(len(seeds), os.cpu_count() or 1, 2)
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            global _TRAINING
            _TRAINING = (self, sentences)
            try:
                with multiprocessing.get_context("fork").Pool(workers) as pool:
                    crfs = pool.map(_train_forked, seeds, chunksize=1)
            finally:
                _TRAINING = None
        else:
            crfs = [self.train_member(sentences, seed) for seed in seeds]
        self._crf, self._others = crfs[0], tuple(crfs[1:])
        self.__dict__.pop("_stacked", None)
        if self._others:
            self.__dict__["_stacked"] = _Stacked.of(crfs)
        self.lexicon = build_lexicon(sentences)

    def train_member(self, sentences: Sequence[TaggedText], seed: int) -> sklearn_crfsuite.CRF:
        """One CRF, each sentence featurised with the lexicon of the other folds of `seed`'s split."""
        rng = random.Random(seed)
        folds = [i % LEXICON_FOLDS for i in range(len(sentences))]
        rng.shuffle(folds)
        fold_lexicons = [
            build_lexicon([s for s, f in zip(sentences, folds, strict=True) if f != k]) for k in range(LEXICON_FOLDS)
        ]
        x = [
            self.features(s.text, s.intent, fold_lexicons[f]) for s, f in zip(sentences, folds, strict=True)
        ]
        crf = self.new_crf()
        crf.fit(x, [s.tags for s in sentences])
        return crf

    def new_crf(self) -> sklearn_crfsuite.CRF:
        """The untrained CRF `fit` trains (a subclass may choose other training settings)."""
        return sklearn_crfsuite.CRF(algorithm="ap", max_iterations=self.epochs, all_possible_transitions=True)

    def tag(self, text: str, intent: str = "") -> list[str]:
        if self._crf is None:
            raise RuntimeError("the slot tagger is not trained")
        if not text:
            return []
        feats = self.features(text, intent, self.lexicon)
        others = getattr(self, "_others", ())
        if not others:
            return list(self._crf.predict_single(feats))
        stacked = self.__dict__.get("_stacked")
        if stacked is None:
            stacked = self.__dict__["_stacked"] = _Stacked.of((self._crf, *others))
        return bio_viterbi(np.log(stacked.marginals(feats).mean(axis=0) + 1e-9), stacked.labels)

    def __getstate__(self) -> dict[str, object]:
        return {key: value for key, value in self.__dict__.items() if key != "_stacked"}

    def features(self, text: str, intent: str, lexicon: dict[str, set[str]]) -> list[Features]:
        n = len(text)
        word_of = [("", "S", "<s>", "</s>")] * n
        tokens = list(self.tokenizer.tokenize(text))
        for k, tok in enumerate(tokens):
            before = tokens[k - 1].text.lower() if k else "<s>"
            after = tokens[k + 1].text.lower() if k + 1 < len(tokens) else "</s>"
            size = tok.end - tok.start
            for i in range(tok.start, tok.end):
                pos = "S" if size == 1 else "B" if i == tok.start else "E" if i == tok.end - 1 else "M"
                word_of[i] = (tok.text.lower(), pos, before, after)
        lex = _lexicon_marks(text, lexicon)

        def ch(i: int) -> str:
            return text[i].lower() if 0 <= i < n else "<s>" if i < 0 else "</s>"

        out = []
        for i in range(n):
            word, pos, before, after = word_of[i]
            f: Features = {
                "bias": 1.0,
                "c=" + ch(i): 1.0,
                "pos=" + pos: 1.0,
                "w=" + word: 1.0,
                "wp=" + word + pos: 1.0,
                "wprev=" + before: 1.0,
                "wnext=" + after: 1.0,
                "intent=" + intent: 1.0,
                "ci=" + intent + ch(i): 1.0,
                "c-1c=" + ch(i - 1) + ch(i): 1.0,
                "cc+1=" + ch(i) + ch(i + 1): 1.0,
                "c-1c+1=" + ch(i - 1) + ch(i + 1): 1.0,
                "c-2c-1=" + ch(i - 2) + ch(i - 1): 1.0,
                "c+1c+2=" + ch(i + 1) + ch(i + 2): 1.0,
                "c-1cc+1=" + ch(i - 1) + ch(i) + ch(i + 1): 1.0,
                "len=" + str(min(len(word), 5)): 1.0,
            }
            for k in (-3, -2, -1, 1, 2, 3):
                f[f"c{k}=" + ch(i + k)] = 1.0
            f.update(lex[i])
            out.append(f)
        return out


def _lexicon_marks(text: str, lexicon: dict[str, set[str]]) -> list[Features]:
    marks: list[Features] = [{} for _ in text]
    n = len(text)
    for i in range(n):
        for j in range(i + 2, min(n, i + MAX_LEXICON_SPAN) + 1):
            for kind in lexicon.get(text[i:j], ()):
                for k in range(i, j):
                    pos = "B" if k == i else "E" if k == j - 1 else "I"
                    marks[k][f"lex={pos}-{kind}"] = 1.0
    return marks


@dataclass(frozen=True)
class _Stacked:
    """The members' weights side by side, so that one sparse product scores a message for all
    of them and their marginals come from a numpy forward-backward (crfsuite's own
    marginals cost a call per label and character: ten times slower for 4 members)."""

    labels: list[str]
    attributes: dict[str, int]
    weights: sp.csr_matrix  # attribute x (member, label)
    transitions: np.ndarray  # member x label x label

    @classmethod
    def of(cls, crfs: Sequence[sklearn_crfsuite.CRF]) -> _Stacked:
        labels = list(crfs[0].classes_)
        column = {label: j for j, label in enumerate(labels)}
        attributes: dict[str, int] = {}
        rows, cols, values = [], [], []
        transitions = np.zeros((len(crfs), len(labels), len(labels)))
        for m, crf in enumerate(crfs):
            for (attribute, label), weight in crf.state_features_.items():
                rows.append(attributes.setdefault(attribute, len(attributes)))
                cols.append(m * len(labels) + column[label])
                values.append(weight)
            for (before, after), weight in crf.transition_features_.items():
                transitions[m, column[before], column[after]] = weight
        weights = sp.csr_matrix((values, (rows, cols)), shape=(len(attributes), len(crfs) * len(labels)))
        return cls(labels, attributes, weights, transitions)

    def marginals(self, feats: Sequence[Features]) -> np.ndarray:
        """member x character x label probabilities, as crfsuite's `marginal` computes them
        (forward-backward rescaled at every character instead of in logs)."""
        rows, keys, values = [], [], []
        for i, f in enumerate(feats):
            for name, value in f.items():
                k = self.attributes.get(name)
                if k is not None:
                    rows.append(i)
                    keys.append(k)
                    values.append(value)
        n, members, size = len(feats), len(self.transitions), len(self.labels)
        # the weight rows of the attributes present, gathered straight from the CSR arrays
        index = np.array(keys, dtype=np.intp)
        starts, ends = self.weights.indptr[index], self.weights.indptr[index + 1]
        lengths = ends - starts
        picks = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(lengths.sum())
        cells = np.repeat(np.array(rows, dtype=np.int64) * members * size, lengths) + self.weights.indices[picks]
        weights = np.repeat(np.array(values), lengths) * self.weights.data[picks]
        state = np.bincount(cells, weights, minlength=n * members * size).reshape(n, members, size)
        emit = np.exp(state - state.max(axis=2, keepdims=True)).transpose(1, 0, 2)  # member x char x label
        step = np.exp(self.transitions - self.transitions.max(axis=(1, 2), keepdims=True))
        alpha, beta = np.empty_like(emit), np.ones_like(emit)
        alpha[:, 0] = _normalised(emit[:, 0])
        for t in range(1, n):
            alpha[:, t] = _normalised((alpha[:, t - 1, None, :] @ step)[:, 0] * emit[:, t])
        for t in range(n - 2, -1, -1):
            beta[:, t] = _normalised((step @ (emit[:, t + 1] * beta[:, t + 1])[:, :, None])[:, :, 0])
        return _normalised(alpha * beta)


def _normalised(a: np.ndarray) -> np.ndarray:
    """`a` scaled to sum to 1 along its last axis."""
    return a / np.maximum(a.sum(axis=-1, keepdims=True), 1e-300)


def bio_viterbi(log_probs: np.ndarray, labels: Sequence[str]) -> list[str]:
    """The most probable BIO sequence under per-character log probabilities, where I-x may
    only follow B-x or I-x (nothing else constrains the path)."""
    transition, start = _bio_constraints(tuple(labels))
    score = log_probs[0] + start
    back = []
    for row in log_probs[1:]:
        candidates = score[:, None] + transition
        back.append(candidates.argmax(axis=0))
        score = candidates.max(axis=0) + row
    path = [int(score.argmax())]
    for pointers in reversed(back):
        path.append(int(pointers[path[-1]]))
    return [labels[i] for i in reversed(path)]


@functools.lru_cache(maxsize=8)
def _bio_constraints(labels: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """0 / -inf for every label pair (I-x only after B-x or I-x) and for the first label."""
    inside = [label[2:] if label.startswith("I-") else None for label in labels]
    blocked = np.array([[kind is not None and (a == "O" or a[2:] != kind) for kind in inside] for a in labels])
    return np.where(blocked, -np.inf, 0.0), np.where([kind is not None for kind in inside], -np.inf, 0.0)
