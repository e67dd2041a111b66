"""`cuntong chat`: a terminal conversation, against a running service (REST channel) or
in-process with --local; options show as [1] 确认 and are answered by number."""

from __future__ import annotations

import asyncio
import io

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.cli import build_parser
from bot.commands.chat import chat_local, chat_remote
from bot.runtime import Runtime
from tests.utils.conversation import make_processor, make_store, trained_nlu

LINES = "我要订车，明天早上8点半从嵩口去县城，两个人\n\n13905989001\n不验证\n1\n/quit\n这一行不会发出\n"


def test_chat_against_the_service(runtime: Runtime) -> None:
    store, _ = make_store("memory")
    runtime.extras.update(nlu=trained_nlu(), state_store=store, processor=make_processor(runtime, store))
    out = io.StringIO()
    with TestClient(create_app(runtime=runtime)) as client:
        assert chat_remote("http://testserver", "term-1", io.StringIO(LINES), out, client=client) == 0
    shown = out.getvalue().splitlines()
    assert shown[0] == "村通：请留一个手机号，方便司机联系您。"
    assert shown[1].startswith("村通：验证码已发到尾号9001")
    assert shown[2].startswith("村通：好的，不验证也能办")
    assert shown[2].endswith("请确认：明天(11月21日)08:30 嵩口镇→清流县城 2人，村通约车，派好车后告诉您车牌和司机")
    assert shown[3].split() == ["[1]", "确认", "[2]", "修改", "[3]", "改坐07:39的1路", "[4]", "改坐09:34的1路"]
    assert shown[4].startswith("村通：预约成功！订单号B20261120")
    assert len(shown) == 5


def test_chat_says_what_to_do_when_no_service_runs(capsys: pytest.CaptureFixture[str]) -> None:
    out = io.StringIO()
    assert chat_remote("http://127.0.0.1:9", "term-2", io.StringIO("你好\n"), out) == 2
    assert out.getvalue() == ""
    assert "cuntong serve" in capsys.readouterr().err


def test_chat_in_process(runtime: Runtime) -> None:
    store, _ = make_store("memory")
    runtime.extras.update(nlu=trained_nlu(), state_store=store, processor=make_processor(runtime, store))
    out = io.StringIO()
    assert (
        asyncio.run(
            chat_local("term-3", io.StringIO("我的快递到哪了\nJT4678203589049\n"), out, runtime=runtime)
        )
        == 0
    )
    assert "取件码已短信发送到收件人尾号3426" in out.getvalue() and "733750" not in out.getvalue()


def test_the_command_is_registered() -> None:
    args = build_parser().parse_args(["chat", "--sender", "me", "--local"])
    assert (args.sender, args.local, args.url) == ("me", True, "http://127.0.0.1:8000")
