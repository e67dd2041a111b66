"""Reader for NLU training data in Rasa's YAML format (`version: "3.1"`).

Reads every `*.yml` / `*.yaml` file under a folder (or one file) and collects `intent:`
examples with their inline entity annotations (`[嵩口](origin)`,
`[嵩口]{"entity": "origin", "value": "嵩口镇"}`, Rasa's older `[嵩口](origin:嵩口镇)`),
`synonym:` blocks, `regex:` patterns and `lookup:` tables. Files without an `nlu:` key
(a Rasa domain or stories file) are skipped, so a Rasa project folder reads as is.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

logger = logging.getLogger(__name__)

DEFAULT_TRAINING_DIR = Path(__file__).resolve().parent.parent / "training_data"

# Rasa's own annotation grammar: [text](entity), [text](entity:value), [text]{json}.
_ANNOTATION = re.compile(
    r"\[(?P<text>[^\]]+?)\]"
    r"(?:\((?P<entity>[^:)]+?)(?::(?P<value>[^)]+))?\)|(?P<json>\{[^}]+?\}))"
)


class TrainingDataError(ValueError):
    """The training data cannot be read: a file, a block or an annotation is malformed."""


@dataclass(frozen=True)
class AnnotatedEntity:
    """An entity marked in a training example; offsets index the plain example text."""

    entity: str
    value: Any
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Example:
    """One training message: plain text, its intent and its annotated entities."""

    text: str
    intent: str
    entities: tuple[AnnotatedEntity, ...] = ()


@dataclass
class TrainingData:
    """Everything read from a training-data folder."""

    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)

    @property
    def intents(self) -> list[str]:
        return sorted({ex.intent for ex in self.examples})


def parse_annotated(line: str) -> tuple[str, tuple[AnnotatedEntity, ...]]:
    """Split an annotated example into its plain text and its entities."""
    parts: list[str] = []
    entities: list[AnnotatedEntity] = []
    pos = 0
    length = 0
    for match in _ANNOTATION.finditer(line):
        before = line[pos : match.start()]
        parts.append(before)
        length += len(before)
        surface = match.group("text")
        if match.group("json"):
            try:
                info = json.loads(match.group("json"))
            except json.JSONDecodeError as exc:
                raise TrainingDataError(f"bad entity annotation in {line!r}: {exc}") from exc
            if not isinstance(info, dict) or "entity" not in info:
                raise TrainingDataError(f"entity annotation without 'entity' in {line!r}")
            name = str(info["entity"])
            value = info.get("value", surface)
        else:
            name = match.group("entity").strip()
            value = match.group("value") if match.group("value") is not None else surface
        entities.append(AnnotatedEntity(name, value, length, length + len(surface), surface))
        parts.append(surface)
        length += len(surface)
        pos = match.end()
    parts.append(line[pos:])
    return "".join(parts), tuple(entities)


def _example_lines(block: dict[str, Any], source: Path) -> list[str]:
    raw = block.get("examples")
    if raw is None:
        return []
    if isinstance(raw, str):
        lines = []
        for item in raw.splitlines():
            item = item.strip()
            if not item:
                continue
            if not item.startswith("- "):
                raise TrainingDataError(f"{source}: example line must start with '- ': {item!r}")
            lines.append(item[2:].strip())
        return lines
    if isinstance(raw, list):
        return [str(item["text"] if isinstance(item, dict) else item).strip() for item in raw]
    raise TrainingDataError(f"{source}: 'examples' must be a text block or a list")


def _read_file(path: Path, data: TrainingData) -> None:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TrainingDataError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(doc, dict) or not doc.get("nlu"):
        logger.debug("skipping %s: no nlu section", path)
        return
    for block in doc["nlu"]:
        if not isinstance(block, dict):
            raise TrainingDataError(f"{path}: every nlu item must be a mapping")
        lines = _example_lines(block, path)
        if "intent" in block:
            intent = str(block["intent"])
            for line in lines:
                text, entities = parse_annotated(line)
                data.examples.append(Example(text, intent, entities))
        elif "synonym" in block:
            for line in lines:
                data.synonyms[line] = str(block["synonym"])
        elif "regex" in block:
            data.regexes.setdefault(str(block["regex"]), []).extend(lines)
        elif "lookup" in block:
            data.lookups.setdefault(str(block["lookup"]), []).extend(lines)


def training_files(path: Path) -> list[Path]:
    """The YAML files that make up the training data at `path`, in a stable order."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def load_training_data(path: Path | None = None) -> TrainingData:
    """Read all training data at `path` (a folder or a file; default: ./training_data)."""
    root = path or DEFAULT_TRAINING_DIR
    if not root.exists():
        raise TrainingDataError(f"training data not found: {root}")
    data = TrainingData()
    for file in training_files(root):
        _read_file(file, data)
    logger.info("read %d examples, %d intents from %s", len(data.examples), len(data.intents), root)
    return data


def read_examples(files: Iterable[Path]) -> list[Example]:
    """Only the intent examples of some files (for held-out evaluation sets)."""
    data = TrainingData()
    for file in files:
        _read_file(file, data)
    return data.examples
