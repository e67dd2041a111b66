"""Handing a conversation to a person: open a hand-off in the agents' queue (a `Handoff`
row, through the conversations service), drop whatever form was under way, and tell the
citizen. From then on the turn pipeline keeps the bot quiet on this conversation until an
agent returns or closes the hand-off.
"""

from __future__ import annotations

import logging

from backend.services.agents import handoff_watch
from backend.services.citizens import conversations
from dialogs.context import TurnContext

logger = logging.getLogger(__name__)


def hand_off(ctx: TurnContext, *, reason: str) -> None:
    tracker = ctx.tracker
    form = tracker.active.name if tracker.active else None
    handoff = conversations.open_handoff(
        ctx.session,
        conversation_id=tracker.conversation_id,
        channel=tracker.channel,
        sender=tracker.sender,
        reason=reason if form is None else f"{reason}（办理{_title(form)}时）",
        citizen_id=ctx.citizen().id,
        now=ctx.now,
    )
    tracker.handoff_id = handoff.id
    tracker.reset()
    ctx.log("handoff", handoff_id=handoff.id, reason=reason, form=form)
    logger.info("conversation %s handed off (%s)", tracker.conversation_id, reason)
    closed = handoff_watch.after_hours(ctx.session, handoff, now=ctx.now) if ctx.style != "voice" else None
    if closed is None:  # the hotline puts the caller through (or keeps them for a ring-back) itself
        ctx.say("handoff", action="handoff")
        return
    ctx.log(handoff_watch.WAIT_NOTICE, handoff_id=handoff.id)  # told now: the watcher stays silent
    key = "handoff_after_hours_call" if closed.ring_back else "handoff_after_hours"
    ctx.say(key, action="handoff", desk_hours=closed.hours)


def _title(form: str) -> str:
    """The form as agents read it (订车, 包车 …), never its internal name."""
    from dialogs.forms import FORMS  # late: the forms use this module's offer_person

    found = FORMS.get(form)
    return found.title if found is not None else "业务"


def offer_person(ctx: TurnContext) -> None:
    """After two failed attempts: a person is offered (on the phone, put through at once)."""
    if ctx.style == "voice":
        hand_off(ctx, reason="两次没有听懂")
        return
    ctx.choose(ctx.text("offer_person"), [("继续", "continue")], purpose="handoff")
    ctx.add_option("人工客服", "handoff", key="0")
