"""Start-up hook (bot/registry.py RUNTIME_HOOKS): load the NLU model once per process.

`NluPipeline.load_or_train(settings.nlu_model_path)` loads the trained model, training
it from `training_data/` first when there is none yet (or it is stale). The pipeline
goes on `runtime.extras["nlu"]` and `app.state.nlu`; one already in the extras (a test's
session-wide model) is kept. A model file already loaded by this process (same path,
same modification time) is reused, so apps started again and again (tests, reloads) do
not unpickle it each time.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.runtime import Runtime

if TYPE_CHECKING:
    from nlu.pipeline import NluPipeline

logger = logging.getLogger(__name__)

_loaded: dict[tuple[str, int], NluPipeline] = {}
_loading = threading.Lock()


def attach(runtime: Runtime, app: Any = None) -> None:
    if "nlu" not in runtime.extras:
        runtime.extras["nlu"] = load_pipeline(runtime.settings.nlu_model_path)
    if app is not None:
        app.state.nlu = runtime.extras["nlu"]


def load_pipeline(path: Path) -> NluPipeline:
    from nlu.pipeline import NluPipeline  # imported late: `cuntong --help` needs no model

    with _loading:
        key = _file_key(path)
        if key is not None and key in _loaded:
            return _loaded[key]
        logger.info("loading the NLU model from %s", path)
        pipeline = NluPipeline.load_or_train(path)
        key = _file_key(path)
        if key is not None:
            _loaded.clear()
            _loaded[key] = pipeline
        return pipeline


def _file_key(path: Path) -> tuple[str, int] | None:
    try:
        return str(path.resolve()), path.stat().st_mtime_ns
    except OSError:
        return None
