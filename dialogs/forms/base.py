"""The contract of a form (one task: book a ride, open a complaint ...).

A form declares its slots; the runner (`dialogs.filling`) fills them from what the
citizen says, asks for what is missing, reads the summary back for confirmation and then
calls `submit`, which talks to the backend and says the result. Subclasses override the
hooks they need: `start` (prefill, or stop early with a reason), `applies` (a slot that
only matters sometimes), `incomplete`, `check` (validation beyond the slot kind),
`ask`, `summary` and `submit`.
"""

from __future__ import annotations

import abc
import re
from datetime import datetime, timedelta
from typing import Any, ClassVar

from backend.localtime import to_local
from dialogs import just_passed, small_hours, verify
from dialogs import slots as kinds
from dialogs.context import TurnContext
from dialogs.slots import Outcome, Slot
from dialogs.tracker import FormState
from dialogs.under_way import from_now as under_way_from_now
from dialogs.understanding import Parse
from dialogs.wording import when_text

PAST_SLACK = timedelta(minutes=5)
# a bare yes (确认 / 好的 / 是的) answers no question that wants words: not goods, not a complaint
ASSENT = re.compile(r"(确认|确定|是|是的|对|对的|好|好的|行|可以|嗯+|ok|OK)[了啊吧呀哦的嘛。.!！]*")


