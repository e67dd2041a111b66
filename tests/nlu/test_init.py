from __future__ import annotations

from pathlib import Path

import pytest

import nlu
from nlu.pipeline import NluPipeline
from tests.nlu.trained import NOW


def test_package_parse_uses_the_model_named_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, nlu_model_path: Path
) -> None:
    monkeypatch.setenv(nlu.MODEL_ENV, str(nlu_model_path))
    monkeypatch.setattr(nlu, "_pipeline", None)
    assert nlu.default_model_path() == nlu_model_path
    result = nlu.parse("明天8点从嵩口去县城", now=NOW)
    assert result["intent"]["name"] == "book_ride"
    assert isinstance(nlu.default_pipeline(), NluPipeline)
    assert nlu.default_pipeline() is nlu.default_pipeline()


def test_default_model_path_without_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(nlu.MODEL_ENV, raising=False)
    assert nlu.default_model_path() == Path("models/nlu.pkl")
