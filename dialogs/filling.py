"""The form runner: fill slots from a parse, ask for what is missing, read back and
confirm, submit, and repair along the way.

Every entity the citizen offers is used, asked for or not (明天8点从嵩口去县城 fills
three slots at once); each value is checked before it is kept, and the first problem
becomes the next question (您说的是嵩口镇吗?). At the read-back, 1 books, 2 asks what to
change, and any new value (不对，是后天 / 改成三个人) replaces the old one and is read
back again. Two failed attempts at one question offer a person. A backend refusal at
submit time keeps the form and says why; nothing half-written stays (savepoint).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from backend.errors import BackendError
from dialogs import knowledge, place_roles, verify
from dialogs import slots as kinds
from dialogs.context import TurnContext
from dialogs.forms import FORMS
from dialogs.forms.base import ASSENT, Form
from dialogs.handoff import offer_person
from dialogs.slots import Outcome, Slot
from dialogs.texts import change_question
from dialogs.tracker import FormState
from dialogs.understanding import REFUSED_ANSWER_SWITCH, SWITCH_CONFIDENCE, Parse

logger = logging.getLogger(__name__)

MAX_FAILURES = 2
_HAN = re.compile(r"[\u4e00-\u9fff]")
PICK = "pick:"  # an option value that picks one of the form's `more_options` at the read-back


def begin(ctx: TurnContext, name: str, parse: Parse, *, slots: dict[str, Any] | None = None) -> None:
    """Start the form for `name`, using whatever the first message already says."""
    form = FORMS[name]
    state = ctx.tracker.start(name, {k: v for k, v in (slots or {}).items() if not k.startswith("_")})
    ctx.log("form_started", form=name)
    if not form.start(ctx, state, parse):
        _close(ctx, resume=True)
        return
    form.take_volunteered(ctx, state, parse)
    changed, problem = absorb(ctx, form, state, parse, requested=None)
    if problem is not None:
        _report(ctx, form, state, *problem)
        return
    proceed(ctx, form, state)


def answer(ctx: TurnContext, parse: Parse) -> None:
    """The citizen's message while a form is active."""
    state = ctx.tracker.active
    assert state is not None
    form = FORMS[state.name]
    if state.awaiting == "confirm" and parse.intent == "affirm":
        submit(ctx, form, state)
        return
    if state.awaiting == "confirm" and parse.intent.startswith(PICK):
        form.pick(ctx, state, parse.intent[len(PICK) :])
        ctx.prefix("changed")
        proceed(ctx, form, state)
        return
    if state.awaiting == "confirm" and parse.intent == "deny" and not parse.entities:
        state.awaiting = "correction"
        ctx.say(change_question(form.name))
        return
    if state.requested != "code" and verify.DECLINE.fullmatch(parse.bare.rstrip("了啊吧呢哦")):
        ctx.prefix("ok")  # 不验证 before any code was sent: nothing to decline, nothing taken back
        ask_current(ctx)
        return
    if parse.holds:  # 等一下 / 我找找: no answer yet, and no failure either
        ctx.prefix("hold")
        ask_current(ctx)
        return
    requested = form.slot(state.requested) if state.requested and state.awaiting is None else None
    if requested is not None and requested.kind == "text" and ASSENT.fullmatch(parse.bare):
        ctx.prefix("ok")  # 确认 when asked what to send: the question again, 确认 is not the goods
        ask_current(ctx)
        return
    parse, taken_back = parse.after_negation()  # 不去县城了，改去县医院: only what follows counts
    parse, replaced = place_roles.replacing_role(ctx, form, state, parse, taken_back)
    if (taken_back or replaced) and requested is not None and requested.kind == "text":
        requested = None  # a correction of another slot, not the answer asked for
    requested = replaced or requested
    parse = place_roles.roles_named(form, parse)
    before = {name: value for name, value in state.slots.items() if value is not None}
    volunteered = form.take_volunteered(ctx, state, parse)
    changed, problem = absorb(ctx, form, state, parse, requested=requested)
    changed = [*volunteered, *(name for name in changed if name not in volunteered)]
    if problem is not None and not changed and _off_topic(parse) and not place_roles.place_named(problem[0], parse):
        fail(ctx, form, state, "out_of_scope")  # 查违章 while asked for a parcel number
        return
    if problem is not None and not changed and _another_task(form, parse) and not place_roles.place_named(problem[0], parse):
        begin(ctx, parse.intent, parse)  # 快递箱子都压坏了 while asked for a parcel number: a complaint
        # (not 改成下坪村 while booking: a village to place, read as 改签 by the NLU)
        return
    if problem is not None:
        _report(ctx, form, state, *problem)
        return
    if changed:
        state.failures = 0
        asked = state.requested if state.awaiting is None and not (taken_back or replaced) else None
        if state.awaiting in ("confirm", "correction") or any(n in before and n != asked for n in changed):
            ctx.prefix("changed")  # not for the clock that completes 明天 when 几点 was asked
        proceed(ctx, form, state)
        return
    if parse.corrects and place_roles.ask_role(ctx, form, state, parse):  # 说错了，是灵地: which of the two?
        return
    if form.unheard(ctx, state, parse):  # 是下坪村 while changing a booking: how a place is changed
        return
    named = place_roles.named_slot(form, parse)
    if named is not None and (parse.corrects or state.awaiting is not None):
        _ask_again(ctx, form, state, named)
        return
    if parse.cannot_say and state.awaiting is None and state.requested:
        ctx.prefix("ok")  # 不知道 / 不方便 for a question that needs an answer: asked again, nothing dropped
        ask_current(ctx)
        return
    if parse.corrects and state.awaiting is None and state.last_filled:
        _ask_again(ctx, form, state, form.slot(state.last_filled[-1]))
        return
    if answered_in_passing(ctx, parse.text):  # 快递站在哪 while 几点出发 is asked
        return
    fail(ctx, form, state, "out_of_scope" if _off_topic(parse) else "not_understood")


