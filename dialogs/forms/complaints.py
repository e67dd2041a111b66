"""Complaint, suggestion and complaint-progress forms (12328 style).

A complaint needs what happened, its category (guessed from the words when they say it:
超速 -> 安全, 多收钱 -> 票价 …, else offered as numbered options), when (may be skipped),
a vehicle, line or booking if there is one (may be skipped) and a contact. It is read
back, then `open_complaint` writes the ticket with its first transition and any pictures
or hotline recording sent during the form; only after the turn's unit of work commits
does the citizen hear the ticket number and the deadline.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from backend.errors import BackendError, NotFound
from backend.services.complaints import records as complaints
from backend.services.complaints.workflow import STATE_LABELS
from backend.services.rides import bookings as rides
from dialogs import slots as kinds
from dialogs.context import TurnContext
from dialogs.forms.base import Form
from dialogs.forms.rides import TIME
from dialogs.past_time import past_value
from dialogs.slots import Outcome, Slot, check_plate
from dialogs.tracker import FormState
from dialogs.understanding import Parse
from dialogs.verify import CODE
from dialogs.wording import date_text, period_text

DESCRIPTION = Slot("description", "text", "ask_description", words=("内容", "经过", "情况"))
CATEGORY = Slot("category", "choice", "ask_category", words=("类别", "类型"))
OCCURRED = Slot("time", "time", "ask_occurred", TIME.entities, optional=True, words=TIME.words)
REF = Slot("ref", "ref", "ask_ref", ("plate", "booking_id"), optional=True, words=("车牌", "订单", "线路"))
CONTACT = Slot("phone", "phone", "ask_contact", ("phone",), optional=True, words=("手机", "电话"))
SUGGESTION = Slot("description", "text", "ask_suggestion", words=("内容", "建议"))

CATEGORY_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("safety", re.compile(r"超速|超载|危险|安全|酒驾|急刹|飙车|开得太快|打电话开车")),
    ("fare", re.compile(r"多收|乱收|票价|收费|加价|不找零|太贵|多要|宰")),
    ("parcel", re.compile(r"快递|包裹|取件|丢件|寄件|件坏")),
    ("schedule", re.compile(r"晚点|误点|不准时|没来|不来|等了|班次|停开|提前开走|没等|放鸽子")),
    ("vehicle", re.compile(r"车况|车太破|很破|脏|空调|座椅|漏雨|车太旧|异味")),
    ("driver", re.compile(r"司机|师傅|态度|骂人|凶|抽烟|玩手机|拒载|甩客|服务差")),
)
INTENT_WORDS = re.compile(r"我要|我想|想要|要|投诉|举报|反映|一下|建议|意见|提个|提|说|[，。,.!！?？\s]")
ROUTE = re.compile(r"(\d{1,2})\s*路")
MIN_STORY_CHARS = 6
# 我要投诉， / 投诉 before the story: kept on the ticket as said, left out of the read-back
ASKING = re.compile(r"^(?:我(?:要|想)|想要|要)?(?:投诉|举报|反映)(?:一下)?[，,：:。\s]*")
SUMMARY_CHARS = 30


def guess_category(text: str) -> str | None:
    return next((code for code, words in CATEGORY_WORDS if words.search(text)), None)


class Complaint(Form):
    name = "complaint"
    title = "投诉"
    slots: ClassVar[tuple[Slot, ...]] = (DESCRIPTION, CATEGORY, OCCURRED, REF, CONTACT, CODE)
    future_times = False
    contact_slot = "phone"

    def start(self, ctx: TurnContext, state: FormState, parse: Parse) -> bool:
        if len(INTENT_WORDS.sub("", parse.text)) >= MIN_STORY_CHARS:
            state.slots["description"] = parse.text.strip()
        category = guess_category(parse.text)
        if category:
            state.slots["category"] = category
        return True

    def choices(self, ctx: TurnContext, state: FormState, slot: Slot) -> list[tuple[str, str]]:
        return [(label, code) for code, label in complaints.CATEGORY_LABELS.items() if code != "suggestion"]

    def ask(self, ctx: TurnContext, state: FormState, slot: Slot) -> None:
        """On the hotline the story is recorded (`<Record>`): the caller just talks; the
        recording (and its transcription, when the gateway sends one) goes on the ticket."""
        if slot.name == "description" and ctx.style == "voice":
            ctx.say(slot.ask, action="record")
            return
        super().ask(ctx, state, slot)

    def check(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        if slot.name == "description":
            outcome = super().check(ctx, state, slot, raw)
            if outcome.ok and "category" not in state.slots:
                category = guess_category(outcome.value)
                if category:
                    state.slots["category"] = category
            return outcome
        if slot.name == "category":
            said = str(raw)
            code = said if said in complaints.CATEGORY_LABELS else guess_category(said)
            try:
                return Outcome.good(complaints.normalise_category(code or said))
            except BackendError:
                return Outcome.bad("choice_bad")
        if slot.name == "ref":
            return self._check_ref(ctx, raw)
        return super().check(ctx, state, slot, raw)

    def check_time(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        """Past-biased: 今天早上 at 03:00 is yesterday morning; a future day is asked again."""
        value = kinds.merge_time(state.slots.get(slot.name), raw)
        past = past_value(value, ctx.now)
        if past is None:
            return Outcome.bad("occurred_future", when=self.when(ctx, value))
        return Outcome.good(past)

    def _check_ref(self, ctx: TurnContext, raw: Any) -> Outcome:
        said = str(raw).strip().upper()
        if re.fullmatch(r"B\d{12}", said):
            try:
                booking = rides.get_booking(ctx.session, said)
            except NotFound as exc:
                return Outcome.bad("backend_refused", message=exc.message)
            return Outcome.good({"booking_id": booking.id})
        route = ROUTE.search(said)
        if route:
            return Outcome.good({"route": f"{route.group(1)}路"})
        plate = check_plate(said)
        return Outcome.good({"plate": plate.value}) if plate.ok else Outcome.bad("ref_bad")

    def needed(self, ctx: TurnContext, state: FormState) -> list[Slot]:
        if state.slots.get("ref") is None and "ref" not in state.slots and _route_in(state):
            state.slots["ref"] = {"route": _route_in(state)}
        return super().needed(ctx, state)

    def summary(self, ctx: TurnContext, state: FormState) -> str:
        s = state.slots
        story = ASKING.sub("", s["description"]) or s["description"]
        story = story if len(story) <= SUMMARY_CHARS else story[:SUMMARY_CHARS] + "…"
        extra = []
        if s.get("time"):  # 昨天下午 read back as said, not as the 15:00 it stands for
            hour = s["time"].get("grain") == "hour"
            moment = kinds.time_of(s["time"])
            extra.append(period_text(moment, ctx.now, ctx.style) if hour else self.when(ctx, s["time"]))
        if s.get("ref"):
            extra.append(next(iter(s["ref"].values())))
        return ctx.text(
            "complaint_confirm",
            category=complaints.CATEGORY_LABELS[s["category"]],
            story=story + (("，" + "，".join(extra)) if extra else ""),
        )

    def submit(self, ctx: TurnContext, state: FormState) -> None:
        s = state.slots
        ref = s.get("ref") or {}
        phone = s.get("phone")
        if phone:
            ctx.keep_contact(phone)
        ticket = complaints.open_complaint(
            ctx.session,
            category=s["category"],
            description=s["description"],
            citizen_id=ctx.citizen().id,
            contact_phone=phone,
            channel=ctx.channel,
            booking_id=ref.get("booking_id"),
            plate=ref.get("plate"),
            route=ref.get("route"),
            occurred_at=self.moment(state, "time"),
            media=s.get("_media") or None,
            recording_url=s.get("_recording"),
            kind="complaint",
            now=ctx.now,
        )
        ctx.log("complaint_opened", ticket_id=ticket.id, category=ticket.category)
        ctx.say(
            "complaint_opened" if ticket.contact_phone else "complaint_opened_no_phone",
            id=ticket.id,
            first=date_text(ticket.first_response_due),
            due=date_text(ticket.resolution_due),
            card={
                "type": "complaint",
                "id": ticket.id,
                "state": ticket.state,
                "deadline": ticket.resolution_due.isoformat(),
            },
        )


def _route_in(state: FormState) -> str | None:
    match = ROUTE.search(state.slots.get("description") or "")
    return f"{match.group(1)}路" if match else None


class Suggestion(Form):
    name = "suggestion"
    title = "建议"
    slots = (SUGGESTION, CONTACT, CODE)
    contact_slot = "phone"

    def start(self, ctx: TurnContext, state: FormState, parse: Parse) -> bool:
        if len(INTENT_WORDS.sub("", parse.text)) >= MIN_STORY_CHARS:
            state.slots["description"] = parse.text.strip()
        return True

    def summary(self, ctx: TurnContext, state: FormState) -> str:
        story = state.slots["description"]
        story = story if len(story) <= SUMMARY_CHARS else story[:SUMMARY_CHARS] + "…"
        return ctx.text("suggestion_confirm", story=story)

    def submit(self, ctx: TurnContext, state: FormState) -> None:
        phone = state.slots.get("phone")
        if phone:
            ctx.keep_contact(phone)
        ticket = complaints.open_complaint(
            ctx.session,
            category="suggestion",
            description=state.slots["description"],
            citizen_id=ctx.citizen().id,
            contact_phone=phone,
            channel=ctx.channel,
            kind="suggestion",
            now=ctx.now,
        )
        ctx.log("complaint_opened", ticket_id=ticket.id, category=ticket.category)
        ctx.say(
            "suggestion_opened",
            id=ticket.id,
            card={"type": "complaint", "id": ticket.id, "state": ticket.state},
        )


TICKET = Slot("ticket", "ticket", "ask_ticket", ("ticket_id",), words=("工单", "单号"))


class QueryComplaint(Form):
    name = "query_complaint"
    title = "查投诉进度"
    slots = (TICKET,)
    confirm = False

    def start(self, ctx: TurnContext, state: FormState, parse: Parse) -> bool:
        if parse.first("ticket_id") is not None:
            return True
        mine = complaints.complaints_of_citizen(ctx.session, citizen_id=ctx.citizen().id, limit=1)
        if mine:
            state.slots["ticket"] = mine[0].id
        return True

    def check(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        try:
            ticket = complaints.get_complaint(ctx.session, ticket_id=str(raw))
        except BackendError:
            return Outcome.bad("ticket_unknown", id=str(raw).upper())
        if not _may_see(ctx, ticket):
            return Outcome.bad("ticket_unknown", id=ticket.id)
        return Outcome.good(ticket.id)

    def submit(self, ctx: TurnContext, state: FormState) -> None:
        ticket = complaints.get_complaint(ctx.session, ticket_id=state.slots["ticket"])
        reply = ctx.text("complaint_reply", resolution=ticket.resolution) if ticket.resolution else ""
        ctx.say(
            "complaint_progress",
            id=ticket.id,
            state=STATE_LABELS.get(ticket.state, ticket.state),
            due=date_text(ticket.resolution_due),
            reply=reply,
            card={"type": "complaint", "id": ticket.id, "state": ticket.state},
        )


def _may_see(ctx: TurnContext, ticket: Any) -> bool:
    """Only the complainant: the ticket's citizen, or (a ticket an operator took down with a
    number only) the verified owner of that number."""
    if ticket.citizen_id is not None:
        return bool(ticket.citizen_id == ctx.citizen().id)
    mine = ctx.verified_mobile()
    return mine is not None and ticket.contact_phone == mine
