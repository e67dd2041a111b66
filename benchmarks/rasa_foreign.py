"""NLU on other people's Rasa data: a foreign Chinese Rasa project, trained and scored held out.

Trains a fresh pipeline on a Rasa project folder (default: the mobile-carrier bot of
`benchmarks/make_carrier_bot.py`, 7 entity types, roles, regex and lookup blocks; no place
gazetteer) and scores a held-out file whose templates and entity values the training part
never uses: intent accuracy, entity precision/recall/F1 per entity (value, span, role and
group must match). Targets (issue 17): entity F1 >= 0.85, intent accuracy >= 0.90.
Run: `python benchmarks/rasa_foreign.py [--data DIR --heldout FILE] [--errors N]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlu.evaluate import HELDOUT_NOW, format_report, parser_for, score  # noqa: E402
from nlu.pipeline import NluPipeline  # noqa: E402
from nlu.training_data import read_examples  # noqa: E402

DEFAULT = Path(__file__).resolve().parent / "data" / "carrier_bot"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT, help="Rasa project folder")
    parser.add_argument(
        "--heldout", type=Path, default=DEFAULT.parent / "carrier_bot_heldout.yml", help="annotated test file"
    )
    parser.add_argument("--errors", type=int, default=0, help="also print this many errors")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    pipeline = NluPipeline.train(args.data, seed=42)
    trained = time.perf_counter() - started
    test = read_examples([args.heldout])
    report = score(parser_for(pipeline, HELDOUT_NOW), test)
    print(f"trained on {args.data} in {trained:.1f}s; scoring {len(test)} held-out messages")  # noqa: T201
    print(format_report(report, str(args.heldout.name), show_errors=args.errors))  # noqa: T201
    micro = report.entity_micro
    ok = report.accuracy >= 0.90 and micro.f1 >= 0.85
    print(f"target (intent >= 0.90, entity F1 >= 0.85): {'met' if ok else 'NOT met'}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
