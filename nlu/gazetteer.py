"""The place gazetteer: canonical place names, their aliases and short forms, and fuzzy lookup.

Loaded from `training_data/lookups/places.yml` (Rasa NLU YAML written by
`scripts/build_place_lookups.py`): `lookup: place` lists the canonical names,
`lookup: place_<kind>` gives each name's kind, `lookup: place_in_<township>` its township,
and `synonym:` blocks its aliases. Short forms are derived here (嵩口镇 -> 嵩口, 嵩口村 -> 嵩口,
清流县城 -> 清流/清流县, 清流县医院 -> 清流医院, 宁化县 -> 宁化); when two places share a short form the
higher-ranked kind wins (county seat > township > external > landmark > village), so 嵩口 means
嵩口镇 while 嵩口村 keeps it as a lower-scored, "shadowed" form. `resolve()` ranks canonical
names for a whole string by sound (see `nlu.pinyin_match`).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from nlu.pinyin_match import spelled_similarity, word_similarity

logger = logging.getLogger(__name__)

DEFAULT_PATH = Path(__file__).parents[1] / "training_data" / "lookups" / "places.yml"
KINDS = ("county_seat", "township", "external", "landmark", "village")
KIND_RANK = {kind: rank for rank, kind in enumerate(KINDS)}
SHADOW_FACTOR = 0.9
MIN_SCORE = 0.4
_STRIP = " \t\r\n\u3000,.!?;:，。！？；：、…~～\"'“”‘’()（）【】[]<>《》"


class GazetteerError(ValueError):
    """The lookup file is malformed or inconsistent."""


@dataclass(frozen=True)
class PlaceEntry:
    """One place: canonical name, kind, township (None outside the county), aliases."""

    canonical: str
    kind: str
    township: str | None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SurfaceForm:
    """One way of writing a place; `method` is exact, alias or short."""

    text: str
    canonical: str
    method: str
    shadowed: bool = False


def derive_short_forms(entry: PlaceEntry, county: str | None) -> list[str]:
    """Short forms a villager would use for `entry` that the CSV does not list."""
    name, out = entry.canonical, []
    if entry.kind in ("township", "village", "external") and name[-1] in "镇乡村市县" and len(name) >= 3:
        out.append(name[:-1])
    if name.endswith("县城") and len(name) >= 4:
        out += [name[:-1], name[:-2]]
    if county and entry.kind == "landmark" and name.startswith(county + "县") and len(name) > len(county) + 2:
        rest = name[len(county) + 1 :]
        out += ["县" + rest, county + rest]
    return [s for s in out if len(s) >= 2 and s != name]


def normalize_query(name: str) -> str:
    """NFKC, lower-case, surrounding punctuation and spaces removed."""
    return unicodedata.normalize("NFKC", name).strip(_STRIP).lower()


class Gazetteer:
    """All known places with every surface form, exact and sound-alike lookup."""

    def __init__(self, entries: Iterable[PlaceEntry]) -> None:
        self._entries = tuple(entries)
        self._by_name = {e.canonical: e for e in self._entries}
        county = next((e.canonical[:-2] for e in self._entries if e.kind == "county_seat"), None)
        claims: dict[str, list[tuple[int, int, PlaceEntry]]] = {}
        for order, entry in enumerate(self._entries):
            rank = KIND_RANK.get(entry.kind, len(KINDS))
            claims.setdefault(entry.canonical, []).append((0, rank * 1000 + order, entry))
            for alias in entry.aliases:
                claims.setdefault(alias, []).append((1, rank * 1000 + order, entry))
            for short in derive_short_forms(entry, county):
                claims.setdefault(short, []).append((2, rank * 1000 + order, entry))
        forms: list[SurfaceForm] = []
        self._exact: dict[str, SurfaceForm] = {}
        methods = ("exact", "alias", "short")
        for text, claimants in claims.items():
            claimants.sort(key=lambda c: (c[0], c[1]))
            seen: set[str] = set()
            for i, (kind_of_form, _, entry) in enumerate(claimants):
                if entry.canonical in seen:
                    continue
                seen.add(entry.canonical)
                form = SurfaceForm(text, entry.canonical, methods[kind_of_form], shadowed=i > 0)
                forms.append(form)
                if i == 0:
                    self._exact[text] = form
                elif kind_of_form < 2:
                    logger.warning("place name %r claimed by %s and %s", text, claimants[0][2], entry)
        self._forms = tuple(forms)
        self._max_len = max((len(f.text) for f in forms), default=0)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Gazetteer:
        """Read the Rasa lookup YAML (default: training_data/lookups/places.yml)."""
        file = Path(path) if path is not None else DEFAULT_PATH
        with file.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        return cls(entries_from_rasa_yaml(data))

    @property
    def entries(self) -> tuple[PlaceEntry, ...]:
        return self._entries

    @property
    def forms(self) -> tuple[SurfaceForm, ...]:
        """Every surface form, including shadowed short forms."""
        return self._forms

    @property
    def max_form_length(self) -> int:
        return self._max_len

    def entry(self, canonical: str) -> PlaceEntry | None:
        return self._by_name.get(canonical)

    def surface_forms(self) -> dict[str, str]:
        """Every unshadowed surface form (names, aliases, short forms) -> canonical name."""
        return {text: form.canonical for text, form in self._exact.items()}

    def lookup(self, text: str) -> SurfaceForm | None:
        """The preferred surface form written exactly as `text`, if any."""
        return self._exact.get(text)

    def resolve(self, name: str, limit: int = 3) -> list[tuple[str, float]]:
        """Best canonical guesses for a whole string, best first, scores in 0..1."""
        if not isinstance(name, str) or limit <= 0:
            return []
        return list(self._resolve(normalize_query(name[:200]))[:limit])

    @lru_cache(maxsize=2048)  # noqa: B019 - a gazetteer lives as long as the process
    def _resolve(self, query: str) -> tuple[tuple[str, float], ...]:
        if not query:
            return ()
        latin = query.isascii()
        best: dict[str, float] = {}
        for form in self._forms:
            if latin:
                score = spelled_similarity(query, form.text)
            elif form.text == query:
                score = 1.0
            else:
                score = word_similarity(query, form.text)
                if len(form.text) >= 2 and form.text in query:
                    score = max(score, 0.7 + 0.25 * len(form.text) / len(query))
                score = min(score, 0.99)
            if form.shadowed:
                score *= SHADOW_FACTOR
            if score > best.get(form.canonical, 0.0):
                best[form.canonical] = score
        ranked = sorted(
            ((c, s) for c, s in best.items() if s >= MIN_SCORE),
            key=lambda cs: (-cs[1], KIND_RANK.get(self._by_name[cs[0]].kind, 9), cs[0]),
        )
        return tuple((c, round(s, 3)) for c, s in ranked)


def entries_from_rasa_yaml(data: Any) -> list[PlaceEntry]:
    """Rebuild the entries from parsed places.yml (see the module docstring for the layout)."""
    if not isinstance(data, dict) or not isinstance(data.get("nlu"), list):
        raise GazetteerError("places.yml: expected a mapping with an 'nlu' list")
    names: list[str] = []
    kinds: dict[str, str] = {}
    townships: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}
    for block in data["nlu"]:
        if not isinstance(block, dict):
            continue
        examples = _examples(block.get("examples"))
        if "synonym" in block:
            aliases.setdefault(str(block["synonym"]), []).extend(examples)
            continue
        table = str(block.get("lookup", ""))
        if table == "place":
            names.extend(examples)
        elif table.startswith("place_in_"):
            townships.update(dict.fromkeys(examples, table[len("place_in_") :]))
        elif table.startswith("place_") and table[len("place_") :] in KINDS:
            kinds.update(dict.fromkeys(examples, table[len("place_") :]))
    if not names:
        raise GazetteerError("places.yml: no 'lookup: place' table")
    missing = [n for n in names if n not in kinds]
    if missing:
        raise GazetteerError(f"places.yml: no kind for {missing}")
    return [PlaceEntry(n, kinds[n], townships.get(n), tuple(aliases.get(n, ()))) for n in names]


def _examples(block: Any) -> list[str]:
    if not isinstance(block, str):
        return []
    out = []
    for line in block.splitlines():
        line = line.strip()
        if line.startswith("- ") and line[2:].strip():
            out.append(line[2:].strip())
    return out
