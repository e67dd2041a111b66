"""`cuntong agents ...` against a fresh SQLite file: accounts are created with a hashed
password read from stdin, refusals print one line and write nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from backend.db import make_engine, make_session_factory, session_scope
from backend.models.agents import Agent
from backend.services.agents.accounts import authenticate
from bot.cli import main


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SEED_ON_EMPTY", "false")
    return url


def run(monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(argv))


def accounts(url: str, *, usable: bool = True) -> list[Agent]:
    """The accounts in the database; `usable`: each signs in with the test password."""
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            found = list(session.scalars(select(Agent).order_by(Agent.username)))
            for agent in found:
                result = authenticate(session, username=agent.username, password="qingliu-12328")
                assert (result.agent is not None) is usable, result.reason
            return found
    finally:
        engine.dispose()


def test_add_an_agent_and_a_supervisor(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        run(
            monkeypatch,
            "agents",
            "add",
            "lin",
            "--role",
            "agent",
            "--name",
            "林小梅",
            "--password-stdin",
            stdin="qingliu-12328\n",
        )
        == 0
    )
    assert "已创建坐席账号 lin（林小梅）" in capsys.readouterr().out
    assert (
        run(
            monkeypatch,
            "agents",
            "add",
            "Chen",
            "--role",
            "supervisor",
            "--password-stdin",
            stdin="qingliu-12328\n",
        )
        == 0
    )
    made = accounts(database)
    assert [(a.username, a.display_name, a.role) for a in made] == [
        ("chen", "chen", "supervisor"),
        ("lin", "林小梅", "agent"),
    ]
    assert run(monkeypatch, "agents", "list") == 0
    listing = capsys.readouterr().out
    assert "lin\t林小梅\t坐席\t正常" in listing and "chen\tchen\t班长" in listing


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (("agents", "add", "lin", "--password-stdin"), "short\n", "密码至少 8 位"),
        (("agents", "add", "lin", "--password-stdin"), "", "标准输入里没有密码"),
        (("agents", "add", "林", "--password-stdin"), "qingliu-12328\n", "账号只能用"),
        (("agents", "add", "lin"), "qingliu-12328\n", "--password-stdin"),
        (("agents", "unlock", "nobody"), "", "没有账号 nobody"),
    ],
)
def test_refusals_print_one_line_and_write_nothing(
    database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: tuple[str, ...],
    stdin: str,
    message: str,
) -> None:
    assert run(monkeypatch, *argv, stdin=stdin) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and "Traceback" not in err and len(err.splitlines()) == 1
    if argv[1] == "add" and "没有密码" not in message and "password-stdin" not in message:
        assert accounts(database) == []


def test_a_taken_name_is_refused(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(monkeypatch, "agents", "add", "lin", "--password-stdin", stdin="qingliu-12328\n") == 0
    assert run(monkeypatch, "agents", "add", "lin", "--password-stdin", stdin="another-pass-1\n") == 1
    assert "账号 lin 已存在" in capsys.readouterr().err
    assert len(accounts(database)) == 1


def test_passwd_unlock_disable(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    run(monkeypatch, "agents", "add", "lin", "--password-stdin", stdin="first-pass-1\n")
    assert run(monkeypatch, "agents", "passwd", "lin", "--password-stdin", stdin="qingliu-12328\n") == 0
    assert run(monkeypatch, "agents", "unlock", "lin") == 0
    assert run(monkeypatch, "agents", "disable", "lin") == 0
    assert "已停用 lin" in capsys.readouterr().out
    assert accounts(database, usable=False)[0].active is False
    assert run(monkeypatch, "agents", "enable", "lin") == 0
    assert accounts(database)[0].active is True
