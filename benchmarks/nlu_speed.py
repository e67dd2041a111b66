"""Parse speed of the cuntong NLU: median and p95 time per message (target: median < 5 ms).

Loads the model (`--model`, trained first if missing), warms it up with one message, then
parses the held-out messages and the training messages `--rounds` times each, timing
every call. Also prints the model load time and the throughput.
Run: `python benchmarks/nlu_speed.py [--model models/nlu.pkl] [--rounds 3]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlu import default_model_path  # noqa: E402
from nlu.evaluate import HELDOUT_NOW  # noqa: E402
from nlu.pipeline import NluPipeline  # noqa: E402
from nlu.training_data import load_training_data, read_examples  # noqa: E402

HELDOUT_DIR = Path(__file__).resolve().parents[1] / "tests" / "nlu" / "data"


def say(line: str = "") -> None:
    """Benchmark output goes to stdout."""
    print(line)  # noqa: T201


def percentile(sorted_values: list[float], q: float) -> float:
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=default_model_path())
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    pipeline = NluPipeline.load_or_train(args.model)
    load_s = time.perf_counter() - started
    texts = [ex.text for ex in read_examples(sorted(HELDOUT_DIR.glob("heldout*.yml")))]
    texts += [ex.text for ex in load_training_data().examples]
    pipeline.parse("明天8点从嵩口去县城", now=HELDOUT_NOW)

    times: list[float] = []
    for _ in range(args.rounds):
        for text in texts:
            t0 = time.perf_counter()
            pipeline.parse(text, now=HELDOUT_NOW)
            times.append(time.perf_counter() - t0)
    times.sort()
    median_ms = 1000 * statistics.median(times)
    say(f"model load (or train) {load_s:.2f}s; {len(times)} parses of {len(texts)} messages")
    say(
        f"median {median_ms:.2f} ms  p95 {1000 * percentile(times, 0.95):.2f} ms  "
        f"p99 {1000 * percentile(times, 0.99):.2f} ms  max {1000 * times[-1]:.2f} ms  "
        f"throughput {len(times) / sum(times):.0f} msg/s"
    )
    say("target median < 5 ms: " + ("met" if median_ms < 5 else "NOT met"))
    return 0 if median_ms < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
