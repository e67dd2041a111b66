"""The WeChat official-account push messages we act on, as declarative pydantic models.

`parse_xml` reads the pushed XML with defusedxml (no DTDs, no entities, so no
"billion laughs" and no external entities) into a flat dict of child elements, and
`parse_payload` picks the model by `MsgType` (and `Event` for events) from the
type-keyed `PAYLOADS` dict, with `UnknownPayload` as the fallback (STYLE.md §12);
`to_message` turns a payload into the channel-neutral `Message`.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from typing import Any, ClassVar
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from channels.errors import PayloadError
from channels.messages import Location, Media, Message

MAX_XML_BYTES = 64 * 1024
MAX_CREATE_TIME = 2**32  # seconds since 1970: year 2106, far past any real push
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class WeChatPayload(BaseModel):
    """Fields common to every push. 详情请参阅
    https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html"""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", frozen=True)

    to_user: str = Field(alias="ToUserName", min_length=1, max_length=64)
    from_user: str = Field(alias="FromUserName", min_length=1, max_length=128)
    create_time: int = Field(alias="CreateTime", ge=0, le=MAX_CREATE_TIME)
    msg_type: str = Field(alias="MsgType", min_length=1, max_length=32)

    key: ClassVar[str] = ""

    @property
    def dedup_id(self) -> str:
        """What identifies this push across WeChat's retries."""
        return f"{self.from_user}:{self.create_time}:{self.msg_type}"


class _Message(WeChatPayload):
    msg_id: str = Field(alias="MsgId", min_length=1, max_length=64)

    @property
    def dedup_id(self) -> str:
        return self.msg_id


class TextPayload(_Message):
    """文本消息. 详情请参阅
    https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html"""

    key: ClassVar[str] = "text"
    content: str = Field(alias="Content", default="", max_length=4096)


class VoicePayload(_Message):
    """语音消息; `Recognition` holds WeChat's speech-to-text when the account enabled it. 详情请参阅
    https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html"""

    key: ClassVar[str] = "voice"
    media_id: str = Field(alias="MediaId", default="", max_length=256)
    format: str = Field(alias="Format", default="", max_length=16)
    recognition: str = Field(alias="Recognition", default="", max_length=4096)


class ImagePayload(_Message):
    """图片消息. 详情请参阅
    https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html"""

    key: ClassVar[str] = "image"
    pic_url: str = Field(alias="PicUrl", default="", max_length=1024)
    media_id: str = Field(alias="MediaId", default="", max_length=256)


class LocationPayload(_Message):
    """地理位置消息 (Location_X is the latitude, Location_Y the longitude). 详情请参阅
    https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html"""

    key: ClassVar[str] = "location"
    latitude: float = Field(alias="Location_X", ge=-90, le=90)
    longitude: float = Field(alias="Location_Y", ge=-180, le=180)
    scale: int | None = Field(alias="Scale", default=None)
    label: str = Field(alias="Label", default="", max_length=512)


class _Event(WeChatPayload):
    event: str = Field(alias="Event", min_length=1, max_length=64)
    event_key: str = Field(alias="EventKey", default="", max_length=256)

    @property
    def dedup_id(self) -> str:
        """Events carry no MsgId: sender + create time + event name."""
        return f"{self.from_user}:{self.create_time}:{self.event.lower()}"


class SubscribeEvent(_Event):
    """关注事件 (EventKey `qrscene_…` when followed by scanning a parameter QR code). 详情请参阅
    https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html"""

    key: ClassVar[str] = "event:subscribe"


class UnsubscribeEvent(_Event):
    """取消关注事件. 详情请参阅
    https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html"""

    key: ClassVar[str] = "event:unsubscribe"


class ClickEvent(_Event):
    """自定义菜单点击事件; `EventKey` is the key set when the menu was created. 详情请参阅
    https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html"""

    key: ClassVar[str] = "event:click"
    event_key: str = Field(alias="EventKey", min_length=1, max_length=128)


class UnknownPayload(WeChatPayload):
    """Anything else (video, link, VIEW, LOCATION reports …): answered `success`, not processed."""

    key: ClassVar[str] = "unknown"
    event: str = Field(alias="Event", default="", max_length=64)


