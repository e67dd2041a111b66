"""Tests for nlu/gazetteer.py and the generated lookup file (scripts/build_place_lookups.py)."""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from nlu.gazetteer import DEFAULT_PATH, Gazetteer, GazetteerError, PlaceEntry, entries_from_rasa_yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_place_lookups.py"
CSV = ROOT / "backend" / "pilot" / "places.csv"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_place_lookups", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_default_path_is_the_training_data_lookup() -> None:
    assert DEFAULT_PATH == ROOT / "training_data" / "lookups" / "places.yml"
    assert DEFAULT_PATH.is_file()


def test_generated_file_is_up_to_date() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_check_flags_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "places.yml"
    stale.write_text('version: "3.1"\nnlu: []\n', encoding="utf-8")
    assert _script().main(["--check", "--out", str(stale)]) == 1


def test_lookup_file_follows_rasa_nlu_schema() -> None:
    data = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    assert data["version"] == "3.1"
    for block in data["nlu"]:
        keys = set(block)
        assert keys in ({"lookup", "examples"}, {"synonym", "examples"}), block
        assert isinstance(block["examples"], str)
        assert all(line.startswith("- ") for line in block["examples"].splitlines())
    tables = {b["lookup"] for b in data["nlu"] if "lookup" in b}
    assert {"place", "place_township", "place_village", "place_external", "place_in_嵩口镇"} <= tables


def test_round_trip_keeps_every_csv_row(gazetteer: Gazetteer) -> None:
    with CSV.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    expected = [
        PlaceEntry(
            r["name"], r["kind"], r["township"] or None, tuple(a for a in r["aliases"].split("|") if a)
        )
        for r in rows
    ]
    assert list(gazetteer.entries) == expected


@pytest.mark.parametrize(
    ("name", "kind", "township", "aliases"),
    [
        ("清流县城", "county_seat", "龙津镇", ("县城", "县里", "城关", "城里")),
        ("嵩口镇", "township", "嵩口镇", ()),
        ("嵩口村", "village", "嵩口镇", ()),
        ("溪源村", "village", "嵩口镇", ()),
        ("嵩口中心小学", "landmark", "嵩口镇", ("嵩口小学",)),
        ("三明市", "external", None, ("三明",)),
    ],
)
def test_entries_keep_kind_township_and_aliases(
    gazetteer: Gazetteer, name: str, kind: str, township: str | None, aliases: tuple[str, ...]
) -> None:
    entry = gazetteer.entry(name)
    assert entry == PlaceEntry(name, kind, township, aliases)


@pytest.mark.parametrize(
    ("surface", "canonical"),
    [
        ("清流县城", "清流县城"),
        ("县城", "清流县城"),
        ("县里", "清流县城"),
        ("城关", "清流县城"),
        ("清流", "清流县城"),
        ("清流县", "清流县城"),
        ("嵩口", "嵩口镇"),
        ("嵩口村", "嵩口村"),
        ("嵩溪", "嵩溪镇"),
        ("田源", "田源乡"),
        ("灵地村", "灵地村"),
        ("灵地", "灵地镇"),
        ("龙津", "龙津镇"),
        ("溪源", "溪源村"),
        ("黄石坑", "黄石坑村"),
        ("县医院", "清流县医院"),
        ("清流医院", "清流县医院"),
        ("汽车站", "清流县汽车站"),
        ("嵩口小学", "嵩口中心小学"),
        ("宁化", "宁化县"),
        ("福州", "福州市"),
    ],
)
def test_surface_forms(gazetteer: Gazetteer, surface: str, canonical: str) -> None:
    assert gazetteer.surface_forms()[surface] == canonical


