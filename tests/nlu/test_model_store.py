from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from nlu.model_store import MODEL_FORMAT, ModelStoreError, fingerprint, load_model, save_model


def _data(root: Path, text: str) -> Path:
    (root / "nlu").mkdir(parents=True, exist_ok=True)
    (root / "nlu" / "a.yml").write_text(text, encoding="utf-8")
    return root


def test_fingerprint_follows_the_training_files(tmp_path: Path) -> None:
    root = _data(tmp_path, "a")
    first = fingerprint(root)
    assert fingerprint(root) == first
    _data(tmp_path, "b")
    assert fingerprint(root) != first


def test_round_trip_and_refusals(tmp_path: Path) -> None:
    path = tmp_path / "m" / "model.pkl"
    save_model(path, {"x": 1}, "abc")
    assert load_model(path, "abc") == {"x": 1}
    assert load_model(path) == {"x": 1}
    with pytest.raises(ModelStoreError, match="other training data"):
        load_model(path, "def")
    with pytest.raises(ModelStoreError, match="no NLU model"):
        load_model(tmp_path / "missing.pkl")
    path.write_bytes(b"\x80garbage")
    with pytest.raises(ModelStoreError, match="cannot read"):
        load_model(path)
    path.write_bytes(pickle.dumps({"format": MODEL_FORMAT - 1, "payload": {}}))
    with pytest.raises(ModelStoreError, match="format"):
        load_model(path)
    assert [p.name for p in path.parent.iterdir()] == ["model.pkl"]  # no temp files left
