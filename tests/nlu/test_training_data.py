from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from nlu.training_data import TrainingData, TrainingDataError, load_training_data, parse_annotated

CONTRACT_INTENTS = {
    "book_ride", "book_charter", "student_shuttle", "cancel_booking", "change_booking", "query_booking",
    "query_bus", "subscribe_alert", "track_parcel", "send_parcel", "complaint", "suggestion",
    "query_complaint", "human_agent", "greet", "goodbye", "thanks", "affirm", "deny", "help", "inform",
    "out_of_scope",
}  # fmt: skip
CONTRACT_ENTITIES = {
    "origin", "destination", "place", "time", "passengers", "tracking_no", "carrier", "phone", "plate",
    "booking_id", "ticket_id",
}  # fmt: skip
PLACES_CSV = Path(__file__).resolve().parents[2] / "backend" / "pilot" / "places.csv"


def test_parse_annotated_reads_all_three_rasa_forms() -> None:
    text, ents = parse_annotated(
        '从[松口]{"entity": "origin", "value": "嵩口镇"}去[县城](destination:清流县城)[俩](passengers)'
    )
    assert text == "从松口去县城俩"
    assert [(e.entity, e.value, e.start, e.end, e.text) for e in ents] == [
        ("origin", "嵩口镇", 1, 3, "松口"),
        ("destination", "清流县城", 4, 6, "县城"),
        ("passengers", "俩", 6, 7, "俩"),
    ]


def test_parse_annotated_keeps_json_values_typed() -> None:
    _, ents = parse_annotated('[两个人]{"entity": "passengers", "value": 2}')
    assert ents[0].value == 2


def test_bad_annotation_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: x\n  examples: |\n    - [a]{"value": 1}\n'
    )
    with pytest.raises(TrainingDataError, match="entity"):
        load_training_data(tmp_path)


def test_reads_synonyms_regexes_lookups_and_skips_non_nlu_files(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text(
        'version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - 你好\n'
        "- synonym: 嵩口镇\n  examples: |\n    - 松口\n"
        "- regex: phone\n  examples: |\n    - 1[3-9]\\d{9}\n"
        "- lookup: place\n  examples: |\n    - 嵩口镇\n",
        encoding="utf-8",
    )
    (tmp_path / "domain.yml").write_text('version: "3.1"\nintents:\n- greet\n')
    data = load_training_data(tmp_path)
    assert [(e.text, e.intent) for e in data.examples] == [("你好", "greet")]
    assert data.synonyms == {"松口": "嵩口镇"}
    assert data.regexes == {"phone": ["1[3-9]\\d{9}"]}
    assert data.lookups == {"place": ["嵩口镇"]}


@pytest.fixture(scope="module")
def data() -> TrainingData:
    return load_training_data()


def test_every_contract_intent_has_varied_examples(data: TrainingData) -> None:
    counts = Counter(e.intent for e in data.examples)
    assert set(counts) == CONTRACT_INTENTS
    assert min(counts.values()) >= 30
    assert len({e.text for e in data.examples}) == len(data.examples)


def test_annotations_use_contract_entities_and_canonical_places(data: TrainingData) -> None:
    with PLACES_CSV.open(encoding="utf-8") as fh:
        canonical = {row["name"] for row in csv.DictReader(fh)}
    for ex in data.examples:
        for ent in ex.entities:
            assert ent.entity in CONTRACT_ENTITIES, ex.text
            assert ex.text[ent.start : ent.end] == ent.text
            if ent.entity in ("origin", "destination", "place"):
                assert ent.value in canonical, ex.text
            if ent.entity == "passengers":
                assert isinstance(ent.value, int), ex.text


def test_all_townships_and_villages_appear_with_homophone_slips(data: TrainingData) -> None:
    with PLACES_CSV.open(encoding="utf-8") as fh:
        wanted = {row["name"] for row in csv.DictReader(fh) if row["kind"] in ("township", "village")}
    seen = {e.value for ex in data.examples for e in ex.entities}
    assert wanted <= seen
    slips = {e.text for ex in data.examples for e in ex.entities if e.value == "嵩口镇"}
    assert "松口" in slips
    assert "田园" in {e.text for ex in data.examples for e in ex.entities if e.value == "田源乡"}


def test_three_styles_are_present(data: TrainingData) -> None:
    texts = [e.text for e in data.examples]
    wechat = sum(bool(re.search(r"[，。？！]|[\U0001F300-\U0001FAFF]", t)) for t in texts)
    sms = sum(bool(re.search(r"[俺咱]", t)) and not re.search(r"[，。？！]", t) for t in texts)
    voice = sum(bool(re.match(r"(嗯|那个|呃|喂|就是) ", t)) for t in texts)
    assert min(wechat, voice) >= 300
    assert sms >= 100


def test_training_data_is_a_folder_a_real_rasa_trains_on(data: TrainingData) -> None:
    """Only data files in training_data/; config.yml and domain.yml beside it fit the data."""
    root = Path(__file__).resolve().parents[2]
    files = [p for p in (root / "training_data").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert files and all(p.suffix == ".yml" for p in files)
    assert not data.warnings
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    assert set(domain["intents"]) == set(data.intents)
    assert set(domain["entities"]) == {e.entity for ex in data.examples for e in ex.entities}
    config = yaml.safe_load((root / "config.yml").read_text(encoding="utf-8"))
    steps = {step["name"]: step for step in config["pipeline"]}
    assert (root / steps["JiebaTokenizer"]["dictionary_path"] / "places.txt").is_file()
    assert steps["RegexFeaturizer"]["use_word_boundaries"] is False
    assert config["language"] == "zh"
