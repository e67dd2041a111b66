"""Reader for NLU training data in Rasa's formats: YAML (`version: "3.1"`), JSON, Markdown.

Reads every `*.yml` / `*.yaml` file under a folder (or one file) and collects `intent:`
examples with their inline entity annotations (`[嵩口](origin)`,
`[嵩口]{"entity": "origin", "value": "嵩口镇", "role": ..., "group": ...}`, Rasa's older
`[嵩口](origin:嵩口镇)`), `synonym:` blocks, `regex:` patterns and `lookup:` tables. Files
without an `nlu:` key (a Rasa domain, stories or config file) are skipped, so a Rasa project
folder reads as is; Rasa's JSON (`rasa_nlu_data`) and Markdown (`## intent:x`) files are
read by `nlu.rasa_formats`. As Rasa does: YAML is read as YAML 1.2 (`yes`/`no` stay
strings), an example line may be `-foo`, inline values become synonyms, `faq/ask_x` is the
retrieval intent `faq` with response key `ask_x`. What Rasa would warn about (unknown
blocks, conflicting synonyms, duplicate keys, versions above 3.1) lands in
`TrainingData.warnings` and the log.
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
    role: str | None = None
    group: str | None = None


@dataclass(frozen=True)
class Example:
    """One training message: plain text, its intent and its annotated entities."""

    text: str
    intent: str
    entities: tuple[AnnotatedEntity, ...] = ()
    response_key: str | None = None
    """The `ask_x` of a retrieval intent `faq/ask_x` (`intent` is then `faq`)."""

    @property
    def full_intent(self) -> str:
        """`faq/ask_x` for a retrieval intent, else the intent."""
        return f"{self.intent}/{self.response_key}" if self.response_key else self.intent


@dataclass
class TrainingData:
    """Everything read from a training-data folder."""

    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    inline_synonyms: bool = True
    """Inline values become synonyms (off for held-out files, which only need the examples)."""

    @property
    def intents(self) -> list[str]:
        return sorted({ex.intent for ex in self.examples})

    def warn(self, message: str) -> None:
        """Note something Rasa would warn about (the data is still read)."""
        logger.warning("%s", message)
        self.warnings.append(message)

    def add_synonym(self, surface: str, value: str, source: object) -> None:
        """Map `surface` to `value`; a surface mapped to two values is warned about (last wins)."""
        old = self.synonyms.get(surface)
        if old is not None and old != value:
            self.warn(f"{source}: synonym {surface!r} maps to both {old!r} and {value!r}; using {value!r}")
        self.synonyms[surface] = value

    def add_example(self, text: str, intent: str, entities: tuple[AnnotatedEntity, ...], source: object) -> None:
        """Add one example; a retrieval intent is split, inline values become synonyms."""
        intent, _, key = intent.partition("/")
        self.examples.append(Example(text, intent, entities, key or None))
        for ent in entities if self.inline_synonyms else ():
            if isinstance(ent.value, str) and ent.value != ent.text:
                self.add_synonym(ent.text, ent.value, source)


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
            role, group = info.get("role"), info.get("group")
        else:
            name = match.group("entity").strip()
            value = match.group("value") if match.group("value") is not None else surface
            role = group = None
        entities.append(
            AnnotatedEntity(
                name, value, length, length + len(surface), surface,
                None if role is None else str(role), None if group is None else str(group),
            )
        )  # fmt: skip
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
            if not item.startswith("-"):
                raise TrainingDataError(f"{source}: example line must start with '- ': {item!r}")
            lines.append(item[1:].strip())
        return lines
    if isinstance(raw, list):
        return [str(item["text"] if isinstance(item, dict) else item).strip() for item in raw]
    raise TrainingDataError(f"{source}: 'examples' must be a text block or a list")


KNOWN_VERSION = (3, 1)
_BLOCK_KINDS = ("intent", "synonym", "regex", "lookup")
_BLOCK_KEYS = {*_BLOCK_KINDS, "examples", "metadata"}
_TOP_KEYS = {"version", "nlu", "stories", "rules", "responses", "e2e_actions"}


class _Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader, read as YAML 1.2 as Rasa does (only true/false are booleans);
    a key repeated in one mapping is collected in `duplicates`."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicates: list[tuple[str, int]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if isinstance(key, str | int | float | bool) and key in seen:
                self.duplicates.append((str(key), key_node.start_mark.line + 1))
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _version(raw: Any) -> tuple[int, ...] | None:
    try:
        return tuple(int(part) for part in str(raw).split("."))
    except ValueError:
        return None


def _read_yaml(path: Path, data: TrainingData) -> None:
    text = path.read_text(encoding="utf-8")
    loader = _Yaml12Loader(text)
    try:
        doc = loader.get_single_data()
    except yaml.YAMLError as exc:
        if not re.search(r"^nlu\s*:", text, re.MULTILINE):  # a chart template, a CI file: not ours
            data.warn(f"{path}: not valid YAML and no nlu section; skipped")
            return
        raise TrainingDataError(f"{path}: not valid YAML: {exc}") from exc
    finally:
        loader.dispose()
    if not isinstance(doc, dict) or not doc.get("nlu"):
        logger.debug("skipping %s: no nlu section", path)
        return
    for key, line in loader.duplicates:
        data.warn(f"{path}:{line}: key {key!r} appears twice in one mapping; the last one is used")
    version = _version(doc.get("version", "3.1"))
    if version is None or version > KNOWN_VERSION:
        data.warn(f"{path}: version {doc.get('version')!r} is newer than 3.1; read as 3.1")
    for key in sorted(set(doc) - _TOP_KEYS, key=str):
        data.warn(f"{path}: unknown top-level key {key!r} ignored")
    if not isinstance(doc["nlu"], list):
        raise TrainingDataError(f"{path}: 'nlu' must be a list")
    for block in doc["nlu"]:
        if not isinstance(block, dict):
            raise TrainingDataError(f"{path}: every nlu item must be a mapping")
        kinds = [k for k in _BLOCK_KINDS if k in block]
        unknown = sorted(set(block) - _BLOCK_KEYS, key=str)
        if not kinds or unknown:
            data.warn(f"{path}: nlu item with unknown key(s) {unknown or sorted(block, key=str)} ignored")
        if not kinds:
            continue
        lines = _example_lines(block, path)
        add_block(data, kinds[0], str(block[kinds[0]]), lines, path)


def add_block(data: TrainingData, kind: str, name: str, lines: list[str], source: object) -> None:
    """Add one intent/synonym/regex/lookup block of example lines (any format)."""
    if kind == "intent":
        for line in lines:
            text, entities = parse_annotated(line)
            data.add_example(text, name, entities, source)
    elif kind == "synonym":
        for line in lines:
            data.add_synonym(line, name, source)
    elif kind == "regex":
        data.regexes.setdefault(name, []).extend(lines)
    elif kind == "lookup":
        data.lookups.setdefault(name, []).extend(lines)


def _read_file(path: Path, data: TrainingData) -> None:
    if path.suffix == ".json":
        from nlu.rasa_formats import read_json

        read_json(path, data)
    elif path.suffix == ".md":
        from nlu.rasa_formats import read_markdown

        read_markdown(path, data)
    else:
        _read_yaml(path, data)


DATA_SUFFIXES = (".yml", ".yaml", ".json", ".md")


def training_files(path: Path) -> list[Path]:
    """The files that may hold training data at `path`, in a stable order (hidden folders skipped)."""
    if path.is_file():
        return [path]
    return sorted(
        p
        for p in path.rglob("*")
        if p.suffix in DATA_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    )


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
    data = TrainingData(inline_synonyms=False)
    for file in files:
        _read_file(file, data)
    return data.examples
