"""`cuntong nlu train|test|parse`: train, measure and use the NLU model from the shell.

- `train` trains from `training_data/` (or any Rasa project folder given with `--data`: YAML,
  JSON or Markdown NLU files) and saves the model (`--model`, default `$CUNTONG_NLU_MODEL`
  or models/nlu.pkl). What Rasa would warn about in the data is printed to stderr.
- `test` prints per-intent precision/recall/F1, entity F1 per entity and the most common
  confusions on a stratified held-out split and by k-fold cross-validation, and on any
  `--heldout` files (scored with the saved model, trained first if missing).
- `parse` reads one message per line on stdin and writes one parse JSON per line on
  stdout, in order and nothing else; the model is loaded once.
Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

TZ = ZoneInfo("Asia/Shanghai")


def _iso_time(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from exc
    return moment.replace(tzinfo=TZ) if moment.tzinfo is None else moment


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from nlu import default_model_path

    parser = sub.add_parser("nlu", help="训练、评测和使用自然语言理解模型")
    commands = parser.add_subparsers(dest="nlu_command", required=True, metavar="ACTION")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--model", type=Path, default=default_model_path(), help="model file")
    common.add_argument(
        "--data", type=Path, default=None, help="training data: a Rasa project folder or file (default: training_data/)"
    )

    train = commands.add_parser("train", parents=[common], help="train and save the model")
    train.add_argument("--seed", type=int, default=42)
    train.set_defaults(func=run_train)

    test = commands.add_parser("test", parents=[common], help="held-out split and k-fold evaluation")
    test.add_argument("--seed", type=int, default=42)
    test.add_argument("--folds", type=int, default=5, help="k of the k-fold cross-validation (0: skip)")
    test.add_argument("--holdout", type=float, default=0.2, help="fraction held out per intent (0: skip)")
    test.add_argument("--heldout", type=Path, nargs="*", default=[], help="extra annotated YAML test files")
    test.add_argument("--errors", type=int, default=0, help="also print this many errors per report")
    test.set_defaults(func=run_test)

    parse = commands.add_parser("parse", parents=[common], help="parse stdin, one message per line")
    parse.add_argument("--now", type=_iso_time, default=None, help="reference time (ISO 8601)")
    parse.add_argument("--expected-slot", default=None, help="slot the dialog just asked for")
    parse.set_defaults(func=run_parse)


def run_train(args: argparse.Namespace) -> int:
    from nlu.pipeline import NluPipeline
    from nlu.training_data import TrainingDataError

    started = time.perf_counter()
    try:
        pipeline = NluPipeline.train(args.data, seed=args.seed)
    except TrainingDataError as exc:
        print(f"cannot train: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    pipeline.save(args.model)
    print(f"trained in {time.perf_counter() - started:.1f}s, saved to {args.model}", file=sys.stderr)  # noqa: T201
    return 0


def run_test(args: argparse.Namespace) -> int:
    from nlu.evaluate import Report, format_report, holdout_split, kfold, parser_for, score
    from nlu.pipeline import NluPipeline
    from nlu.training_data import TrainingDataError, load_training_data, read_examples

    try:
        data = load_training_data(args.data)
    except TrainingDataError as exc:
        print(f"cannot read the training data: {exc}", file=sys.stderr)  # noqa: T201
        return 2
    for warning in data.warnings:
        print(f"warning: {warning}", file=sys.stderr)  # noqa: T201
    now = datetime.now(TZ)
    reports: list[str] = []
    if args.holdout > 0:
        train, test = holdout_split(data.examples, args.holdout, args.seed)
        print(f"held-out split: training on {len(train)}, testing on {len(test)}", file=sys.stderr)  # noqa: T201
        pipeline = NluPipeline.for_data(args.data, data, seed=args.seed)
        pipeline.fit(train)
        reports.append(
            format_report(score(parser_for(pipeline, now), test), "held-out split", show_errors=args.errors)
        )
    if args.folds > 1:
        report = Report()
        for i, (train, test) in enumerate(kfold(data.examples, args.folds, args.seed), 1):
            print(f"fold {i}/{args.folds}: training on {len(train)}", file=sys.stderr)  # noqa: T201
            pipeline = NluPipeline.for_data(args.data, data, seed=args.seed)
            pipeline.fit(train)
            score(parser_for(pipeline, now), test, report)
        reports.append(format_report(report, f"{args.folds}-fold cross-validation", show_errors=args.errors))
    if args.heldout:
        from nlu.evaluate import HELDOUT_NOW

        pipeline = NluPipeline.load_or_train(args.model, args.data)
        for file in args.heldout:
            report = score(parser_for(pipeline, HELDOUT_NOW), read_examples([file]))
            reports.append(format_report(report, f"{file} (saved model)", show_errors=args.errors))
    print("\n\n".join(reports))  # noqa: T201
    return 0


def run_parse(args: argparse.Namespace) -> int:
    from nlu.pipeline import NluPipeline

    pipeline = NluPipeline.load_or_train(args.model, args.data)
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline=None)
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", errors="replace", line_buffering=True)
    try:
        for line in stdin:
            text = line.rstrip("\n")
            result = pipeline.parse(text, now=args.now, expected_slot=args.expected_slot)
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    finally:
        out.flush()
        out.detach()
        stdin.detach()
    return 0
