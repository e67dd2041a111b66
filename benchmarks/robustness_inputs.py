"""Hostile inputs for benchmarks/robustness.py: for each public endpoint a fixed-seed
stream of requests (wrong types, oversize, invalid UTF-8, control and right-to-left
characters, lone surrogates, NaN, deep nesting, hostile XML, duplicate ids). Webhooks
are signed correctly where the fuzz should reach the parser behind the signature."""

from __future__ import annotations

import hashlib
import json
import random
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

WECHAT_TOKEN = "robustness-wechat-token"
TWILIO_TOKEN = "robustness-twilio-token"
OPERATOR_TOKEN = "robustness-operator-token"
SMS_CALLBACK_TOKEN = "robustness-sms-callback-token"
DOMESTIC_PATHS = ("/sms/aliyun/uplink", "/sms/tencent/uplink", "/sms/aliyun/report", "/sms/tencent/report")

NASTY_TEXT: tuple[str, ...] = (
    "", " ", "明天去县城", "\u202e县城去嵩口\u202c", "\u200f\u200e\u2066x\u2069", "\x00\x01\x1b[31m", "a]]>b",
    "<script>alert(1)</script>", "'; DROP TABLE bookings;--", "%s%n%x", "{{7*7}}", "../../etc/passwd",
    "🚌" * 50, "嵩口" * 3000, "9" * 400, "-1", "1e40", "NaN", "null", "\r\n\r\nX-Injected: 1", "\ufeff\ufffe",
    "13800138000", "B209912310001", "9999-12-31T23:59:59", "0001-01-01", "\\ud800",
)  # fmt: skip
JSON_VALUES: tuple[object, ...] = (None, True, 0, -1, 2**70, 1.5, "", "x" * 5000, [], {}, [1, [2, [3]]], {"a": {"b": 1}})


@dataclass
class Req:
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


def raw_json_bodies(rng: random.Random, fields: tuple[str, ...]) -> bytes:
    """One JSON-ish body: valid with hostile values, or broken on purpose."""
    kind = rng.randrange(8)
    if kind == 0:
        return b'{"' + fields[0].encode() + b'": "\xff\xfe\xc3"}'
    if kind == 1:
        return f'{{"{fields[0]}": NaN, "{fields[-1]}": Infinity}}'.encode()
    if kind == 2:
        return f'{{"{fields[0]}": "\\ud800x", "{fields[-1]}": "\\udfff"}}'.encode()
    if kind == 3:
        depth = rng.choice((40, 5000, 30000))
        return b"[" * depth + b"]" * depth
    if kind == 4:
        return json.dumps({f: "x" * 70_000 for f in fields[:1]}).encode()
    if kind == 5:
        return rng.choice((b"", b"{", b"null", b"[]", b'"text"', b"{}" * 10, b"\x00" * 10))
    values = {f: rng.choice((*NASTY_TEXT, *JSON_VALUES)) for f in fields if rng.random() < 0.8}
    return json.dumps(values, ensure_ascii=rng.random() < 0.5).encode()


def generic(rng: random.Random, method: str, path: str, query: tuple[str, ...], body_fields: tuple[str, ...]) -> Req:
    filled = path
    while "{" in filled:
        start, end = filled.index("{"), filled.index("}")
        filled = filled[:start] + rng.choice(("B202611200001", "C20261115003", "x" * 300, "%00", "..", "闽G12345", "1")) + filled[end + 1 :]
    params = {name: str(rng.choice((*NASTY_TEXT, "嵩口", "县城", "2026-11-20T09:00", "5", "-3", "99999")))[:2000] for name in query if rng.random() < 0.8}
    headers = {"Authorization": f"Bearer {OPERATOR_TOKEN}"} if rng.random() < 0.5 else {}
    if method in ("POST", "PUT", "PATCH"):
        headers["Content-Type"] = rng.choice(("application/json", "application/json", "text/plain", "application/x-www-form-urlencoded"))
        return Req(method, filled, params, raw_json_bodies(rng, body_fields or ("value",)), headers)
    return Req(method, filled, params, None, headers)


