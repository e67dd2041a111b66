"""Every text renders in every style; short texts leave room for numbered options in two
SMS segments; spoken texts carry no symbols a listener cannot hear."""

from __future__ import annotations

import re
import string

import pytest

from dialogs.texts import TEXTS, render

SAMPLE = {
    "form": "订车", "when": "明天(11月21日)08:00", "trip": "嵩口镇→清流县城", "people": "2人",
    "day": "明天(11月21日)", "id": "B202611200001", "line": "明天(11月21日)08:00 嵩口镇→清流县城 2人",
    "fare": "20元", "max": 19, "count": 3, "name": "张小明", "school": "清流县第一中学", "home": "嵩口镇",
    "guess": "嵩口镇", "town": "嵩口镇", "message": "这班车只剩1个座位，坐不下2人", "place": "嵩口镇", "where": "嵩口镇",
    "origin": "嵩口镇", "destination": "福州市", "goods": "笋干20斤", "phone": "3000", "category": "司机服务",
    "story": "司机态度很差，还骂人", "extra": "，昨天15:00", "first": "11月23日", "due": "11月27日",
    "state": "受理", "reply": "", "lines": "09:34 1路", "text": "上学：每周日 14:10 从嵩口镇出发",
    "route": "1路", "stop": "嵩口镇", "minutes": 12, "source": "实时", "price": "约300元", "vehicle": "大巴车",
    "last": "16:24", "plate": "闽G12345", "driver": "李师傅 13900000000", "eta": "明天(11月21日)07:55",
    "score": 5, "rule": "，上车请向司机招手示意", "tail": "3426", "kinds": "到站提醒、停运通知", "left": 4, "changes": 1, "n": "①", "dep": "11:05", "arr": "11:59", "board": "嵩溪镇",
    "alight": "清流县汽车站", "at": "清流县汽车站", "walk": "", "wait": 11, "duration": "1小时51分钟",
    "times": "12:05出发（13:56到）", "plan": "11:05乘2路，11:59到清流县汽车站，换12:10的4路，12:56到灵地镇，车费共21元",
    "ids": "B202611200001、B202611200002", "status": "已报名", "direction": "上学、放学都坐",
    "answer": "每人免费带随身行李10公斤，超出请到客运站行包房托运或按规定付费。",
    "by": "（10:00前到达）", "clock": "10:00", "arrival": "08:29",
    "km": 450, "start": "06:00", "end": "19:05", "bus": "明天(11月21日)06:39的1路", "word": "明天",
    "resolution": "已批评教育司机", "what": "上学", "days": "周一至周五上学日", "departure": "07:35",
    "carrier": "极兔", "number": "JT4678203589049", "point": "嵩溪镇客货邮综合服务站", "hours": "07:30-18:30", "desk_hours": "08:00-18:00",
    "pickup": "，取件码733750", "pickup_code": "733750", "location": "三明转运中心", "dest": "，将送到嵩溪镇客货邮综合服务站",
}  # fmt: skip
FIELDS = {name for text in TEXTS.values() for v in (text.rich, text.short, text.voice) if v
          for _, name, _, _ in string.Formatter().parse(v) if name}  # fmt: skip
# what the longest options add on SMS ("回复1 确认\n" per option); menus list 7 short items
OPTION_ROOM = 40
SMS_LIMIT = 134


def test_the_sample_covers_every_field() -> None:
    assert FIELDS <= set(SAMPLE)


@pytest.mark.parametrize("key", sorted(TEXTS))
@pytest.mark.parametrize("style", ["rich", "short", "voice"])
def test_every_text_renders(key: str, style: str) -> None:
    text = render(key, style, **SAMPLE)  # type: ignore[arg-type]
    assert "{" not in text and "}" not in text


# lists, backend messages and knowledge-base answers (their own 140-character short form) have no fixed length: the SMS channel splits them at sentence
# boundaries (channels/sms_segments.py), so they are not held to two segments here
VARIABLE_LENGTH = {"kb_answer", "parcel_status", "departures", "arrivals", "shuttle_schedule", "shuttle_signed_up", "backend_refused",
                   "journey_confirm", "journey_booked", "signup_status", "signup_changed"}  # fmt: skip


@pytest.mark.parametrize("key", sorted(set(TEXTS) - VARIABLE_LENGTH))
def test_short_texts_fit_two_sms_segments_with_options(key: str) -> None:
    assert len(render(key, "short", **SAMPLE)) + OPTION_ROOM <= SMS_LIMIT


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_spoken_texts_have_nothing_to_look_at(key: str) -> None:
    heard = {
        "trip": "从嵩口镇到清流县城",
        "when": "明天上午8点",
        "line": "明天上午8点 从嵩口镇到清流县城 2位",
        "by": "，要在上午10点前到达",
    }
    spoken = render(key, "voice", **{**SAMPLE, **heard})
    assert not re.search(r"[→“”\n]|回复", spoken.replace(SAMPLE["message"], "")), spoken


@pytest.mark.parametrize("style", ["rich", "short", "voice"])
def test_a_refusal_is_a_whole_sentence(style: str) -> None:
    """The backend's refusal is said before the next question in the same reply: it ends its
    sentence. Before: "07:50已经过去了，请换一个以后的时间请说要改什么"."""
    said = render("backend_refused", style, message="12月31日 07:50已经过去了，请换一个以后的时间")  # type: ignore[arg-type]
    assert said.endswith("请换一个以后的时间。"), said
    assert render("backend_refused", style, message="座位不够了！").endswith("座位不够了！")  # type: ignore[arg-type]
