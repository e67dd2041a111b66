"""Rasa data written by other people: formats, warnings, every entity type learned, Rasa's parse rules.

The data sets are small ones written for these tests (`tests/nlu/rasa_sets.py`), never the
project's own training data.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from bot.commands import nlu as nlu_command
from nlu.pipeline import NluPipeline
from nlu.training_data import TrainingDataError, load_training_data
from tests.nlu import rasa_sets
from tests.nlu.trained import NOW


def _key(data) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [
        (ex.text, ex.intent, ex.response_key, [(e.entity, e.value, e.start, e.end, e.role, e.group) for e in ex.entities])
        for ex in data.examples
    ]


@pytest.fixture(scope="module")
def yaml_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rasa_sets.write_yaml(tmp_path_factory.mktemp("foreign") / "data")


@pytest.fixture(scope="module")
def foreign(yaml_dir: Path) -> NluPipeline:
    return NluPipeline.train(yaml_dir, seed=1)


def _ents(result: dict) -> list[tuple]:  # type: ignore[type-arg]
    return [(e["entity"], e["value"], e.get("role"), e.get("group")) for e in result["entities"]]


# ---- loading ------------------------------------------------------------------------


def test_yaml_json_and_markdown_read_the_same(yaml_dir: Path, tmp_path: Path) -> None:
    from_yaml = load_training_data(yaml_dir)
    from_json = load_training_data(rasa_sets.write_json(tmp_path / "json" / "nlu.json"))
    from_md = load_training_data(rasa_sets.write_markdown(tmp_path / "md" / "nlu.md").parent)
    assert _key(from_yaml) == _key(from_json) == _key(from_md)
    for data in (from_yaml, from_json, from_md):
        assert data.synonyms["帝都"] == "北京" and data.regexes == rasa_sets.REGEX
        assert data.lookups == rasa_sets.LOOKUP and not data.warnings
    ticket = next(ex for ex in from_yaml.examples if ex.intent == "book_ticket")
    assert [(e.entity, e.role) for e in ticket.entities] == [("city", "from"), ("city", "to")]
    food = next(ex for ex in from_yaml.examples if ex.intent == "order_food")
    assert [e.group for e in food.entities] == ["1", "1", "2", "2"]
    faq = [ex for ex in from_yaml.examples if ex.intent == "faq"]
    assert {ex.response_key for ex in faq} == {"ask_hours", "ask_parking"}
    assert faq[0].full_intent.startswith("faq/ask_")


def test_non_nlu_json_and_markdown_files_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "nlu.yml").write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - 你好\n')
    (tmp_path / "README.md").write_text("# 我们的机器人\n\n- 一个列表\n", encoding="utf-8")
    (tmp_path / "package.json").write_text('{"name": "widget"}')
    (tmp_path / "stories.md").write_text("## happy path\n* greet\n  - utter_greet\n")
    (tmp_path / ".rasa").mkdir()
    (tmp_path / ".rasa" / "cache.json").write_text("not json")
    (tmp_path / "chart.yaml").write_text("replicas: {{ .Values.n }}\n  bad: [")
    data = load_training_data(tmp_path)
    assert [(e.text, e.intent) for e in data.examples] == [("你好", "greet")]
    assert data.warnings == [f"{tmp_path / 'chart.yaml'}: not valid YAML and no nlu section; skipped"]


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("bad.json", '{"rasa_nlu_data": {"common_examples": [{"text": "hi"', "not valid JSON"),
        ("span.json", '{"rasa_nlu_data": {"common_examples": [{"text": "你好", "intent": "greet", '
         '"entities": [{"start": 1, "end": 9, "entity": "x"}]}]}}', "outside"),
        ("list.json", '{"rasa_nlu_data": {"common_examples": {"text": "你好"}}}', "must be a list"),
        ("bad.md", "## intent:greet\n- 你好\n这不是一个例子\n", "expected a '- example' line"),
        ("lookup.md", "## intent:greet\n- 你好\n## lookup:city\nmissing/cities.txt\n", "not found"),
    ],
)  # fmt: skip
def test_malformed_json_and_markdown_are_a_clear_error(tmp_path: Path, name: str, content: str, match: str) -> None:
    (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(TrainingDataError, match=match) as info:
        load_training_data(tmp_path)
    assert name in str(info.value)


def test_rasa_warnings_yaml_12_and_dash_without_space(tmp_path: Path) -> None:
    (tmp_path / "nlu.yml").write_text(
        'version: "3.5"\nnlu:\n'
        "- intent: affirm\n  examples: |\n    -yes\n    - 对\n"
        "- intent: no\n  examples: |\n    - 不\n"
        "- synonym: 北京\n  examples: |\n    - 帝都\n"
        "- synonym: 上海\n  examples: |\n    - 帝都\n"
        "- intent: greet\n  intent: hello\n  examples: |\n    - 你好\n"
        "- responses: {}\n"
        "extra_key: 1\n",
        encoding="utf-8",
    )
    data = load_training_data(tmp_path)
    assert [(e.text, e.intent) for e in data.examples] == [("yes", "affirm"), ("对", "affirm"), ("不", "no"), ("你好", "hello")]
    text = "\n".join(data.warnings)
    assert "newer than 3.1" in text
    assert "'帝都' maps to both '北京' and '上海'" in text and data.synonyms["帝都"] == "上海"
    assert "key 'intent' appears twice" in text
    assert "unknown key(s) ['responses']" in text
    assert "unknown top-level key 'extra_key'" in text


def test_no_examples_is_a_clear_error_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "nlu.yml").write_text('version: "3.1"\nnlu:\n- synonym: 北京\n  examples: |\n    - 帝都\n')
    with pytest.raises(TrainingDataError, match="no examples found"):
        NluPipeline.train(tmp_path)
    parser = argparse.ArgumentParser()
    nlu_command.register(parser.add_subparsers())
    args = parser.parse_args(["nlu", "train", "--data", str(tmp_path), "--model", str(tmp_path / "m.pkl")])
    assert args.func(args) == 2
    assert "no examples found" in capsys.readouterr().err
    assert not (tmp_path / "m.pkl").exists()


# ---- a pipeline trained on foreign data ------------------------------------------------


def test_every_annotated_entity_type_is_learned(foreign: NluPipeline) -> None:
    result = foreign.parse("订明天3个人的川菜", now=NOW)
    assert result["intent"]["name"] == "book_table"
    assert _ents(result) == [("date", "明天", None, None), ("people", "3个人", None, None), ("cuisine", "川菜", None, None)]
    assert all(e["extractor"] == "CRFEntityExtractor" for e in result["entities"])
    assert all(0.3 < e["confidence_entity"] <= 1.0 for e in result["entities"])  # the CRF's marginals
    spans = [(e["start"], e["end"]) for e in result["entities"]]
    assert spans == [(1, 3), (3, 6), (7, 9)]


def test_roles_and_groups_are_returned(foreign: NluPipeline) -> None:
    result = foreign.parse("买一张从成都到广州的票", now=NOW)
    assert _ents(result) == [("city", "成都", "from", None), ("city", "广州", "to", None)]
    result = foreign.parse("一份饺子和两份米粉", now=NOW)
    assert _ents(result) == [
        ("amount", "一份", None, "1"), ("dish", "饺子", None, "1"), ("amount", "两份", None, "2"), ("dish", "米粉", None, "2"),
    ]  # fmt: skip


def test_lookup_and_regex_blocks_help_with_unseen_values(foreign: NluPipeline) -> None:
    result = foreign.parse("查一下厦门的天气", now=NOW)  # 厦门 is only in the lookup table
    assert ("city", "厦门", None, None) in _ents(result)
    result = foreign.parse("订单DD99887766到哪了", now=NOW)  # a number no example has
    assert result["intent"]["name"] == "check_order"
    assert _ents(result) == [("order_id", "DD99887766", None, None)]


def test_synonyms_map_learned_values(foreign: NluPipeline) -> None:
    (city,) = foreign.parse("查一下帝都的天气", now=NOW)["entities"]  # an inline value
    assert (city["entity"], city["value"], city["processors"]) == ("city", "北京", ["EntitySynonymMapper"])
    (city,) = foreign.parse("魔都明天会下雨吗", now=NOW)["entities"][:1]  # a synonym block
    assert (city["entity"], city["value"]) == ("city", "上海")


def test_no_pilot_places_or_unannotated_types_on_foreign_data(foreign: NluPipeline) -> None:
    assert not foreign.gazetteer.entries
    result = foreign.parse("明天8点从嵩口去县城", now=NOW)
    assert all(e["entity"] not in ("origin", "destination", "place", "time") for e in result["entities"])


def test_below_the_threshold_is_nlu_fallback_without_out_of_scope(foreign: NluPipeline) -> None:
    assert "out_of_scope" not in foreign.classifier.labels
    result = foreign.parse("量子力学的薛定谔方程", now=NOW)
    assert result["intent"] == {"name": "nlu_fallback", "confidence": foreign.threshold}
    assert result["intent_ranking"][0]["name"] == "nlu_fallback"
    assert foreign.parse("？？", now=NOW)["intent"]["name"] == "nlu_fallback"


def test_retrieval_intent_answers_intent_and_response_key(foreign: NluPipeline) -> None:
    result = foreign.parse("你们几点开门", now=NOW)
    assert result["intent"]["name"] == "faq"
    selector = result["response_selector"]
    assert selector["all_retrieval_intents"] == ["faq"]
    assert selector["faq"]["response"]["intent_response_key"] == "faq/ask_hours"
    assert selector["faq"]["response"]["utter_action"] == "utter_faq/ask_hours"
    assert all("/" not in r["name"] for r in result["intent_ranking"])


def test_button_payloads_parse_as_in_rasa(foreign: NluPipeline) -> None:
    text = '/book_table{"people": "3个人", "cuisine": ["川菜", "火锅"]}'
    result = foreign.parse(text, now=NOW)
    start = text.index("{")
    assert result["intent"] == {"name": "book_table", "confidence": 1.0}
    assert result["intent_ranking"] == [{"name": "book_table", "confidence": 1.0}]
    assert [(e["entity"], e["value"], e["start"], e["end"]) for e in result["entities"]] == [
        ("people", "3个人", start, len(text)), ("cuisine", "川菜", start, len(text)), ("cuisine", "火锅", start, len(text)),
    ]  # fmt: skip
    assert foreign.parse("/greet@0.7", now=NOW)["intent"] == {"name": "greet", "confidence": 0.7}
    assert foreign.parse('/greet{"bad json', now=NOW)["entities"] == []
    assert foreign.parse("/faq", now=NOW)["intent"]["name"] == "faq"
    unknown = foreign.parse("/launch_rocket", now=NOW)  # not an intent of this model: parsed as text
    assert unknown["intent"]["name"] != "launch_rocket"


def test_saved_foreign_model_parses_the_same(foreign: NluPipeline, tmp_path: Path) -> None:
    foreign.save(tmp_path / "m.pkl")
    loaded = NluPipeline.load(tmp_path / "m.pkl")
    for text in ["买一张从成都到广州的票", "查一下帝都的天气", "你们几点开门"]:
        assert loaded.parse(text, now=NOW) == foreign.parse(text, now=NOW)


def test_cli_test_reports_per_entity_figures_on_a_rasa_project(
    yaml_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = yaml_dir.parent
    (project / "config.yml").write_text("language: zh\npipeline: []\n", encoding="utf-8")
    parser = argparse.ArgumentParser()
    nlu_command.register(parser.add_subparsers())
    args = parser.parse_args(["nlu", "test", "--data", str(project), "--folds", "0", "--model", str(tmp_path / "m.pkl")])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line and not line.startswith(("=", " "))}
    for entity in ("city", "cuisine", "date", "people", "order_id", "dish", "amount"):
        assert entity in rows, out
    assert float(rows["city"][2]) >= 0.8 and float(rows["ALL"][3]) >= 0.8
