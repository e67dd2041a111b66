"""All deterministic extractors together: no crash on random text, offsets valid, fast enough."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from nlu.extractors.base import EntityExtractor
from nlu.extractors.identifiers import IdentifierExtractor
from nlu.extractors.numbers import PassengerExtractor
from nlu.extractors.places import PlaceExtractor
from nlu.extractors.time import TimeExtractor
from nlu.gazetteer import Gazetteer

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ALPHABET = (
    "明天后早晚上下午点半刻分钟号月周星期礼拜一二两三四五六七八九十零0123456789:：个人位俩仨带孩子大小口家"
    "SFJTYDCBEMSsfjt闽G·- 县城嵩口松田园林舍去到从的车😀\x00\n\t中通顺丰邮政尾号+，。"
)


@pytest.fixture(scope="module")
def extractors() -> list[EntityExtractor]:
    return [PlaceExtractor(Gazetteer.load()), TimeExtractor(), PassengerExtractor(), IdentifierExtractor()]


def test_random_text_never_breaks_an_extractor(extractors: list[EntityExtractor]) -> None:
    rng = random.Random(20261120)
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 30)))
        for extractor in extractors:
            for e in extractor.extract(text, now=NOW):
                assert 0 <= e.start < e.end <= len(text), (text, e)
                assert e.value not in (None, "")


def test_random_unicode_never_breaks_an_extractor(extractors: list[EntityExtractor]) -> None:
    rng = random.Random(7)
    text = "".join(chr(rng.randint(0, 0x2FFFF)) for _ in range(10000))
    for extractor in extractors:
        extractor.extract(text, now=NOW)
