"""Conversation stories (tests/dialogs/stories/*.yml) run through the REST channel
against the real backend.

A story is a list of steps; each step is what the citizen types and what must be true
afterwards (every key optional):

    - user: 嵩口                 # the message ({code}: the one-time code just texted)
      message_id: m1               # a channel message id (a repeated id is a retry)
      agent: return                # before the message, an agent hands the conversation back
      says: 要去哪里               # text (or list of texts) in the replies
      not_says: 抱歉
      buttons: [确认, 修改]        # option titles offered
      form: book_ride              # the active form (null: none)
      asks: destination            # the slot just asked for
      awaiting: confirm            # the form waits for the read-back answer
      slots: {origin: 嵩口镇}      # slot values kept (a time compares its ISO value)
      quiet: true                  # no reply at all (a person has the conversation)
      created:                     # the sender's newest record of a kind, with fields
        booking: {origin: 嵩口镇, passengers: 2, time: "2026-11-21T08:00:00+08:00"}
      counts: {booking: 1, complaint: 0}   # the sender's records of each kind

Kinds: booking, complaint, subscription, send_request, signup, handoff.

A story may set `now: "2026-11-20T21:30:00+08:00"` to stop the clock at another hour of
the day (default: Friday 2026-11-20 09:00).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.localtime import to_local
from backend.models import Booking, Complaint, Handoff, SendRequest, StudentShuttleSignup, Subscription
from backend.services.citizens import conversations
from tests.dialogs.conftest import Chat
from tests.utils.conversation import citizen_of, make_processor

STORIES = Path(__file__).parent / "stories"
KINDS: dict[str, Any] = {
    "booking": Booking,
    "complaint": Complaint,
    "subscription": Subscription,
    "send_request": SendRequest,
    "signup": StudentShuttleSignup,
}


def load_stories() -> list[Any]:
    found = []
    for path in sorted(STORIES.glob("*.yml")):
        for index, story in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]):
            story.setdefault("sender", f"{path.stem}-{index}")
            found.append(pytest.param(story, id=f"{path.stem}:{story['name']}"))
    return found


@pytest.mark.parametrize("story", load_stories())
def test_story(story: dict[str, Any], chat: Chat, session: Session) -> None:
    sender = story["sender"]
    if "now" in story:
        runtime = chat.runtime
        clock = datetime.fromisoformat(str(story["now"]))
        runtime.extras["processor"] = make_processor(runtime, runtime.extras["state_store"], now=clock)
    for number, step in enumerate(story["steps"], start=1):
        if step.get("agent") == "return":
            hand_back(session, sender)
        said = str(step["user"])
        if "{code}" in said:  # the one-time code the citizen's phone just received
            said = said.replace("{code}", chat.code())
        chat.send(sender, said, message_id=step.get("message_id"))
        where = f"step {number} ({step['user']!r}) replied {chat.text()!r}"
        check_replies(chat, step, where)
        check_tracker(chat.tracker(sender), step, where)
        session.expire_all()
        check_records(session, sender, step, where)


def hand_back(session: Session, sender: str) -> None:
    """What the agent console does when an agent returns the conversation to the bot."""
    waiting = conversations.active_handoff(session, conversation_id=f"rest:{sender}")
    assert waiting is not None
    conversations.return_handoff(session, handoff_id=waiting.id, agent="agent-test")
    session.commit()


def check_replies(chat: Chat, step: dict[str, Any], where: str) -> None:
    text = chat.text()
    for expected in _listed(step.get("says")):
        assert expected in text, where
    for unexpected in _listed(step.get("not_says")):
        assert unexpected not in text, where
    if "buttons" in step:
        titles = [b["title"] for reply in chat.last for b in reply.get("buttons", [])]
        for title in step["buttons"]:
            assert title in titles, f"{where}: buttons {titles}"
    if step.get("quiet"):
        assert chat.last == [], where


def check_tracker(tracker: dict[str, Any] | None, step: dict[str, Any], where: str) -> None:
    active = (tracker or {}).get("active")
    if "form" in step:
        assert (active or {}).get("name") == step["form"], f"{where}: tracker {active}"
    if "asks" in step:
        assert active is not None and active["requested"] == step["asks"], f"{where}: tracker {active}"
    if "awaiting" in step:
        assert active is not None and active["awaiting"] == step["awaiting"], f"{where}: tracker {active}"
    for name, value in (step.get("slots") or {}).items():
        assert active is not None, where
        kept = active["slots"].get(name)
        if isinstance(kept, dict) and "value" in kept:
            kept = kept["value"]
        assert kept == value, f"{where}: slot {name} = {kept!r}"


def check_records(session: Session, sender: str, step: dict[str, Any], where: str) -> None:
    citizen = citizen_of(session, channel="rest", sender=sender)
    for kind, fields in (step.get("created") or {}).items():
        record = newest(session, kind, citizen, sender)
        assert record is not None, f"{where}: no {kind}"
        for name, value in fields.items():
            assert shown(getattr(record, _column(kind, name))) == value, f"{where}: {kind}.{name}"
    for kind, count in (step.get("counts") or {}).items():
        assert how_many(session, kind, citizen, sender) == count, f"{where}: {kind} count"


def newest(session: Session, kind: str, citizen: int | None, sender: str) -> Any:
    if kind == "handoff":
        stmt = select(Handoff).where(Handoff.conversation_id == f"rest:{sender}").order_by(Handoff.id.desc())
        return session.scalars(stmt).first()
    if citizen is None:
        return None
    model = KINDS[kind]
    order = model.created_at.desc() if kind in ("booking", "complaint") else model.id.desc()
    return session.scalars(select(model).where(model.citizen_id == citizen).order_by(order)).first()


def how_many(session: Session, kind: str, citizen: int | None, sender: str) -> int:
    if kind == "handoff":
        stmt = select(func.count()).select_from(Handoff).where(Handoff.conversation_id == f"rest:{sender}")
        return int(session.scalar(stmt) or 0)
    if citizen is None:
        return 0
    model = KINDS[kind]
    return int(
        session.scalar(select(func.count()).select_from(model).where(model.citizen_id == citizen)) or 0
    )


def _column(kind: str, name: str) -> str:
    return {"booking": {"time": "pickup_time"}, "send_request": {"time": "pickup_time"}}.get(kind, {}).get(
        name, name
    )


def shown(value: Any) -> Any:
    if isinstance(value, datetime):
        return to_local(value).isoformat()
    if isinstance(value, list):
        return len(value)
    return value


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]
