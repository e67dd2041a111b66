"""No citizen ever sees internal text. Every form's refusal paths (unknown places, times
gone by or not yet come, too many people, bad numbers, unknown bookings, tickets and
parcels, refusals at submit) are run on WeChat, SMS and the hotline through the real app,
and every reply is scanned for what only a programmer should read: English words, field
or intent names (query_bus, pickup_time), None/null, tracebacks, validation wording."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.runtime import Runtime
from tests.channels import test_journeys as journeys
from tests.channels.test_journeys import MOBILE, Person, heard

runtime_all_channels = journeys.runtime_all_channels  # the journeys' app with every channel set up

INTERNAL = re.compile(
    r"None|null|Traceback|Exception|Error|[A-Za-z]+_[A-Za-z_]+|[A-Za-z]{4,}|时区|字段|参数|\{|\}"
)
SCRIPTS: dict[str, list[str]] = {
    "book_ride": [
        "我要订车", "火星村", "嵩口", "嵩口", "县城", "昨天早上8点", "明天早上8点半", "50个人",
        "2个人", "12345", MOBILE, "1",
        "我要订车，明天早上8点半从嵩口去县城，两个人", "1",  # the same trip twice
    ],
    "book_charter": ["我要包车", "从嵩口去福州", "明天早上7点", "300个人", "算了"],
    "cancel_booking": ["取消订单B209901010001", "算了", "取消预约", "1"],
    "change_booking": ["改签", "改成凌晨3点", "算了"],
    "query_booking": ["查一下我的预约B209901010009"],
    "query_bus": ["查一下从火星到县城的班车", "从嵩口到县医院有车吗", "县城到嵩口末班车几点"],
    "subscribe_alert": ["我要订到站提醒", "火星站", "算了"],
    "track_parcel": ["查快递", "123", "SF1234567890123", "尾号9999的快递"],
    "send_parcel": ["我要寄快递", "火星", "嵩口", "寄到", "福州", "明天上午", "笋干500公斤", "算了"],
    "student_shuttle": ["学生班车报名", "火星小学", "算了"],
    "complaint": [
        "我要投诉", "嗯", "司机态度很差，还骂人", "明天下午", "昨天", "ABC", "没有", "123", "不留", "1",
    ],
    "suggestion": ["我想提个建议", "好", "算了"],
    "query_complaint": ["查投诉进度C20990101001", "查投诉进度"],
}  # fmt: skip


@pytest.fixture
def villager(runtime_all_channels: Runtime) -> Iterator[Person]:
    with TestClient(create_app(runtime=runtime_all_channels)) as client:
        yield Person(client)


def answer(person: Person, channel: str, text: str) -> str:
    if channel == "wechat":
        return person.wechat_says(text)
    if channel == "sms":
        return person.texts(text)
    return heard(person.speaks(text))


@pytest.mark.parametrize("channel", ["wechat", "sms", "voice"])
@pytest.mark.parametrize("form", sorted(SCRIPTS))
def test_refusals_speak_plain_chinese(villager: Person, channel: str, form: str) -> None:
    if channel == "voice":
        villager.calls()
    for text in SCRIPTS[form]:
        reply = answer(villager, channel, text)
        leaked = INTERNAL.findall(reply)
        assert not leaked, f"{form} on {channel}: {text!r} -> {reply!r} shows {leaked}"
