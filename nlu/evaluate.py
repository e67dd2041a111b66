"""Measuring the NLU: intent precision/recall/F1, entity F1 per entity, confusions.

`score` compares parses with annotated examples. An entity counts as found when a parsed
entity has the same name, an overlapping span and the same value; a time annotated
without a value (`[明早](time)`) is checked by name and span only, since its value depends
on the reference time. A carrier implied by a tracking number's format (same span as the
number) is not scored: inline annotation cannot mark two entities on one span. An annotated
Rasa `role` or `group` must be found too. `holdout_split` and `kfold` split examples stratified by intent;
`evaluate_split` / `cross_validate` train fresh pipelines on the training part.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from nlu.training_data import AnnotatedEntity, Example

Parser = Callable[[str], dict[str, Any]]

HELDOUT_NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
"""Reference time of the annotated held-out files (tests/nlu/data/heldout*.yml)."""


@dataclass
class Scores:
    """Counts behind precision, recall and F1 for one label."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    """Everything `nlu test` prints."""

    n: int = 0
    correct: int = 0
    intents: dict[str, Scores] = field(default_factory=lambda: defaultdict(Scores))
    entities: dict[str, Scores] = field(default_factory=lambda: defaultdict(Scores))
    confusions: Counter[tuple[str, str]] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.n if self.n else 0.0

    @property
    def entity_micro(self) -> Scores:
        total = Scores()
        for s in self.entities.values():
            total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
        return total


def _value_checked(gold: AnnotatedEntity) -> bool:
    return not (gold.entity == "time" and gold.value == gold.text)


def _matches(gold: AnnotatedEntity, pred: dict[str, Any]) -> bool:
    if pred["entity"] != gold.entity or not (pred["start"] < gold.end and gold.start < pred["end"]):
        return False
    if (gold.role, gold.group) != (pred.get("role"), pred.get("group")):
        return False
    return not _value_checked(gold) or str(pred["value"]) == str(gold.value)


def _implied_carrier(pred: dict[str, Any], preds: list[dict[str, Any]]) -> bool:
    """A carrier read off a tracking number's format shares its span; it is not scored."""
    return pred["entity"] == "carrier" and any(
        p["entity"] == "tracking_no" and (p["start"], p["end"]) == (pred["start"], pred["end"]) for p in preds
    )


def score(parse: Parser, examples: Sequence[Example], report: Report | None = None) -> Report:
    """Parse every example and count hits and misses into `report` (a new one by default)."""
    report = report or Report()
    for ex in examples:
        result = parse(ex.text)
        predicted = result["intent"]["name"]
        report.n += 1
        if predicted == ex.intent:
            report.correct += 1
            report.intents[ex.intent].tp += 1
        else:
            report.intents[ex.intent].fn += 1
            report.intents[predicted].fp += 1
            report.confusions[(ex.intent, predicted)] += 1
            report.errors.append(f"intent {ex.intent} -> {predicted}: {ex.text}")
        preds = [p for p in result["entities"] if not _implied_carrier(p, result["entities"])]
        used: set[int] = set()
        for gold in ex.entities:
            hit = next((i for i, p in enumerate(preds) if i not in used and _matches(gold, p)), None)
            if hit is None:
                report.entities[gold.entity].fn += 1
                report.errors.append(f"missed {gold.entity}={gold.value!r} ({gold.text}): {ex.text}")
            else:
                used.add(hit)
                report.entities[gold.entity].tp += 1
        for i, p in enumerate(preds):
            if i not in used:
                report.entities[p["entity"]].fp += 1
                report.errors.append(f"extra {p['entity']}={p['value']!r}: {ex.text}")
    return report


def _by_intent(examples: Sequence[Example], seed: int) -> dict[str, list[Example]]:
    groups: dict[str, list[Example]] = defaultdict(list)
    for ex in examples:
        groups[ex.intent].append(ex)
    rng = random.Random(seed)
    for intent in sorted(groups):
        rng.shuffle(groups[intent])
    return groups


def holdout_split(
    examples: Sequence[Example], fraction: float = 0.2, seed: int = 42
) -> tuple[list[Example], list[Example]]:
    """(train, test) with about `fraction` of every intent in test."""
    train: list[Example] = []
    test: list[Example] = []
    for group in _by_intent(examples, seed).values():
        cut = max(1, round(len(group) * fraction)) if len(group) > 1 else 0
        test += group[:cut]
        train += group[cut:]
    return train, test


def kfold(
    examples: Sequence[Example], k: int = 5, seed: int = 42
) -> list[tuple[list[Example], list[Example]]]:
    """k (train, test) pairs; every example is in exactly one test part."""
    folds: list[list[Example]] = [[] for _ in range(k)]
    offset = 0
    for group in _by_intent(examples, seed).values():
        for i, ex in enumerate(group):
            folds[(i + offset) % k].append(ex)
        offset += len(group)
    return [([e for j, f in enumerate(folds) if j != i for e in f], folds[i]) for i in range(k)]


def format_report(report: Report, title: str, *, show_errors: int = 0) -> str:
    """A plain-text summary: accuracy, per-intent and per-entity tables, confusions."""
    lines = [f"== {title}: {report.n} messages, intent accuracy {report.accuracy:.3f}"]
    lines.append(f"{'intent':<18}{'prec':>7}{'rec':>7}{'f1':>7}{'n':>6}")
    for name in sorted(report.intents):
        s = report.intents[name]
        lines.append(f"{name:<18}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp + s.fn:>6}")
    micro = report.entity_micro
    lines.append(f"{'entity':<18}{'prec':>7}{'rec':>7}{'f1':>7}{'n':>6}")
    for name in sorted(report.entities):
        s = report.entities[name]
        lines.append(f"{name:<18}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp + s.fn:>6}")
    lines.append(
        f"{'ALL entities':<18}{micro.precision:>7.3f}{micro.recall:>7.3f}{micro.f1:>7.3f}{micro.tp + micro.fn:>6}"
    )
    if report.confusions:
        lines.append("confusions (gold -> predicted: count):")
        for (gold, pred), count in report.confusions.most_common(15):
            lines.append(f"  {gold} -> {pred}: {count}")
    for err in report.errors[:show_errors]:
        lines.append("  " + err)
    return "\n".join(lines)


def parser_for(pipeline: Any, now: datetime) -> Parser:
    """A one-argument parse function with a fixed reference time."""
    return lambda text: pipeline.parse(text, now=now)