def rest(rng: random.Random, i: int) -> Req:
    if rng.random() < 0.5:
        return Req("POST", "/webhooks/rest/webhook", body=raw_json_bodies(rng, ("sender", "message", "message_id", "metadata")), headers={"Content-Type": "application/json"})
    body = {"sender": rng.choice(("fuzz-a", "fuzz-b", "13800138000", "\u202efuzz")), "message": rng.choice(NASTY_TEXT), "message_id": f"rest-{rng.randrange(40)}"}
    return Req("POST", "/webhooks/rest/webhook", body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})


def parse(rng: random.Random, i: int) -> Req:
    if rng.random() < 0.5:
        return Req("POST", "/model/parse", body=raw_json_bodies(rng, ("text", "now")), headers={"Content-Type": "application/json"})
    body = {"text": rng.choice(NASTY_TEXT), "now": rng.choice(("2026-11-20T09:00:00+08:00", "0001-01-01T00:00:00", "9999-12-31T23:59:59-12:00", "x"))}
    return Req("POST", "/model/parse", body=json.dumps(body).encode(), headers={"Content-Type": "application/json"})


def wechat_signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def wechat_xml(rng: random.Random, msg_id: str) -> bytes:
    openid = rng.choice(("oFuzzVillager000000000000001", "oFuzz]]>x", "o" * 200))
    content = rng.choice(NASTY_TEXT).replace("]]>", "]]]]><![CDATA[>")
    create = rng.choice((str(int(time.time())), "1e40", "-5", "9" * 40, ""))
    kind = rng.randrange(7)
    if kind == 0:
        return b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><xml><Content>&b;</Content></xml>'
    if kind == 1:
        return b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Content>&e;</Content></xml>'
    if kind == 2:
        return "<?xml version='1.0' encoding='gbk'?><xml><MsgType>text</MsgType><Content>中文</Content></xml>".encode("gbk")
    if kind == 3:
        return rng.choice((b"<xml>", b"\xff\xfe<xml/>", b"<notxml/>", b"<xml>" + b"<a>" * 3000 + b"</a>" * 3000 + b"</xml>"))
    return (
        f"<xml><ToUserName><![CDATA[gh_fuzz]]></ToUserName><FromUserName><![CDATA[{openid}]]></FromUserName>"
        f"<CreateTime>{create}</CreateTime><MsgType><![CDATA[{rng.choice(('text', 'event', 'voice', 'location', 'image', 'x'))}]]></MsgType>"
        f"<Content><![CDATA[{content}]]></Content><Event>subscribe</Event><Location_X>{rng.choice(('91', 'NaN', '1e400', '26.1'))}</Location_X>"
        f"<Location_Y>117</Location_Y><MsgId>{msg_id}</MsgId></xml>"
    ).encode("utf-8", "surrogatepass")


def wechat(rng: random.Random, i: int) -> Req:
    timestamp, nonce = str(int(time.time())), f"n{rng.randrange(10**9)}"
    query = {"timestamp": timestamp, "nonce": nonce, "signature": wechat_signature(WECHAT_TOKEN, timestamp, nonce)}
    if rng.random() < 0.15:
        query = {k: rng.choice((v, "", "x" * 100, "-1")) for k, v in query.items()}
    if rng.random() < 0.2:
        query["echostr"] = rng.choice(("123", "x" * 500, ""))
        return Req("GET", "/wechat", params=query)
    return Req("POST", "/wechat", params=query, body=wechat_xml(rng, f"7{rng.randrange(60)}"), headers={"Content-Type": "text/xml"})


