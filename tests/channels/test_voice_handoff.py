"""A hotline hand-off ends with its call, through the real app: the `<Dial>` to the agent
line carries an action; when the agent call ends the hand-off closes and the caller hears
a goodbye (not "无法接通" after a real conversation), and the next call is answered by the
bot whatever happened on the last one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Handoff
from backend.services.citizens import conversations
from bot.app import create_app
from bot.runtime import Runtime
from channels.voice import AFTER_AGENT
from tests.channels import test_journeys as journeys
from tests.channels.test_journeys import MOBILE, Person, heard

runtime_all_channels = journeys.runtime_all_channels  # the journeys' app with every channel set up

DIALED = "/voice/gather?stage=dialed&fails=0"


@pytest.fixture
def caller(runtime_all_channels: Runtime) -> Iterator[Person]:
    with TestClient(create_app(runtime=runtime_all_channels)) as client:
        yield Person(client)


def handoffs(session: Session) -> list[Handoff]:
    session.expire_all()
    stmt = select(Handoff).where(Handoff.conversation_id == f"voice:{MOBILE}").order_by(Handoff.id)
    return list(session.scalars(stmt))


def put_through(caller: Person) -> None:
    caller.calls()
    root = caller.speaks("我要转人工")
    dial = root.find("Dial")
    assert dial is not None and dial.get("action") == DIALED


def test_agent_call_ends_the_handoff_with_a_goodbye_and_the_next_call_reaches_the_bot(
    caller: Person, session: Session
) -> None:
    put_through(caller)
    [waiting] = handoffs(session)
    assert waiting.status == "waiting"
    conversations.claim_handoff(session, handoff_id=waiting.id, agent="agent-wang")
    session.commit()
    ended = caller._voice(DIALED, DialCallStatus="completed", DialCallDuration="184")
    assert AFTER_AGENT in heard(ended) and "无法接通" not in heard(ended)
    assert ended.find("Hangup") is not None and ended.find("Gather") is None
    assert [h.status for h in handoffs(session)] == ["closed"]
    caller._next()  # a new call has a new CallSid
    caller.calls()
    answer = caller.speaks("明天早上8点从嵩口去县城，两个人")
    assert answer.find("Gather") is not None and "嵩口镇" in heard(answer)


def test_nobody_answered_apologises_and_the_next_call_is_still_the_bots(
    caller: Person, session: Session
) -> None:
    put_through(caller)
    missed = caller._voice(DIALED, DialCallStatus="no-answer")
    assert "无法接通" in heard(missed) and missed.find("Hangup") is not None
    [left] = handoffs(session)
    assert left.status == "waiting"  # agents still see it and can ring back
    caller._next()  # a new call has a new CallSid
    greeting = caller.calls()
    assert greeting.find("Gather") is not None
    assert [h.status for h in handoffs(session)] == ["returned"]
    answer = caller.speaks("明天早上8点从嵩口去县城，两个人")
    assert "嵩口镇" in heard(answer)


def test_the_transfer_is_announced_once(caller: Person) -> None:
    """我要转人工 was answered 好的，正在为您转接人工客服，请稍候。 and then 正在为您转接人工服务，
    请稍候。: the dialog's sentence and the channel's, one after the other."""
    caller.calls()
    spoken = heard(caller.speaks("我要转人工"))
    assert spoken.count("转接") == 1, spoken


def test_zero_pressed_at_the_menu_still_hears_the_transfer(caller: Person) -> None:
    caller.calls()
    pressed = caller.presses("0", stage="menu")
    assert pressed.find("Dial") is not None and heard(pressed).count("转接") == 1, heard(pressed)
