"""What the hotline says, said once and in spoken words: a refusal the backend words for
text (a parcel number of the wrong shape was answered …请核对后再发, send it again, which a
caller cannot do); the key for a person after a knowledge answer (it was said three times:
需要人工请按零。人工客服请按零。需要人工服务请按零。)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.app import create_app
from bot.runtime import Runtime
from tests.channels import test_journeys as journeys
from tests.channels.test_journeys import Person, heard

runtime_all_channels = journeys.runtime_all_channels  # the journeys' app with every channel set up


@pytest.fixture
def caller(runtime_all_channels: Runtime) -> Iterator[Person]:
    with TestClient(create_app(runtime=runtime_all_channels)) as client:
        yield Person(client)


def test_a_wrong_parcel_number_is_asked_again_in_spoken_words(caller: Person) -> None:
    caller.calls()
    spoken = heard(caller.speaks("我的快递到哪了，单号是SF1234567890", stage="menu"))
    assert "格式不对" in spoken and "再发" not in spoken, spoken
    assert "再说一遍" in spoken, spoken


def test_a_knowledge_answer_names_the_key_for_a_person_once(caller: Person) -> None:
    caller.calls()
    answer = caller.speaks("末班车几点", stage="menu")
    spoken = heard(answer)
    assert "末班" in spoken and spoken.count("请按零") == 1, spoken
    assert answer.find("Gather") is not None
