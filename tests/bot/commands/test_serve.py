"""`cuntong serve` refuses a process count that cannot work, before touching anything."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


def test_several_workers_without_redis_are_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "never.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert main(["serve", "--workers", "2"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("配置错误 REDIS_URL") and "2 个工作进程" in lines[0]
    assert not database.exists()


def test_several_workers_without_a_webchat_secret_are_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "never.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/9")
    monkeypatch.delenv("WEBCHAT_SECRET", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env of the checkout
    assert main(["serve", "--workers", "2"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("配置错误 WEBCHAT_SECRET") and "2 个工作进程" in lines[0]
    assert not database.exists()


def test_zero_workers_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'never.db'}")
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--workers", "0"])
    assert exited.value.code == 2
    assert "至少 1 个进程" in capsys.readouterr().err
    assert not (tmp_path / "never.db").exists()