def _off_topic(parse: Parse) -> bool:
    """Something the service does not do, said clearly and naming nothing a form could use:
    "这件事办不了" and the question again, not "这不像快递单号". The NLU's out_of_scope also
    takes noise (啊啊啊, asdf) and wrong answers (123456789, 验证码是12345): those stay "没听明白"."""
    if parse.intent != "out_of_scope" or parse.confidence < SWITCH_CONFIDENCE or parse.entities:
        return False
    text = parse.bare
    return not any(ch.isdigit() for ch in text) and len(set(_HAN.findall(text))) >= 2


def _another_task(form: Form, parse: Parse) -> bool:
    """A message the asked question refuses that reads as another task, if less surely than a
    switch needs: that task, rather than "this is not a parcel number"."""
    return parse.is_task and parse.intent != form.name and parse.confidence >= REFUSED_ANSWER_SWITCH


def absorb(
    ctx: TurnContext, form: Form, state: FormState, parse: Parse, *, requested: Slot | None
) -> tuple[list[str], tuple[Slot, Outcome] | None]:
    """Keep every valid value the parse offers; return what changed and the first problem."""
    changed: list[str] = []
    problem: tuple[Slot, Outcome] | None = None
    used_place = False
    claimed = frozenset(name for s in form.slots if s is not requested for name in s.entities)
    for slot in form.slots:
        if not form.applies(ctx, state, slot):
            continue
        is_requested = requested is not None and slot.name == requested.name
        if is_requested and slot.optional and parse.skips and parse.first(*slot.entities) is None:
            state.slots[slot.name] = None
            changed.append(slot.name)
            continue
        raw = kinds.candidate(parse, slot, requested=is_requested, claimed=claimed)
        if (
            raw is None
            and slot.kind == "place"
            and not used_place
            and _takes_loose_place(form, state, slot, requested)
        ):
            loose = parse.first("place")
            raw = loose.value if loose is not None else None
        if raw is None:
            continue
        outcome = form.check(ctx, state, slot, raw)
        if outcome.ok:
            used_place = used_place or (slot.kind == "place" and parse.first(*slot.entities) is None)
            if state.slots.get(slot.name) != outcome.value or slot.name not in state.slots:
                changed.append(slot.name)
            state.slots[slot.name] = outcome.value
        elif problem is None:
            problem = (slot, outcome)
    if changed:
        state.last_filled = changed
    return changed, problem


def _takes_loose_place(form: Form, state: FormState, slot: Slot, requested: Slot | None) -> bool:
    """A place said without a role fills the asked place slot, else the first missing one."""
    if requested is not None and requested.kind == "place":
        return False  # `candidate` already gave it to the asked slot
    missing = [name for name in form.place_order if name not in state.slots]
    return bool(missing) and missing[0] == slot.name


def proceed(ctx: TurnContext, form: Form, state: FormState) -> None:
    """Ask the next missing thing, or read back for confirmation, or submit."""
    missing = form.needed(ctx, state)
    if missing:
        state.requested, state.awaiting = missing[0].name, None
        form.ask(ctx, state, missing[0])
        return
    state.requested = None
    if form.needs_confirmation(state):
        refused = form.refusal(ctx, state)
        if refused is not None:
            slot, outcome = refused
            state.slots.pop(slot.name, None)
            _report(ctx, form, state, slot, outcome)
            return
        state.awaiting = "confirm"
        read_back(ctx, form, state)
        return
    submit(ctx, form, state)


