"""Knowledge-base retrieval benchmark: how often the bot's KB answer is the right one.

    python benchmarks/knowledge.py [--threshold T] [--json]

Builds the search index from the pilot's knowledge file (backend/pilot/knowledge.yml, the
same code the bot uses: `backend.services.knowledge.search.KnowledgeIndex`), then reads two
sets of paraphrased questions (benchmarks/data/knowledge_dev.yml, knowledge_heldout.yml),
each labelled with the entry that answers it or null (the "no answer" class). The
threshold is chosen on the development set only: the lowest one whose answered precision
there is at least 0.95 (the most questions answered at that precision). The held-out
figures at that threshold are the ones to quote:

- precision: of the questions the bot answered from the KB, the share answered with the
  right entry (a wrong entry and an answer to a "no answer" question both count as wrong);
- coverage: of the answerable questions, the share answered with the right entry;
- no-answer accuracy: of the "no answer" questions, the share left unanswered;
- accuracy: every question, the "no answer" class included.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from backend.services.knowledge.entries import PILOT_FILE  # noqa: E402
from backend.services.knowledge.search import THRESHOLD, EntryView, KnowledgeIndex  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
GRID = [round(0.20 + 0.025 * i, 3) for i in range(29)]
DEV_TARGET = 0.95


@dataclass(frozen=True)
class Scores:
    threshold: float
    precision: float
    coverage: float
    no_answer_accuracy: float
    accuracy: float
    answered: int
    items: int


def out(line: str) -> None:
    """Benchmark output goes to stdout."""
    print(line)  # noqa: T201


def build_index(path: Path = PILOT_FILE) -> KnowledgeIndex:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    views = [
        EntryView(i, e["question"], tuple(e.get("variants") or ()), e["answer"], e["short"], tuple(e.get("tags") or ()))
        for i, e in enumerate(data["entries"], start=1)
    ]
    return KnowledgeIndex(views)


def read_items(name: str) -> list[tuple[str, str | None]]:
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return [(str(text), None if expected in (None, "null") else str(expected)) for text, expected in data["items"]]


def predictions(index: KnowledgeIndex, items: list[tuple[str, str | None]]) -> list[tuple[str | None, float]]:
    out = []
    for text, _ in items:
        matches = index.search(text, limit=2)
        out.append((matches[0].entry.question, matches[0].confidence) if matches else (None, 0.0))
    return out


def score(items: list[tuple[str, str | None]], predicted: list[tuple[str | None, float]], threshold: float) -> Scores:
    answered = right = answerable = covered = nones = nones_right = correct = 0
    for (_, expected), (best, confidence) in zip(items, predicted, strict=True):
        said = best if confidence >= threshold else None
        correct += said == expected
        if expected is None:
            nones += 1
            nones_right += said is None
        else:
            answerable += 1
            covered += said == expected
        if said is not None:
            answered += 1
            right += said == expected
    return Scores(
        threshold=threshold,
        precision=right / answered if answered else 1.0,
        coverage=covered / answerable if answerable else 0.0,
        no_answer_accuracy=nones_right / nones if nones else 1.0,
        accuracy=correct / len(items),
        answered=answered,
        items=len(items),
    )


def choose_threshold(items: list[tuple[str, str | None]], predicted: list[tuple[str | None, float]]) -> float:
    good = [t for t in GRID if score(items, predicted, t).precision >= DEV_TARGET]
    return min(good) if good else max(GRID)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=None, help="score at this threshold instead")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    index = build_index()
    built = time.perf_counter() - started
    dev, heldout = read_items("knowledge_dev.yml"), read_items("knowledge_heldout.yml")
    dev_pred = predictions(index, dev)
    started = time.perf_counter()
    held_pred = predictions(index, heldout)
    per_query_ms = (time.perf_counter() - started) / len(heldout) * 1000
    chosen = args.threshold if args.threshold is not None else choose_threshold(dev, dev_pred)
    result = {
        "entries": len(index.entries),
        "wordings": len(index.wordings),
        "index_build_seconds": round(built, 3),
        "query_ms": round(per_query_ms, 2),
        "threshold_in_code": THRESHOLD,
        "chosen_threshold": chosen,
        "dev": score(dev, dev_pred, chosen).__dict__,
        "heldout": score(heldout, held_pred, chosen).__dict__,
    }
    if args.json:
        out(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    out(f"{result['entries']} entries, {result['wordings']} wordings, index {built:.2f} s, {per_query_ms:.1f} ms/question")
    out(f"threshold chosen on dev: {chosen} (in code: {THRESHOLD})")
    for name, items, pred in (("dev", dev, dev_pred), ("heldout", heldout, held_pred)):
        s = score(items, pred, chosen)
        out(
            f"{name:8} n={s.items:3} answered={s.answered:3} precision={s.precision:.3f} coverage={s.coverage:.3f} "
            f"no-answer={s.no_answer_accuracy:.3f} accuracy={s.accuracy:.3f}"
        )
    out("heldout errors:")
    for (text, expected), (best, confidence) in zip(heldout, held_pred, strict=True):
        said = best if confidence >= chosen else None
        if said != expected:
            out(f"  {confidence:.2f} {text} -> {said} (expected {expected}; best {best})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
