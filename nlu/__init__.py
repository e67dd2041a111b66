"""cuntong NLU: Chinese messages in, Rasa-compatible parses out (docs/CONTRACTS.md §1).

`nlu.parse(text, now=None)` parses with a default pipeline that is loaded once per
process from `$CUNTONG_NLU_MODEL` (default `./models/nlu.pkl`) and trained from
`training_data/` first if that file is missing or stale. Heavy imports (scikit-learn,
jieba) wait until the first parse, so importing a submodule stays cheap.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nlu.pipeline import NluPipeline

MODEL_ENV = "CUNTONG_NLU_MODEL"
DEFAULT_MODEL_PATH = Path("models") / "nlu.pkl"

_lock = threading.Lock()
_pipeline: NluPipeline | None = None


def default_model_path() -> Path:
    """Where the default model lives: `$CUNTONG_NLU_MODEL` or ./models/nlu.pkl."""
    return Path(os.environ.get(MODEL_ENV) or DEFAULT_MODEL_PATH)


def default_pipeline() -> NluPipeline:
    """The process-wide pipeline, loaded (or trained) on first use."""
    global _pipeline
    with _lock:
        if _pipeline is None:
            from nlu.pipeline import NluPipeline

            _pipeline = NluPipeline.load_or_train(default_model_path())
        return _pipeline


def parse(text: str, now: datetime | None = None, expected_slot: str | None = None) -> dict[str, Any]:
    """Parse one message; `now` (default: the current time) resolves relative times."""
    return default_pipeline().parse(text, now=now, expected_slot=expected_slot)
