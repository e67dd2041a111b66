"""The NLU start-up hook: one model per process, kept when a test brings its own."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

from bot import nlu_runtime
from bot.runtime import Runtime
from tests.utils.conversation import trained_nlu


def test_a_model_in_the_extras_is_kept(runtime: Runtime) -> None:
    mine = trained_nlu()
    runtime.extras["nlu"] = mine
    app = SimpleNamespace(state=SimpleNamespace())
    nlu_runtime.attach(runtime, app)
    assert runtime.extras["nlu"] is mine and app.state.nlu is mine


def test_the_model_file_is_loaded_once_until_it_changes(tmp_path: Path) -> None:
    path = tmp_path / "nlu.pkl"
    trained_nlu().save(path)
    first = nlu_runtime.load_pipeline(path)
    assert nlu_runtime.load_pipeline(path) is first
    assert first.parse("我要订车")["intent"]["name"] == "book_ride"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert nlu_runtime.load_pipeline(path) is not first