def read_back(ctx: TurnContext, form: Form, state: FormState) -> None:
    """The summary with 确认 / 修改, then any other choices the form offers (改坐…)."""
    summary = form.summary(ctx, state)
    ctx.choose(summary, [*form.confirm_options(), *form.more_options(ctx, state)], purpose="confirm")


def submit(ctx: TurnContext, form: Form, state: FormState) -> None:
    try:
        with ctx.session.begin_nested():
            form.submit(ctx, state)
    except BackendError as exc:
        logger.info("%s refused: %s", form.name, exc.message)
        ctx.log("refused", form=form.name, code=exc.code, message=exc.message)
        field = exc.details.get("field")
        ctx.prefix("backend_refused", message=exc.message)
        if isinstance(field, str) and field in {s.name for s in form.slots}:
            state.slots.pop(field, None)
            proceed(ctx, form, state)
        else:
            state.awaiting = "correction"
            ctx.say(change_question(form.name))
        return
    ctx.log("form_done", form=form.name)
    _close(ctx, resume=True)


def unfinished(state: FormState) -> bool:
    """A form that would store something and has been told something: leaving it loses that."""
    form = FORMS[state.name]
    told = any(value is not None and not name.startswith("_") for name, value in state.slots.items())
    return told and form.needs_confirmation(state) and not form.keeps_on_abandon(state)


def abandon(ctx: TurnContext) -> None:
    state = ctx.tracker.active
    assert state is not None
    ctx.log("form_abandoned", form=state.name)
    FORMS[state.name].say_abandoned(ctx, state)
    _close(ctx, resume=True)


def ask_current(ctx: TurnContext) -> None:
    """Say again what the active form is waiting for."""
    state = ctx.tracker.active
    assert state is not None
    form = FORMS[state.name]
    if state.awaiting == "correction":
        ctx.say(change_question(form.name))
    elif state.awaiting == "confirm":
        read_back(ctx, form, state)
    elif state.requested:
        form.ask(ctx, state, form.slot(state.requested))
    else:
        proceed(ctx, form, state)


def fail(ctx: TurnContext, form: Form, state: FormState, key: str = "not_understood") -> None:
    ctx.fallback = True
    state.failures += 1
    ctx.prefix(key)
    if state.failures >= MAX_FAILURES:
        state.failures = 0
        ctx.flush_prefix()
        offer_person(ctx)
        return
    ask_current(ctx)


def _report(ctx: TurnContext, form: Form, state: FormState, slot: Slot, outcome: Outcome) -> None:
    was_asked = state.requested == slot.name and state.awaiting is None
    state.requested, state.awaiting = slot.name, None
    text = ctx.text(outcome.problem or "not_understood", **(outcome.values or {}))
    if was_asked and slot.kind != "code":  # a mistyped code has tries of its own
        state.failures += 1
    options = outcome.options or (form.choices(ctx, state, slot) if slot.kind == "choice" else None)
    if options:  # 请选一个编号 comes with the numbers again (an SMS user has no buttons to scroll to)
        ctx.choose(text, options, purpose="slot")
    else:
        ctx.say_text(text)
    if state.failures >= MAX_FAILURES:
        state.failures = 0
        offer_person(ctx)


def _ask_again(ctx: TurnContext, form: Form, state: FormState, slot: Slot) -> None:
    state.slots.pop(slot.name, None)
    state.requested, state.awaiting = slot.name, None
    ctx.prefix("ok")
    form.ask(ctx, state, slot)


def answered_in_passing(ctx: TurnContext, text: str) -> bool:
    """A plain question asked while a task waits, answered from the knowledge base; the
    task's question follows. True when answered."""
    state = ctx.tracker.active
    if state is None or not knowledge.during_form(ctx, text):
        return False
    ctx.prefix("resume", form=FORMS[state.name].title)
    ask_current(ctx)
    return True


def finish(ctx: TurnContext) -> None:
    """End the active form that said why it cannot go on; a paused form is resumed."""
    _close(ctx, resume=True)


def _close(ctx: TurnContext, *, resume: bool) -> None:
    resumed = ctx.tracker.finish() if resume else None
    while resumed is not None and not FORMS[resumed.name].worth_resuming(ctx, resumed):
        ctx.log("form_abandoned", form=resumed.name)
        resumed = ctx.tracker.finish()
    if resumed is None:
        ctx.flush_prefix()
        return
    ctx.prefix("resume", form=FORMS[resumed.name].title)
    ask_current(ctx)