def test_surface_forms_cover_every_canonical_name(gazetteer: Gazetteer) -> None:
    forms = gazetteer.surface_forms()
    assert all(forms[e.canonical] == e.canonical for e in gazetteer.entries)
    assert all(len(s) >= 2 for s in forms)


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("松口", "嵩口镇"),
        ("宋口", "嵩口镇"),
        ("嵩口", "嵩口镇"),
        ("嵩溪", "嵩溪镇"),
        ("田园", "田源乡"),
        ("临地", "灵地镇"),
        ("县里", "清流县城"),
        ("城里", "清流县城"),
        ("清流", "清流县城"),
        ("林舍", "林畲镇"),
        ("赖方", "赖坊镇"),
        ("余鹏", "余朋乡"),
        ("常校", "长校镇"),
        ("三名", "三明市"),
        ("福洲", "福州市"),
        ("嵩口村", "嵩口村"),
        ("松口村", "嵩口村"),
        ("嵩口镇政府", "嵩口镇"),
        ("黄石坑", "黄石坑村"),
        ("  县城。 ", "清流县城"),
        ("songkou", "嵩口镇"),
        ("Song Kou", "嵩口镇"),
        ("xiancheng", "清流县城"),
        ("ＳＯＮＧＫＯＵ", "嵩口镇"),
    ],
)
def test_resolve_best_guess(gazetteer: Gazetteer, query: str, best: str) -> None:
    guesses = gazetteer.resolve(query)
    assert guesses and guesses[0][0] == best
    assert all(0.0 <= score <= 1.0 for _, score in guesses)
    assert [s for _, s in guesses] == sorted((s for _, s in guesses), reverse=True)


def test_resolve_scores_exact_above_sound_alike(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("嵩口")[0] == ("嵩口镇", 1.0)
    assert gazetteer.resolve("县里")[0] == ("清流县城", 1.0)
    assert 0.8 <= gazetteer.resolve("松口")[0][1] < 1.0
    assert gazetteer.resolve("临地")[0][1] < gazetteer.resolve("松口")[0][1]


def test_short_form_prefers_township_but_offers_village(gazetteer: Gazetteer) -> None:
    names = [name for name, _ in gazetteer.resolve("嵩口", limit=3)]
    assert names[:2] == ["嵩口镇", "嵩口村"]


@pytest.mark.parametrize("limit", [1, 2, 5])
def test_resolve_respects_limit(gazetteer: Gazetteer, limit: int) -> None:
    assert len(gazetteer.resolve("嵩口", limit=limit)) <= limit
    assert len(gazetteer.resolve("嵩口", limit=limit)) >= 1


@pytest.mark.parametrize("query", ["", "   ", "，。", "随便", "北京", "我想", "😀😀", "x" * 5000, "\x00\x01"])
def test_resolve_finds_nothing_for_non_places(gazetteer: Gazetteer, query: str) -> None:
    assert gazetteer.resolve(query) == []


def test_resolve_zero_limit(gazetteer: Gazetteer) -> None:
    assert gazetteer.resolve("嵩口", limit=0) == []


def test_collisions_rank_by_kind() -> None:
    g = Gazetteer(
        [
            PlaceEntry("石门村", "village", "甲镇", ()),
            PlaceEntry("石门镇", "township", "石门镇", ()),
            PlaceEntry("甲镇", "township", "甲镇", ("石门街",)),
        ]
    )
    assert g.surface_forms()["石门"] == "石门镇"
    assert g.lookup("石门") is not None and g.lookup("石门").method == "short"  # type: ignore[union-attr]
    assert g.surface_forms()["石门街"] == "甲镇"
    assert any(f.text == "石门" and f.canonical == "石门村" and f.shadowed for f in g.forms)


def test_missing_kind_is_an_error() -> None:
    data = {"version": "3.1", "nlu": [{"lookup": "place", "examples": "- 嵩口镇\n"}]}
    with pytest.raises(GazetteerError):
        entries_from_rasa_yaml(data)


@pytest.mark.parametrize("data", [None, [], {"nlu": "x"}, {"nlu": []}])
def test_malformed_file_is_an_error(data: object) -> None:
    with pytest.raises(GazetteerError):
        entries_from_rasa_yaml(data)


def test_load_from_explicit_path(tmp_path: Path) -> None:
    path = tmp_path / "p.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- lookup: place\n  examples: |\n    - 甲镇\n'
        "- lookup: place_township\n  examples: |\n    - 甲镇\n"
        "- synonym: 甲镇\n  examples: |\n    - 甲街\n",
        encoding="utf-8",
    )
    g = Gazetteer.load(path)
    assert g.entries == (PlaceEntry("甲镇", "township", None, ("甲街",)),)
    assert g.surface_forms() == {"甲镇": "甲镇", "甲街": "甲镇"}
