"""Saving and loading trained NLU models, and telling whether a saved model is stale.

A model file is a pickle of `{"format": MODEL_FORMAT, "fingerprint": ..., "payload": ...}`.
The fingerprint is a SHA-256 over the training files (names and bytes) and the model
format, so a model trained from other data or by older code is detected as stale and
retrained by `NluPipeline.load_or_train`. Only load model files you produced yourself:
unpickling runs code.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from nlu.training_data import training_files

logger = logging.getLogger(__name__)

MODEL_FORMAT = 4
"""Bump whenever features, components or the payload layout change."""


class ModelStoreError(RuntimeError):
    """The model file is missing, unreadable, of another format or from other data."""


def fingerprint(training_dir: Path) -> str:
    """SHA-256 of the model format and every training file (relative name and content)."""
    digest = hashlib.sha256(f"format={MODEL_FORMAT}".encode())
    root = training_dir if training_dir.is_dir() else training_dir.parent
    for file in training_files(training_dir):
        digest.update(str(file.relative_to(root)).encode("utf-8"))
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def save_model(path: Path, payload: dict[str, Any], fingerprint_value: str) -> None:
    """Write the model atomically (a half-written file is never left at `path`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"format": MODEL_FORMAT, "fingerprint": fingerprint_value, "payload": payload}
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(record, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    logger.info("saved NLU model to %s", path)


def load_model(path: Path, expected_fingerprint: str | None = None) -> dict[str, Any]:
    """Read a model payload; raise `ModelStoreError` if it cannot or should not be used."""
    try:
        with path.open("rb") as fh:
            record = pickle.load(fh)  # noqa: S301 - our own model files only
    except FileNotFoundError as exc:
        raise ModelStoreError(f"no NLU model at {path}") from exc
    except Exception as exc:  # a truncated or foreign file raises anything
        raise ModelStoreError(f"cannot read NLU model {path}: {exc}") from exc
    if not isinstance(record, dict) or record.get("format") != MODEL_FORMAT:
        raise ModelStoreError(f"{path} is not an NLU model of format {MODEL_FORMAT}")
    if expected_fingerprint is not None and record.get("fingerprint") != expected_fingerprint:
        raise ModelStoreError(f"{path} was trained from other training data")
    payload = record.get("payload")
    if not isinstance(payload, dict):
        raise ModelStoreError(f"{path} holds no payload")
    return payload
