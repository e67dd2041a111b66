"""Session fixtures: the trained pipeline (trained once) and its saved model file."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.pipeline import NluPipeline
from tests.nlu.trained import trained_model


@pytest.fixture(scope="session")
def nlu_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[NluPipeline, Path]:
    return trained_model(tmp_path_factory.mktemp("nlu-model"))


@pytest.fixture(scope="session")
def nlu_pipeline(nlu_model: tuple[NluPipeline, Path]) -> NluPipeline:
    return nlu_model[0]


@pytest.fixture(scope="session")
def nlu_model_path(nlu_model: tuple[NluPipeline, Path]) -> Path:
    return nlu_model[1]
