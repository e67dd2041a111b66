"""One trained NLU model per test process, shared by tests/nlu and the bot tests.

Training takes seconds, so the first caller trains and saves into its directory and
every later caller gets the same pipeline and model file.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from nlu.pipeline import NluPipeline

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Friday morning
_trained: list[tuple[NluPipeline, Path]] = []


def trained_model(directory: Path) -> tuple[NluPipeline, Path]:
    """(pipeline, saved model path); trains and saves into `directory` on the first call."""
    if not _trained:
        pipeline = NluPipeline.train(seed=42)
        path = directory / "nlu.pkl"
        pipeline.save(path)
        _trained.append((pipeline, path))
    return _trained[0]
