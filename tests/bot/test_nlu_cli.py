from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.commands import nlu as nlu_command
from tests.nlu.trained import trained_model

ROOT = Path(__file__).resolve().parents[2]
RUN = (
    "import argparse, sys\n"
    "from bot.commands import nlu\n"
    "p = argparse.ArgumentParser(); nlu.register(p.add_subparsers())\n"
    "a = p.parse_args(sys.argv[1:]); sys.exit(a.func(a))\n"
)


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return trained_model(tmp_path_factory.mktemp("cli-model"))[1]


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    nlu_command.register(parser.add_subparsers())
    return parser.parse_args(list(argv))


class _Stdio:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_parse_reads_lines_and_writes_one_json_per_line_in_order(
    model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = ["明天8点从嵩口去县城", "", "俺的快递到哪了", "😀"] * 250
    stdout = _Stdio(b"")
    monkeypatch.setattr(sys, "stdin", _Stdio(("\n".join(lines) + "\n").encode("utf-8")))
    monkeypatch.setattr(sys, "stdout", stdout)
    args = _args("nlu", "parse", "--model", str(model_path), "--now", "2026-11-20T09:00:00+08:00")
    assert args.func(args) == 0
    out = stdout.buffer.getvalue().decode("utf-8").splitlines()
    assert len(out) == 1000
    parsed = [json.loads(line) for line in out]
    assert [p["text"] for p in parsed] == lines
    assert parsed[0]["entities"][0]["value"] == "2026-11-21T08:00:00+08:00"
    assert parsed[1]["intent"]["name"] == "out_of_scope"
    assert "嵩口" in out[0]  # not \\u-escaped


def test_parse_subprocess_prints_nothing_but_json(model_path: Path) -> None:
    stdin = "从松口去县里 三个人\r\n\x00控制字符\nbad \xff bytes\n".encode().replace(b"\xc3\xbf", b"\xff")
    proc = subprocess.run(
        [sys.executable, "-c", RUN, "nlu", "parse", "--model", str(model_path), "--now", "2026-11-20T09:00"],
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=120,
        check=True,
    )
    out = proc.stdout.decode("utf-8").splitlines()
    assert len(out) == 3
    first = json.loads(out[0])
    assert first["text"] == "从松口去县里 三个人"
    assert [(e["entity"], e["value"]) for e in first["entities"]][:2] == [
        ("origin", "嵩口镇"),
        ("destination", "清流县城"),
    ]
    assert json.loads(out[2])["text"] == "bad \ufffd bytes"


def test_bad_now_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exc:
        _args("nlu", "parse", "--now", "tomorrow")
    assert exc.value.code == 2


def test_train_then_test_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    (data / "nlu").mkdir(parents=True)
    lines = {
        "greet": ["你好", "您好", "在吗", "早上好", "你好呀", "哈喽"],
        "thanks": ["谢谢", "多谢", "感谢", "谢谢你", "太感谢了", "谢了"],
        "track_parcel": ["查快递", "我的快递到哪了", "包裹到了没", "查一下物流", "快递几天到", "查件"],
    }
    body = 'version: "3.1"\nnlu:\n' + "".join(
        f"- intent: {i}\n  examples: |\n" + "".join(f"    - {t}\n" for t in ts) for i, ts in lines.items()
    )
    (data / "nlu" / "small.yml").write_text(body, encoding="utf-8")
    model = tmp_path / "nlu.pkl"
    args = _args("nlu", "train", "--model", str(model), "--data", str(data))
    assert args.func(args) == 0 and model.exists()
    args = _args("nlu", "test", "--model", str(model), "--data", str(data), "--folds", "3")
    assert args.func(args) == 0
    out = capsys.readouterr()
    assert "held-out split" in out.out and "3-fold cross-validation" in out.out
    assert "intent accuracy" in out.out and "track_parcel" in out.out
    assert "fold 1/3" in out.err
