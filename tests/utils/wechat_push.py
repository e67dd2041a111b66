"""Push messages to our WeChat endpoint exactly as the WeChat server does: XML bodies,
signature / timestamp / nonce in the query, and in safe mode the body encrypted and
signed with wechatpy's own `WeChatCrypto`."""

from __future__ import annotations

import secrets
import time
from typing import Any

import httpx
from defusedxml.ElementTree import fromstring
from fastapi.testclient import TestClient
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

ACCOUNT = "gh_qingliu12328"


def signature(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return str(signer.signature)


def text_xml(openid: str, content: str, msg_id: str, *, create_time: int | None = None) -> str:
    return _xml(
        openid, "text", create_time, f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id}</MsgId>"
    )


def voice_xml(openid: str, msg_id: str, recognition: str | None) -> str:
    extra = "<MediaId><![CDATA[media_voice_1]]></MediaId><Format><![CDATA[amr]]></Format>"
    if recognition is not None:
        extra += f"<Recognition><![CDATA[{recognition}]]></Recognition>"
    return _xml(openid, "voice", None, extra + f"<MsgId>{msg_id}</MsgId>")


def location_xml(openid: str, msg_id: str, lat: float, lon: float, label: str) -> str:
    extra = (
        f"<Location_X>{lat}</Location_X><Location_Y>{lon}</Location_Y><Scale>15</Scale>"
        f"<Label><![CDATA[{label}]]></Label><MsgId>{msg_id}</MsgId>"
    )
    return _xml(openid, "location", None, extra)


def image_xml(openid: str, msg_id: str, pic_url: str) -> str:
    extra = f"<PicUrl><![CDATA[{pic_url}]]></PicUrl><MediaId><![CDATA[media_img_1]]></MediaId><MsgId>{msg_id}</MsgId>"
    return _xml(openid, "image", None, extra)


def event_xml(openid: str, event: str, key: str | None = None, *, create_time: int | None = None) -> str:
    extra = f"<Event><![CDATA[{event}]]></Event>"
    if key is not None:
        extra += f"<EventKey><![CDATA[{key}]]></EventKey>"
    return _xml(openid, "event", create_time, extra)


def _xml(openid: str, msg_type: str, create_time: int | None, extra: str) -> str:
    return (
        f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>"
        f"<FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>{extra}</xml>"
    )


class WeChatServer:
    """Signs and posts like WeChat; in safe mode encrypts with wechatpy's crypto."""

    def __init__(
        self, client: TestClient, *, token: str, aes_key: str | None = None, app_id: str = ""
    ) -> None:
        self.client = client
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, app_id) if aes_key else None

    def query(self, *, timestamp: str | None = None, nonce: str | None = None) -> dict[str, str]:
        timestamp = timestamp or str(int(time.time()))
        nonce = nonce or secrets.token_hex(8)
        return {"signature": signature(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce}

    def push(self, xml: str | bytes, **query_overrides: Any) -> httpx.Response:
        query = self.query(
            timestamp=query_overrides.pop("timestamp", None), nonce=query_overrides.pop("nonce", None)
        )
        body = xml.encode() if isinstance(xml, str) else xml
        if self.crypto is not None:
            encrypted = self.crypto.encrypt_message(body.decode(), query["nonce"], query["timestamp"])
            msg_signature = encrypted.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
            query.update(encrypt_type="aes", msg_signature=msg_signature)
            body = encrypted.encode()
        query.update(query_overrides)
        return self.client.post("/wechat", params=query, content=body, headers={"Content-Type": "text/xml"})

    def reply_text(self, response: httpx.Response) -> str | None:
        """The text of a passive reply (decrypted in safe mode), None for `success`."""
        if response.text == "success":
            return None
        xml = response.text
        if self.crypto is not None:
            root = fromstring(xml)
            xml = self.crypto.decrypt_message(
                xml, root.findtext("MsgSignature"), root.findtext("TimeStamp"), root.findtext("Nonce")
            )
        return str(parse_message(xml).content)
