"""The policy: given the tracker and what the citizen just sent, pick what happens next.

In order: a hand-off in progress keeps the bot quiet; channel events (subscribe, menu
clicks, a call starting) and shared locations; a score (5 / 满意) answers a pending
complaint follow-up (回访); a numbered option answers what was offered; control words
(取消/算了, 帮助/菜单, 0/转人工) work everywhere; then the NLU parse, told which slot was
just asked. Inside a form, a new task pauses the form (it is
resumed when the new one ends), a correction changes the form's values, anything else
answers the question. Outside a form, a task starts its form; the rest is small talk or
the menu, and two failed turns offer a person.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from backend.services.citizens import conversations
from backend.services.citizens.turn_opening import Opening
from dialogs import events, filling, follow_up, knowledge, pickup_code, small_hours, stop_notices
from dialogs.context import TurnContext
from dialogs.forms import FORMS, transit
from dialogs.handoff import hand_off, offer_person
from dialogs.understanding import Entity, Parse

CLOSING = {"closing": True}  # the conversation may end here (the hotline: silence hangs up)

logger = logging.getLogger(__name__)

Parser = Callable[[str, str | None], Parse]
"""(text, expected slot) -> parse: the NLU as the policy sees it."""

RIDE_FORMS = ("book_ride", "book_charter", "change_booking")
CORRECTING_INTENTS = ("inform", "deny", "affirm", "change_booking")
SHUTTLE_SIGNUP = re.compile(r"班车报名|报名号|学生班车|S\d{11}", re.I)
MAX_FAILURES = 2
# a passenger count or a contact number with places: the citizen is booking, not asking about buses
BOOKING_ONLY = ("passengers", "phone")
HANDOFF_ENDING_EVENTS = ("call_start", "handoff_done")


class DialogPolicy:
    """Stateless: everything it knows about a conversation is in the tracker."""

    def expected_slot(self, ctx: TurnContext) -> str | None:
        """The slot to tell the NLU about (None when no slot question is open)."""
        state = ctx.tracker.active
        if state is None or state.awaiting is not None or state.requested is None:
            return None
        return FORMS[state.name].slot(state.requested).expect

    def free_text_expected(self, ctx: TurnContext) -> bool:
        state = ctx.tracker.active
        if state is None or state.awaiting is not None or state.requested is None:
            return False
        return FORMS[state.name].slot(state.requested).kind == "text"

    def quiet(self, ctx: TurnContext, *, event: str | None = None, opening: Opening | None = None) -> bool:
        """True while a person handles this conversation; notices when it was handed back.
        On the phone a hand-off ends with its call: the agent call's end (`handoff_done`)
        closes it, and a new call (`call_start`) is answered by the bot whatever happened.
        `opening`: the turn's first read, which has read the active hand-off already."""
        active = (
            opening.handoff_id
            if opening is not None
            else conversations.active_handoff_id(ctx.session, conversation_id=ctx.tracker.conversation_id)
        )
        if active is not None and ctx.channel == "voice" and event in HANDOFF_ENDING_EVENTS:
            end = conversations.close_handoff if event == "handoff_done" else conversations.return_handoff
            end(ctx.session, handoff_id=active, agent="hotline", note="通话结束", now=ctx.now)
            ctx.log("handoff_ended", handoff_id=active, event=event)
            ctx.tracker.handoff_id = None
            ctx.tracker.reset()
            return event == "handoff_done"
        if active is not None:
            ctx.tracker.handoff_id = active
            return True
        if ctx.tracker.handoff_id is not None:
            ctx.tracker.handoff_id = None
            ctx.tracker.reset()
            if event != "handoff_done":
                ctx.prefix("handoff_back")
        return False

    def turn(
        self,
        ctx: TurnContext,
        text: str,
        parse_with: Parser,
        *,
        event: str | None = None,
        location: tuple[float, float] | None = None,
        media: tuple[dict[str, str], ...] = (),
    ) -> Parse | None:
        """Handle one inbound message; replies go to `ctx`. Returns the parse used, if any.
        `media`: pictures or a recording, each {"kind", "url" and/or "media_id"}."""
        if ctx.channel == "sms" and event in ("opt_out", "opt_in"):
            changed = events.sms_opt_in(ctx, opting_out=event == "opt_out")
            if event == "opt_out":
                ctx.say("opted_out_domestic" if ctx.provider else "opted_out")  # how to opt back in there
                return None
            if changed:  # START / YES / UNSTOP from someone who was opted out
                ctx.say("opted_in")
                return None
            event = None  # YES from someone who never opted out is an ordinary answer
        if location is not None:
            return events.location(ctx, location)
        if event == "transcription":
            events.transcription(ctx, text, media)
            return None
        if event == "recording" or (media and not text.strip()):
            events.media(ctx, media, recording=event == "recording")
            return None
        if event and not text.strip():
            events.channel_event(ctx, event)
            return None
        if not text.strip():  # an empty REST post: as 你好, the menu or the question under way
            if ctx.tracker.active is None:
                events.show_menu(ctx, "greet")
            else:
                filling.ask_current(ctx)
            return Parse.plain(text, intent="greet")
        return self._text(ctx, text, parse_with)

    def _text(self, ctx: TurnContext, text: str, parse_with: Parser) -> Parse:
        tracker = ctx.tracker
        if follow_up.answer(ctx, text):
            return Parse.plain(text, intent="inform")
        option = tracker.choose(text) if tracker.options else None
        purpose = tracker.options_for
        tracker.clear_options()
        if option is not None and option.value.startswith(small_hours.SAID):
            text = option.value[len(small_hours.SAID) :]  # the words the option stands for, as if typed
        elif option is not None:
            return self._option(ctx, option.value, purpose, text)
        plain = Parse.plain(text, intent="inform")
        if plain.wants_abandon and tracker.active is not None:  # with no form, 取消 may mean a booking
            self._abandon(ctx)
            return plain
        if plain.wants_help:
            events.show_help(ctx)
            return plain
        if plain.wants_person:
            hand_off(ctx, reason="市民要求转人工")
            return plain
        if stop_notices.heard(ctx, text):  # 退订 / TD off SMS: asked back, never a cancellation
            return plain
        if self.free_text_expected(ctx) and not plain.replaces:  # 不是昨天，是前天 corrects another slot
            filling.answer(ctx, plain)
            return plain
        parse = parse_with(text, self.expected_slot(ctx))
        self._understood(ctx, parse)
        return parse

    # -- after the NLU ---------------------------------------------------------------------
    def _understood(self, ctx: TurnContext, parse: Parse) -> None:
        tracker = ctx.tracker
        if parse.is_task and SHUTTLE_SIGNUP.search(parse.text):
            parse = replace(parse, intent="student_shuttle")  # 查/取消孩子的班车报名 is about a sign-up
        if parse.intent == "query_booking" and transit.about_a_line(ctx, parse):
            parse = replace(parse, intent="query_bus")  # 1路车到哪了 with no booking: the buses
        if parse.intent == "human_agent" and parse.wants_person:
            hand_off(ctx, reason="市民要求转人工")
            return
        if parse.intent == "help":  # 哪些东西不能带上车 is a question, not 帮助
            if not parse.wants_help and self._question_answered(ctx, parse):
                return
            events.show_help(ctx)
            return
        state = tracker.active
        if state is None:
            self._no_form(ctx, parse)
            return
        if parse.intent == "goodbye":
            if filling.unfinished(state) and not state.slots.get("_bye"):
                state.slots["_bye"] = True  # 就这些 at a read-back: asked once, never dropped silently
                ctx.prefix("unfinished", form=FORMS[state.name].title)
                filling.ask_current(ctx)
                return
            filling.abandon(ctx)
            say_goodbye(ctx)
            tracker.reset()
            return
        if parse.switches_task and parse.intent != state.name and not self._is_correction(state.name, parse):
            if state.name in RIDE_FORMS[:2] and parse.intent == "cancel_booking" and not parse.entities:
                filling.abandon(ctx)  # 不订了 / 取消预约 while booking: drop this booking
                return
            if state.name in RIDE_FORMS[:2] and parse.intent in RIDE_FORMS[:2]:
                tracker.active = None  # 人多，包车吧: the same trip as a charter, nothing asked twice
                filling.begin(ctx, parse.intent, parse, slots=state.slots)
                return
            filling.begin(ctx, parse.intent, parse)
            return
        if parse.intent == state.name and FORMS[state.name].restarts_with(state, parse):
            tracker.active = None
            filling.begin(ctx, parse.intent, parse, slots=state.slots)
            return
        if parse.intent in ("greet", "thanks", state.name) and not parse.entities:
            ctx.prefix("ok")
            filling.ask_current(ctx)
            return
        filling.answer(ctx, parse)

    @staticmethod
    def _question_answered(ctx: TurnContext, parse: Parse) -> bool:
        """A question the knowledge base answers; inside a task, the task's question follows."""
        if ctx.tracker.active is None:
            return knowledge.is_question(parse.text) and knowledge.answer(ctx, parse.text)
        return filling.answered_in_passing(ctx, parse.text)

    @staticmethod
    def _is_correction(form: str, parse: Parse) -> bool:
        """改成三个人 / 改到后天 inside a booking form changes this form, not a booking."""
        if parse.first("booking_id") is not None:
            return False
        if parse.intent not in CORRECTING_INTENTS and not parse.replaces:  # 不去县城了，改去县医院
            return False
        names = {name for slot in FORMS[form].slots for name in slot.entities}
        return any(e.entity in names for e in parse.entities)

    def _no_form(self, ctx: TurnContext, parse: Parse) -> None:
        tracker = ctx.tracker
        if pickup_code.answer(ctx, parse):  # 取件码是多少: only the recipient's phone gets it
            return
        if parse.is_task:
            if knowledge.before_task(ctx, parse):
                return
            tracker.failures = 0
            filling.begin(ctx, parse.intent, parse)
            return
        if parse.intent == "greet":
            events.show_menu(ctx, "greet")
        elif parse.intent == "thanks":
            ctx.say("thanks", card=CLOSING if ctx.style == "voice" else None)  # hotline: silence ends the call
        elif parse.intent == "goodbye":
            tracker.reset()
            say_goodbye(ctx)
        elif parse.intent in ("affirm", "deny"):
            ctx.say("nothing_to_abandon")
        elif parse.intent == "inform" and parse.all("origin", "destination", "place") and parse.all(*BOOKING_ONLY):
            filling.begin(ctx, "book_ride", parse)  # 今晚8点从县城回嵩口 1个人 手机…: only a booking needs these
        elif parse.intent == "inform" and parse.all("origin", "destination", "place", "time"):
            said = [_entity_dict(e) for e in parse.entities]  # 嵩口, then 明天下午: both are kept
            _from_then_to(tracker.carry, said)
            named = {e["entity"] for e in said}
            tracker.carry = [*(e for e in tracker.carry if e["entity"] not in named), *said]
            options = [("订车", "form:book_ride"), ("查班车", "form:query_bus")]
            ctx.choose(ctx.text("what_for_places"), options, purpose="menu")
        elif knowledge.fallback(ctx, parse):
            return
        else:
            ctx.fallback = True
            tracker.failures += 1
            if tracker.failures >= MAX_FAILURES:
                tracker.failures = 0
                ctx.prefix("out_of_scope")
                ctx.flush_prefix()
                offer_person(ctx)
                return
            ctx.prefix("out_of_scope")
            events.show_menu(ctx)

    # -- options, control words, events ---------------------------------------------------
    def _option(self, ctx: TurnContext, value: str, purpose: str | None, text: str) -> Parse:
        tracker = ctx.tracker
        if value == "handoff":
            hand_off(ctx, reason="市民要求转人工")
        elif value.startswith("form:"):
            name, _, when = value[5:].partition("@")  # form:book_journey@<ISO departure> carries the time
            carry = [*tracker.carry, *([{"entity": "time", "value": when, "grain": "minute"}] if when else [])]
            carried = Parse(text=text, intent=name, confidence=1.0, entities=_entities(carry))
            tracker.carry = []
            filling.begin(ctx, name, carried)
        elif value == stop_notices.VALUE:
            stop_notices.stop(ctx)
        elif tracker.active is None:
            events.show_menu(ctx)
        elif purpose == "confirm":
            state = tracker.active
            if value == "deny" and FORMS[state.name].keeps_on_abandon(state):
                filling.abandon(ctx)  # the booking stands; a task paused for this one is taken up again
            else:
                filling.answer(ctx, Parse.plain(text, intent=value))
        elif value in ("", "continue"):
            ctx.prefix("ok")
            filling.ask_current(ctx)
        else:
            filling.answer(ctx, Parse.plain(value, intent="inform"))
        return Parse.plain(text, intent="inform")

    def _abandon(self, ctx: TurnContext) -> None:
        state = ctx.tracker.active
        if state is None:
            ctx.say("nothing_to_abandon")
        else:
            filling.abandon(ctx)


def _from_then_to(held: list[dict[str, Any]], said: list[dict[str, Any]]) -> None:
    """嵩口, then 县城, each alone: from the first to the second (the second used to replace the first)."""
    before = [e for e in held if e["entity"] in ("place", "origin", "destination")]
    now = [e for e in said if e["entity"] in ("place", "origin", "destination")]
    if len(before) == 1 == len(now) and before[0]["entity"] == now[0]["entity"] == "place":
        if before[0]["value"] != now[0]["value"]:
            before[0]["entity"], now[0]["entity"] = "origin", "destination"


def _entity_dict(entity: Entity) -> dict[str, Any]:
    return {"entity": entity.entity, "value": entity.value, "start": entity.start, "end": entity.end,
            "grain": entity.grain}  # fmt: skip


def _entities(items: list[dict[str, Any]]) -> tuple[Entity, ...]:
    return tuple(Entity(**item) for item in items)


def say_goodbye(ctx: TurnContext) -> None:
    """再见; on the hotline the call then ends (`<Hangup>`), nobody is put through."""
    if ctx.style == "voice":
        ctx.say("goodbye", action="hangup", card=CLOSING)
    else:
        ctx.say("goodbye")