class Form(abc.ABC):
    name: ClassVar[str]
    title: ClassVar[str]  # 订车, 投诉 … as said to the citizen
    slots: ClassVar[tuple[Slot, ...]]
    confirm: ClassVar[bool] = True
    place_order: ClassVar[tuple[str, ...]] = ()  # which place slot a place without a role fills
    max_count: ClassVar[int] = 9
    future_times: ClassVar[bool] = True
    contact_slot: ClassVar[str | None] = None  # a phone slot asked last, only when no mobile is on record
    keeps_place_detail: ClassVar[bool] = False  # 嵩口镇上坪村 stays whole: a door-to-door pick-up
    deny_abandons: ClassVar[bool] = False  # 2 at the read-back means "don't", not "change something"

    def slot(self, name: str) -> Slot:
        for slot in self.slots:
            if slot.name == name:
                return slot
        raise KeyError(name)

    # -- hooks -------------------------------------------------------------------
    def start(self, ctx: TurnContext, state: FormState, parse: Parse) -> bool:
        """Prepare the form from the first message; False when it cannot go on (it said why)."""
        return True

    def applies(self, ctx: TurnContext, state: FormState, slot: Slot) -> bool:
        return True

    def incomplete(self, ctx: TurnContext, state: FormState, slot: Slot) -> bool:
        """True when the slot has a value that is not yet enough (a date without a time)."""
        return False

    def needed(self, ctx: TurnContext, state: FormState) -> list[Slot]:
        missing = [
            s
            for s in self.slots
            if s.name != self.contact_slot
            and s.kind != "code"
            and self.applies(ctx, state, s)
            and (s.name not in state.slots or self.incomplete(ctx, state, s))
        ]
        if missing or self.contact_slot is None:
            return missing
        if self.contact_slot not in state.slots:
            return [] if ctx.known_mobile() else [self.slot(self.contact_slot)]
        return [verify.CODE] if verify.wanted(ctx, state, state.slots[self.contact_slot]) else []

    def check(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        """Validate one candidate value by its kind; forms add their own rules."""
        if slot.kind == "place":
            unlisted = f"_village_{slot.name}"  # a village the gazetteer lacks, said before its township
            outcome = kinds.check_place(
                ctx.session, raw, keep_detail=self.keeps_place_detail, village=state.slots.pop(unlisted, None),
                replacing=state.slots.get(slot.name),
            )  # fmt: skip
            if outcome.problem == "place_village_where" and outcome.values:
                state.slots[unlisted] = outcome.values["name"]
            if outcome.ok:
                other = {"origin": "destination", "destination": "origin"}.get(slot.name)
                held = state.slots.get(other) if other else None
                if held == outcome.value:
                    return Outcome.bad("place_same")
                if held and (town := kinds.listed_place(ctx.session, held)) == kinds.listed_place(
                    ctx.session, outcome.value
                ):  # 嵩口镇上坪村 -> 嵩口镇: refused before the read-back, not after 确认
                    return Outcome.bad("place_same_town", town=town)
            return outcome
        if slot.kind == "time":
            return self.check_time(ctx, state, slot, raw)
        if slot.kind == "count":
            count = int(raw)
            if count < 1:
                return Outcome.bad("count_bad")
            if count > self.max_count:
                return Outcome.bad("count_too_many", max=self.max_count)
            return Outcome.good(count)
        if slot.kind == "phone":
            return kinds.check_phone(raw)
        if slot.kind == "tracking":
            return kinds.check_tracking(raw)
        if slot.kind == "plate":
            return kinds.check_plate(raw)
        if slot.kind == "text":
            text = str(raw).strip()
            return Outcome.good(text) if len(text) >= 2 and not ASSENT.fullmatch(text) else Outcome.bad("text_short")
        if slot.kind == "choice":
            return self.check_choice(ctx, state, slot, raw)
        if slot.kind == "code":
            return verify.check(ctx, state, raw)
        return Outcome.good(raw)

    def check_time(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        value = kinds.merge_time(state.slots.get(slot.name) or small_hours.pending(state), raw)
        moment = kinds.time_of(value)
        if self.future_times:
            if value["grain"] == "day":
                late = to_local(moment).date() < to_local(ctx.now).date()
            else:
                late = moment < ctx.now - PAST_SLACK
            under_way = under_way_from_now(value, ctx.now) if late else None  # 今晚 said at 22:40
            if under_way is not None:
                value, late = under_way, False
            if late:
                return Outcome.bad("time_past", when=self.when(ctx, value))
            passed = just_passed.check(ctx.now, state, value, ctx.style, lambda v: self.when(ctx, v))
            if passed is not None:  # 8点 at 08:03
                return passed
            unsure = small_hours.which_day(ctx.now, state, value)  # 明天 said at 00:30
            if unsure is not None:
                return unsure
        return Outcome.good(value)

    def choices(self, ctx: TurnContext, state: FormState, slot: Slot) -> list[tuple[str, str]]:
        """(title, value) pairs offered for a `choice` slot."""
        return []

    def check_choice(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        said = str(raw).strip()
        for title, value in self.choices(ctx, state, slot):
            if said in (title, value):
                return Outcome.good(value)
        return Outcome.bad("choice_bad")

    def ask(self, ctx: TurnContext, state: FormState, slot: Slot) -> None:
        if slot.kind == "choice":
            ctx.choose(ctx.text(slot.ask), self.choices(ctx, state, slot), purpose="slot")
        elif slot.kind == "code":
            verify.ask(ctx, state)
        elif slot.kind == "time" and (again := small_hours.unanswered(ctx.now, state)) is not None:
            ctx.choose(
                ctx.text("time_which_day", **(again.values or {})), again.options or [], purpose="slot"
            )
        else:
            ctx.say(slot.ask, **self.ask_values(ctx, state, slot))

    def ask_values(self, ctx: TurnContext, state: FormState, slot: Slot) -> dict[str, Any]:
        return {}

    def keeps_on_abandon(self, state: FormState) -> bool:
        """True when leaving this form means "keep things as they are" (a cancellation not made)."""
        return self.deny_abandons

    def unheard(self, ctx: TurnContext, state: FormState, parse: Parse) -> bool:
        """A message none of the slots could use: True when the form answered it itself."""
        return False

    def worth_resuming(self, ctx: TurnContext, state: FormState) -> bool:
        """Whether a paused form is taken up again when the task that interrupted it ends."""
        return True

    def take_volunteered(self, ctx: TurnContext, state: FormState, parse: Parse) -> list[str]:
        """Fill slots from what was said in passing that no entity carries (寄一箱茶叶到福州 names
        the goods while the pick-up place is asked); the names of the slots filled."""
        return []

    def restarts_with(self, state: FormState, parse: Parse) -> bool:
        """True when a message of this form's own intent asks something else of it (车费多少钱
        while 还有多久到 waits for the stop): the form starts again, keeping what was said."""
        return False

    def say_abandoned(self, ctx: TurnContext, state: FormState) -> None:
        """What leaving the form half-way says: nothing was saved, or for a form about an
        existing booking, that the booking stands as it was."""
        if self.keeps_on_abandon(state):
            ctx.prefix("kept")
        else:
            ctx.prefix("abandoned", form=self.title)

    def needs_confirmation(self, state: FormState) -> bool:
        return self.confirm

    def refusal(self, ctx: TurnContext, state: FormState) -> tuple[Slot, Outcome] | None:
        """With every slot filled, before the read-back: the slot to ask again and why,
        when what was said cannot be served (nothing runs then); None to read back."""
        return None

    def summary(self, ctx: TurnContext, state: FormState) -> str:
        return ctx.text("confirm_generic", form=self.title)

    def confirm_options(self) -> list[tuple[str, str]]:
        return [("确认", "affirm"), ("修改", "deny")]

    def more_options(self, ctx: TurnContext, state: FormState) -> list[tuple[str, str]]:
        """Choices offered after 确认 / 修改 at the read-back (another bus …), values "pick:…"."""
        return []

    def pick(self, ctx: TurnContext, state: FormState, value: str) -> None:
        """The citizen picked one of `more_options` at the read-back; it is read back next."""
        state.slots["_pick"] = value

    @abc.abstractmethod
    def submit(self, ctx: TurnContext, state: FormState) -> None:
        """Do the task through the backend and say the result (raise BackendError to refuse)."""

    # -- helpers for subclasses ----------------------------------------------------
    def when(self, ctx: TurnContext, value: dict[str, Any]) -> str:
        return when_text(kinds.time_of(value), ctx.now, ctx.style, grain=value.get("grain", "minute"))

    @staticmethod
    def moment(state: FormState, name: str) -> datetime | None:
        value = state.slots.get(name)
        return kinds.time_of(value) if value else None