PAYLOADS: dict[str, type[WeChatPayload]] = {
    cls.key: cls
    for cls in (
        TextPayload,
        VoicePayload,
        ImagePayload,
        LocationPayload,
        SubscribeEvent,
        UnsubscribeEvent,
        ClickEvent,
    )
}


def parse_xml(body: bytes) -> dict[str, str]:
    """The `<xml>` root's child elements as a flat dict; PayloadError if hostile or malformed."""
    if len(body) > MAX_XML_BYTES:
        raise PayloadError(f"消息过大（{len(body)} 字节）")
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException) as exc:
        raise PayloadError(f"无法解析的 XML：{type(exc).__name__}") from None
    except (ValueError, LookupError):  # encoding='gbk' (multi-byte) or an unknown encoding
        raise PayloadError("XML 应为 UTF-8 编码") from None
    if root.tag != "xml":
        raise PayloadError("根元素应为 <xml>")
    fields: dict[str, str] = {}
    for child in root:
        if len(child):
            continue  # nested structures (menus, card data) are not used
        fields[child.tag] = (child.text or "").strip()
    return fields


def parse_payload(fields: dict[str, str]) -> WeChatPayload:
    """The model for this push; PayloadError when a known kind lacks what it needs."""
    msg_type = fields.get("MsgType", "").lower()
    key = f"event:{fields.get('Event', '').lower()}" if msg_type == "event" else msg_type
    cls = PAYLOADS.get(key, UnknownPayload)
    try:
        return cls.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise PayloadError(f"消息字段 {where} 无效：{first['msg']}") from None


def to_message(payload: WeChatPayload) -> Message | None:
    """The channel-neutral message for a push, or None for kinds we do not act on."""
    base: dict[str, Any] = {
        "channel": "wechat",
        "sender": payload.from_user,
        "received_at": datetime.fromtimestamp(payload.create_time, UTC),
        "message_id": payload.dedup_id,
        "metadata": {"account": payload.to_user, "msg_type": payload.msg_type},
    }
    if isinstance(payload, TextPayload):
        return Message(text=payload.content.strip(), **base)
    if isinstance(payload, VoicePayload):
        media = (Media(kind="voice", media_id=payload.media_id or None),)
        return Message(text=payload.recognition.strip(), media=media, **base)
    if isinstance(payload, ImagePayload):
        media = (Media(kind="image", url=payload.pic_url or None, media_id=payload.media_id or None),)
        return Message(text="", event="image", media=media, **base)
    if isinstance(payload, LocationPayload):
        location = Location(lat=payload.latitude, lon=payload.longitude, label=payload.label or None)
        return Message(text=payload.label, event="location", location=location, **base)
    if isinstance(payload, SubscribeEvent):
        scene = payload.event_key.removeprefix("qrscene_")
        return Message(
            text="", event="subscribe", **{**base, "metadata": {**base["metadata"], "scene": scene}}
        )
    if isinstance(payload, UnsubscribeEvent):
        return Message(text="", event="unsubscribe", **base)
    if isinstance(payload, ClickEvent):
        return Message(text="", event=f"menu:{payload.event_key}", **base)
    return None


def cdata(text: str) -> str:
    """`text` as CDATA that survives any content: a `]]>` inside is split across two
    sections (wechatpy writes it unescaped, and WeChat then shows "该公众号暂时无法提供服务"),
    characters XML 1.0 forbids are dropped."""
    clean = _XML_ILLEGAL.sub("", text)
    return "<![CDATA[" + clean.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def text_reply_xml(*, source: str, target: str, content: str, create_time: int | None = None) -> str:
    """被动回复文本消息. 详情请参阅
    https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Passive_user_reply_message.html"""
    return (
        f"<xml><ToUserName>{cdata(target)}</ToUserName><FromUserName>{cdata(source)}</FromUserName>"
        f"<CreateTime>{int(create_time if create_time is not None else time.time())}</CreateTime>"
        f"<MsgType><![CDATA[text]]></MsgType><Content>{cdata(content)}</Content></xml>"
    )
