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

import multiprocessing
import os
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pycrfsuite
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
        labels = list(self._crf.classes_)
        column = {label: j for j, label in enumerate(labels)}
        items = pycrfsuite.ItemSequence(feats)  # converted once for all members
        total = np.zeros((len(text), len(labels)))
        for crf in (self._crf, *others):
            tagger = crf.tagger_
            tagger.set(items)
            for label in tagger.labels():
                j = column[label]
                for i in range(len(text)):
                    total[i, j] += tagger.marginal(label, i)
        return bio_viterbi(np.log(total / (1 + len(others)) + 1e-9), labels)

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


def bio_viterbi(log_probs: np.ndarray, labels: Sequence[str]) -> list[str]:
    """The most probable BIO sequence under per-character log probabilities, where I-x may
    only follow B-x or I-x (nothing else constrains the path)."""
    inside = [label[2:] if label.startswith("I-") else None for label in labels]
    blocked = np.array(
        [[kind is not None and (a == "O" or a[2:] != kind) for kind in inside] for a in labels]
    )
    transition = np.where(blocked, -np.inf, 0.0)
    score = log_probs[0] + np.where([kind is not None for kind in inside], -np.inf, 0.0)
    back = []
    for row in log_probs[1:]:
        candidates = score[:, None] + transition
        back.append(candidates.argmax(axis=0))
        score = candidates.max(axis=0) + row
    path = [int(score.argmax())]
    for pointers in reversed(back):
        path.append(int(pointers[path[-1]]))
    return [labels[i] for i in reversed(path)]