def twilio(path: str, base_url: str, fields: dict[str, str], rng: random.Random) -> Req:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    body = urlencode(fields).encode()
    kind = rng.randrange(10)
    if kind == 0:
        body = b"From=%ff%fe&Body=\xff\xfe&MessageSid=x"
    elif kind == 1:
        body = b"From=1&From=2&Body=x&MessageSid=x&To=1"
    if kind <= 1 or rng.random() < 0.9:
        headers["X-Twilio-Signature"] = RequestValidator(TWILIO_TOKEN).compute_signature(base_url + path, fields)
    return Req("POST", path, body=body, headers=headers)


def sms(rng: random.Random, i: int, base_url: str) -> Req:
    fields = {
        "From": rng.choice(("+8613800138000", "+8613900139000", "", "+86" + "1" * 40, "\u202e123")),
        "To": "+8659112328",
        "Body": rng.choice(NASTY_TEXT)[:1600] or "退订",
        "MessageSid": f"SMfuzz{rng.randrange(50)}",
    }
    return twilio("/sms/inbound", base_url, fields, rng)


def voice(rng: random.Random, i: int, base_url: str) -> Req:
    path = rng.choice(("/voice/inbound", "/voice/gather"))
    fields = {
        "From": "+8613800138000", "To": "+8659112328", "CallSid": f"CAfuzz{rng.randrange(30)}",
        "SpeechResult": rng.choice(NASTY_TEXT)[:500], "Digits": rng.choice(("1", "#", "x" * 50, "")), "Confidence": rng.choice(("0.9", "NaN", "-1")),
    }  # fmt: skip
    return twilio(path, base_url, fields, rng)


def login(rng: random.Random, i: int) -> Req:
    fields = {"username": rng.choice(NASTY_TEXT)[:100], "password": rng.choice(NASTY_TEXT)[:200], "csrf_token": "x", "next": rng.choice(("//evil.example", "/console", "\\\\evil"))}
    body = urlencode(fields).encode() if rng.random() < 0.8 else b"username=%ff&password=\xff"
    return Req("POST", "/console/login", body=body, headers={"Content-Type": "application/x-www-form-urlencoded"})


def domestic(rng: random.Random, i: int) -> Req:
    """Aliyun/Tencent uplinks and receipts with the right token (mostly), so the fuzz reaches
    the parsers: the providers' own field names with hostile values, and broken JSON."""
    path = rng.choice(DOMESTIC_PATHS)
    params = {"token": SMS_CALLBACK_TOKEN if rng.random() < 0.9 else rng.choice(("", "x", "\u202e"))}
    if rng.random() < 0.4:
        fields = ("phone_number", "send_time", "content", "sequence_id", "mobile", "text", "time", "sid")
        return Req("POST", path, params, raw_json_bodies(rng, fields), {"Content-Type": "application/json"})
    text = rng.choice(NASTY_TEXT)[:500] or "TD"
    aliyun_up = {"phone_number": rng.choice(("13800138000", "", "1" * 40)), "send_time": rng.choice(("2026-11-20 09:00:00", "x", "9999-99-99 99:99:99")),
                 "content": text, "sign_name": "村通", "dest_code": "1", "sequence_id": rng.choice((rng.randrange(30), -1, 2**70, "x"))}
    tencent_up = {"extend": "", "mobile": rng.choice(("13800138000", "", "x" * 40)), "nationcode": rng.choice(("86", "1", "")), "sign": "村通",
                  "text": text, "time": rng.choice((1763600000, -1, 2**70, "x"))}
    report = {"phone_number": "13800138000", "mobile": "13800138000", "success": rng.choice((True, "x", None)), "report_status": rng.choice(("SUCCESS", "FAIL", "")),
              "biz_id": rng.choice(("", "x" * 300, "123^456")), "sid": rng.choice(("", "x" * 300)), "err_code": "DELIVERED", "errmsg": text}
    body = {"/sms/aliyun/uplink": [aliyun_up], "/sms/tencent/uplink": tencent_up}.get(path, [report])
    return Req("POST", path, params, json.dumps(body, ensure_ascii=rng.random() < 0.5).encode(), {"Content-Type": "application/json"})
