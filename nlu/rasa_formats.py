"""Rasa's older NLU training-data formats: JSON (`rasa_nlu_data`) and Markdown (`## intent:x`).

Both are read into the same `TrainingData` as the YAML files (`nlu.training_data`). A JSON
file without `rasa_nlu_data` and a Markdown file without NLU headers (a README, Markdown
stories) are not training data and are skipped; a file that claims to be NLU data but is
malformed is a `TrainingDataError` naming the file and the place.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from nlu.training_data import AnnotatedEntity, TrainingData, TrainingDataError, add_block

logger = logging.getLogger(__name__)

_MD_HEADER = re.compile(r"^##\s*(?P<kind>[\w-]+)\s*:\s*(?P<name>.+?)\s*$")
_MD_ITEM = re.compile(r"^\s*[-*+]\s?(?P<item>.*)$")
_MD_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MD_KINDS = ("intent", "synonym", "regex", "lookup")


def read_markdown(path: Path, data: TrainingData) -> None:
    """Read a Rasa 1.x/2.x Markdown NLU file (`## intent:`, `## synonym:`, `## regex:`, `## lookup:`)."""
    text = _MD_COMMENT.sub("", path.read_text(encoding="utf-8"))
    blocks: list[tuple[str, str, int, list[str]]] = []
    current: tuple[str, str, int, list[str]] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip()
        header = _MD_HEADER.match(line)
        if header:
            current = None
            kind = header.group("kind").lower()
            if kind in _MD_KINDS:
                current = (kind, header.group("name"), number, [])
                blocks.append(current)
            elif kind not in ("story", "form", "rule"):
                data.warn(f"{path}:{number}: unknown Markdown section '## {kind}:' ignored")
            continue
        if current is None or not line.strip():
            continue
        item = _MD_ITEM.match(line)
        if item:
            current[3].append(item.group("item").strip())
        elif current[0] == "lookup" and not current[3]:  # a lookup given as a file of one entry a line
            current[3].extend(_lookup_file(path, line.strip(), number))
        else:
            raise TrainingDataError(f"{path}:{number}: expected a '- example' line, got {line.strip()!r}")
    if not blocks:
        logger.debug("skipping %s: no Markdown NLU sections", path)
        return
    for kind, name, _, lines in blocks:
        add_block(data, kind, name, [x for x in lines if x], f"{path}")


def _lookup_file(source: Path, name: str, number: int) -> list[str]:
    for candidate in (source.parent / name, Path(name)):
        if candidate.is_file():
            return [x.strip() for x in candidate.read_text(encoding="utf-8").splitlines() if x.strip()]
    raise TrainingDataError(f"{source}:{number}: lookup table file {name!r} not found")


def read_json(path: Path, data: TrainingData) -> None:
    """Read Rasa's JSON format: `{"rasa_nlu_data": {"common_examples": [...], ...}}`."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        if "rasa_nlu_data" in path.read_text(encoding="utf-8", errors="replace"):
            raise TrainingDataError(f"{path}: not valid JSON: {exc}") from exc
        logger.debug("skipping %s: not JSON", path)
        return
    if not isinstance(doc, dict) or "rasa_nlu_data" not in doc:
        logger.debug("skipping %s: no rasa_nlu_data", path)
        return
    nlu = doc["rasa_nlu_data"]
    if not isinstance(nlu, dict):
        raise TrainingDataError(f"{path}: 'rasa_nlu_data' must be an object")
    known = {"common_examples", "entity_synonyms", "regex_features", "lookup_tables", "intent_examples",
             "entity_examples"}  # fmt: skip
    for key in sorted(set(nlu) - known):
        data.warn(f"{path}: unknown key {key!r} in rasa_nlu_data ignored")
    for i, item in enumerate(_list(nlu, "common_examples", path)):
        _json_example(item, f"{path}: common_examples[{i}]", data)
    for i, item in enumerate(_list(nlu, "entity_synonyms", path)):
        if not isinstance(item, dict) or "value" not in item or not isinstance(item.get("synonyms"), list):
            raise TrainingDataError(f"{path}: entity_synonyms[{i}] needs 'value' and a 'synonyms' list")
        for surface in item["synonyms"]:
            data.add_synonym(str(surface), str(item["value"]), path)
    for i, item in enumerate(_list(nlu, "regex_features", path)):
        if not isinstance(item, dict) or "name" not in item or "pattern" not in item:
            raise TrainingDataError(f"{path}: regex_features[{i}] needs 'name' and 'pattern'")
        add_block(data, "regex", str(item["name"]), [str(item["pattern"])], path)
    for i, item in enumerate(_list(nlu, "lookup_tables", path)):
        if not isinstance(item, dict) or "name" not in item:
            raise TrainingDataError(f"{path}: lookup_tables[{i}] needs 'name'")
        elements = item.get("elements")
        if isinstance(elements, str):
            elements = _lookup_file(path, elements, 0)
        if not isinstance(elements, list):
            raise TrainingDataError(f"{path}: lookup_tables[{i}] needs an 'elements' list or file")
        add_block(data, "lookup", str(item["name"]), [str(e) for e in elements], path)


def _list(nlu: dict[str, Any], key: str, path: Path) -> list[Any]:
    value = nlu.get(key, [])
    if not isinstance(value, list):
        raise TrainingDataError(f"{path}: '{key}' must be a list")
    return value


def _json_example(item: Any, where: str, data: TrainingData) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise TrainingDataError(f"{where}: an example needs a 'text' string")
    text = item["text"]
    if not item.get("intent"):
        data.warn(f"{where}: example {text!r} has no intent; skipped")
        return
    entities = []
    for ent in item.get("entities") or []:
        try:
            start, end, name = int(ent["start"]), int(ent["end"]), str(ent["entity"])
        except (KeyError, TypeError, ValueError) as exc:
            raise TrainingDataError(f"{where}: entity needs 'start', 'end' and 'entity': {ent!r}") from exc
        if not 0 <= start < end <= len(text):
            raise TrainingDataError(f"{where}: entity span {start}-{end} outside {text!r}")
        surface = text[start:end]
        role, group = ent.get("role"), ent.get("group")
        entities.append(
            AnnotatedEntity(
                name, ent.get("value", surface), start, end, surface,
                None if role is None else str(role), None if group is None else str(group),
            )
        )  # fmt: skip
    data.add_example(text, str(item["intent"]), tuple(sorted(entities, key=lambda e: e.start)), where)
