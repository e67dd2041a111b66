"""Hostile or unusual WeChat pushes (issue 11 §1, §3): a reply whose text holds `]]>`
still parses for WeChat (plain and safe mode, through wechatpy's own parser and crypto),
and XML declaring another encoding or an absurd CreateTime is a short 400, not a 500."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from channels.wechat_payloads import cdata, text_reply_xml
from tests.channels.test_wechat import AES_KEY, APP_ID, OPENID, TOKEN, Recorder, app_for, settings_for
from tests.utils.wechat_push import ACCOUNT, WeChatServer

TRICKY = "看这个]]>符号<b>&amp;"


def split_cdata_xml(content: str, msg_id: str) -> str:
    """What WeChat sends when the citizen typed `]]>`: the CDATA split in two."""
    inner = content.replace("]]>", "]]]]><![CDATA[>")
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><FromUserName><![CDATA[{OPENID}]]></FromUserName>"
        f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        f"<Content><![CDATA[{inner}]]></Content><MsgId>{msg_id}</MsgId></xml>"
    )


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture(params=["plain", "safe"])
def server(request: pytest.FixtureRequest, recorder: Recorder) -> Iterator[WeChatServer]:
    if request.param == "plain":
        with TestClient(app_for(settings_for(), recorder)) as client:
            yield WeChatServer(client, token=TOKEN)
    else:
        with TestClient(app_for(settings_for(aes_key=AES_KEY, app_id=APP_ID), recorder)) as client:
            yield WeChatServer(client, token=TOKEN, aes_key=AES_KEY, app_id=APP_ID)


def test_a_reply_holding_the_cdata_terminator_parses(server: WeChatServer, recorder: Recorder) -> None:
    response = server.push(split_cdata_xml(TRICKY, "33001"))
    assert response.status_code == 200
    assert recorder.messages[0].text == TRICKY
    assert server.reply_text(response) == f"收到：{TRICKY}"


def test_cdata_drops_characters_xml_forbids() -> None:
    xml = text_reply_xml(source="gh_x", target="o]]>1", content="a\x00b\x1bc]]>", create_time=1)
    assert cdata("]]>") == "<![CDATA[]]]]><![CDATA[>]]>"
    from defusedxml.ElementTree import fromstring

    root = fromstring(xml)
    assert (root.findtext("Content"), root.findtext("ToUserName")) == ("abc]]>", "o]]>1")


@pytest.mark.parametrize(
    "body",
    [
        "<?xml version='1.0' encoding='gbk'?><xml><MsgType>text</MsgType><Content>中文</Content></xml>".encode("gbk"),
        b"<?xml version='1.0' encoding='no-such'?><xml><MsgType>text</MsgType></xml>",
        (
            f"<xml><ToUserName>{ACCOUNT}</ToUserName><FromUserName>{OPENID}</FromUserName>"
            "<CreateTime>10000000000000000000000000000000000000000</CreateTime><MsgType>text</MsgType>"
            "<Content>x</Content><MsgId>33002</MsgId></xml>"
        ).encode(),
        (
            f"<xml><ToUserName>{ACCOUNT}</ToUserName><FromUserName>{OPENID}</FromUserName>"
            "<CreateTime>1e40</CreateTime><MsgType>text</MsgType><Content>x</Content><MsgId>33003</MsgId></xml>"
        ).encode(),
    ],
)
def test_hostile_xml_is_a_short_400(body: bytes, recorder: Recorder) -> None:
    with TestClient(app_for(settings_for(), recorder), raise_server_exceptions=False) as client:
        response = WeChatServer(client, token=TOKEN).push(body)
    assert response.status_code == 400 and len(response.content) < 200
    assert recorder.messages == []
