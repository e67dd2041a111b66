"""Parcel forms: where is my parcel (查快递, 取件码) and send goods (寄件, 上门揽收).

Tracking takes a tracking number, or a phone (11 digits or the last 4) that is the
sender's own verified number; when that number is known and they give neither, their
parcels are looked up at once. The answer is the latest status in plain words and the
service point; the pickup code only to the recipient's verified identity (anyone else
hears that it was texted to the recipient's phone, which it then is). A full number not yet
proven on WeChat, web chat or REST is proven with a one-time code first. Failed look-ups
(unknown numbers, other people's phones) are limited per sender. Sending asks where to collect, where to, when, what, and a contact, then
reads it back before the request is recorded.
"""

from __future__ import annotations

import re
from typing import Any

from backend.errors import BackendError, NotFound, UnknownPlace
from backend.models import Parcel
from backend.services.citizens import rate_limits, verification
from backend.services.parcels import shipments as parcels
from backend.services.places import gazetteer as places
from dialogs import verify
from dialogs.context import TurnContext
from dialogs.forms.base import Form
from dialogs.forms.parcel_sms import sms_status
from dialogs.forms.rides import PHONE, TIME
from dialogs.slots import Outcome, Slot
from dialogs.tracker import FormState
from dialogs.understanding import Parse
from dialogs.verify import CODE
from dialogs.wording import when_text

PARCEL = Slot("parcel", "parcel", "ask_parcel", ("tracking_no", "phone"), words=("单号",))
PHONE_LIKE = re.compile(r"1[3-9]\d{9}|\d{4}")
TRACKING_LIKE = re.compile(r"[A-Z]{0,4}\d{8,20}[A-Z]{0,2}")
SHOWN = 3


class TrackParcel(Form):
    name = "track_parcel"
    title = "查快递"
    slots = (PARCEL, CODE)
    confirm = False

    def needed(self, ctx: TurnContext, state: FormState) -> list[Slot]:
        if "parcel" not in state.slots:
            return [PARCEL]
        unproven = state.slots["parcel"].get("prove")
        return [CODE] if unproven and verify.wanted(ctx, state, unproven) else []

    def start(self, ctx: TurnContext, state: FormState, parse: Parse) -> bool:
        if parse.first("tracking_no", "phone") is not None:
            return True
        mobile = ctx.verified_mobile()
        if mobile:
            found = parcels.parcels_for_phone(ctx.session, phone=mobile)
            if found:
                state.slots["parcel"] = {"phone": mobile}
        return True

    def ask(self, ctx: TurnContext, state: FormState, slot: Slot) -> None:
        """Only look-ups that will be answered are offered: a number (or its tail) finds
        parcels only for its verified owner, so a verified sender (who has none waiting, or
        they would have been shown) is asked for the tracking number, anyone else for the
        tracking number or their own full number, to be proven."""
        if slot.name != PARCEL.name:
            super().ask(ctx, state, slot)
        elif mine := ctx.verified_mobile():
            ctx.say("ask_parcel_verified", tail=mine[-4:])
        else:
            ctx.say("ask_parcel")

    def check(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        if slot.kind == "code":
            return super().check(ctx, state, slot, raw)
        said = re.sub(r"[\s\-]", "", str(raw)).upper()
        sender = verification.sender_key(ctx.channel, ctx.sender)
        if rate_limits.lookups_blocked(ctx.session, sender=sender, now=ctx.now):
            return Outcome.bad("lookup_limited")
        try:
            if PHONE_LIKE.fullmatch(said):
                return self._check_phone(ctx, said, sender)
            match = TRACKING_LIKE.search(said)
            if match is None:
                return Outcome.bad("parcel_bad")
            return Outcome.good(
                {"tracking": parcels.track_parcel(ctx.session, tracking_no=match.group(0)).tracking_no}
            )
        except NotFound as exc:
            rate_limits.lookup_failed(ctx.session, sender=sender, now=ctx.now)
            return Outcome.bad("backend_refused", message=exc.message)
        except BackendError as exc:
            return Outcome.bad("backend_refused", message=exc.message)

    def _check_phone(self, ctx: TurnContext, said: str, sender: str) -> Outcome:
        """A phone or its tail looks up parcels only for the verified owner of the number."""
        mine = ctx.verified_mobile()
        if mine is None and not ctx.phone_channel and len(said) == 11:
            return Outcome.good({"phone": said, "prove": said})  # their own? a code will tell
        if not mine or not (said == mine or (len(said) == 4 and mine.endswith(said))):
            rate_limits.lookup_failed(ctx.session, sender=sender, now=ctx.now)
            return Outcome.bad("parcel_phone_not_yours")
        if not parcels.parcels_for_phone(ctx.session, phone=mine):
            return Outcome.bad("parcel_none_for_phone", phone=mine[-4:])
        return Outcome.good({"phone": mine})

    def submit(self, ctx: TurnContext, state: FormState) -> None:
        key = state.slots["parcel"]
        if key.get("prove") and ctx.verified_mobile() != key["prove"]:
            ctx.say("parcel_phone_unproven")
            return
        if key.get("prove") and not parcels.parcels_for_phone(ctx.session, phone=key["prove"]):
            ctx.say("parcel_none_for_phone", phone=key["prove"][-4:])
            return
        if "tracking" in key:
            found = [parcels.track_parcel(ctx.session, tracking_no=key["tracking"])]
        else:
            found = parcels.parcels_for_phone(ctx.session, phone=key["phone"])[:SHOWN]
        mine = ctx.verified_mobile()
        ctx.log("parcel_tracked", tracking_nos=[p.tracking_no for p in found])
        card = {"type": "parcels", "parcels": [_card(p, parcels.is_recipient(p, mine)) for p in found]}
        if ctx.style == "short":  # one SMS of typed values per parcel (a template each)
            for number, parcel in enumerate(found):
                ctx.say_text(sms_status(ctx, parcel, mine), card=None if number else card)
            return
        lines = [f"{p.carrier}{p.tracking_no}：{self._status(ctx, p, mine)}" for p in found]
        ctx.say("parcel_status", lines=("\n" if ctx.style == "rich" else "；").join(lines), card=card)

    def _status(self, ctx: TurnContext, parcel: Parcel, mine: str | None) -> str:
        """The status; the pickup code only for the recipient, anyone else hears where it went."""
        if parcels.is_recipient(parcel, mine):
            return parcels.latest_status_text(parcel)
        text = parcels.latest_status_text(parcel, with_code=False)
        if parcel.status != "at_service_point" or not parcel.pickup_code:
            return text
        if not parcel.recipient_phone:
            return text + ctx.text("parcel_code_in_person")
        parcels.send_pickup_code(ctx.session, parcel=parcel, now=ctx.now)
        return text + ctx.text("parcel_code_sent", tail=parcel.recipient_phone[-4:])


def _card(parcel: Parcel, recipient: bool) -> dict[str, Any]:
    point = parcel.service_point
    return {
        "tracking_no": parcel.tracking_no,
        "carrier": parcel.carrier,
        "status": parcel.status,
        "pickup_code": parcel.pickup_code if recipient else None,
        "service_point": point.name if point else None,
    }


PICKUP = Slot("origin", "place", "ask_pickup_place", ("origin", "place"), words=("取件地", "上门", "哪里取"))
SEND_TO = Slot("destination", "address", "ask_send_to", ("destination",), words=("寄到", "目的地", "收件地"))
PICKUP_TIME = Slot(TIME.name, "time", "ask_pickup_time", TIME.entities, optional=True, words=TIME.words)
GOODS = Slot("goods", "text", "ask_goods", words=("东西", "物品", "货"))
WEIGHT = re.compile(r"(\d+(?:\.\d+)?)\s*(公斤|千克|kg|斤)", re.I)
GOODS_SAID = re.compile(r"寄(?P<goods>[^到去往给从，,。！？!?\s]{1,20}?)(?:到|去|往|给|从)")  # 寄一袋大米从上坪村到三明
# 寄到福州，一箱笋干 / 笋干20斤: a clause of its own that is a quantity of something
GOODS_CLAUSE = re.compile(
    r"[一二两三四五六七八九十几\d]+\s*(?:箱|袋|包|筐|桶|盒|瓶|篮|捆|担|麻袋|蛇皮袋)[\u4e00-\u9fff]{1,10}"
    r"|[\u4e00-\u9fff]{1,10}\d+(?:\.\d+)?\s*(?:公斤|千克|斤|kg)"
)
CLAUSES = re.compile(r"[，,。；;！!？?\s]+")
NOT_GOODS = re.compile(r"^(?:[一个两点]*(?:个|份|件)?(?:快递|包裹|东西|件)?)$")


class SendParcel(Form):
    name = "send_parcel"
    title = "寄快递"
    slots = (PICKUP, SEND_TO, PICKUP_TIME, GOODS, PHONE, CODE)
    place_order = ("origin",)
    contact_slot = "phone"
    keeps_place_detail = True

    def take_volunteered(self, ctx: TurnContext, state: FormState, parse: Parse) -> list[str]:
        """寄一箱茶叶到福州: the goods between 寄 and 到, unless only 快递 / 东西 was said; or a
        clause that is only a quantity of goods (寄到福州，一箱笋干)."""
        said = GOODS_SAID.search(parse.text)
        goods = said.group("goods") if said is not None and not NOT_GOODS.match(said.group("goods")) else None
        if goods is None and state.requested != GOODS.name:
            goods = next((c for c in CLAUSES.split(parse.text) if GOODS_CLAUSE.fullmatch(c)), None)
        if state.slots.get("goods") or goods is None:
            return []
        outcome = self.check(ctx, state, GOODS, goods)
        if not outcome.ok:
            return []
        state.slots["goods"] = outcome.value
        return ["goods"]

    def check(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        if slot.kind == "address":
            name = str(raw).strip()
            try:
                place, detail = places.resolve_address(ctx.session, name)
                name = place.name + detail  # 嵩口镇上坪村: the village too, for the courier
            except UnknownPlace:
                pass  # outside the county: kept as written (福州市鼓楼区 …)
            if not 2 <= len(name) <= 100:
                return Outcome.bad("send_to_bad")
            return Outcome.good(name)
        if slot.name == "goods":
            weight = WEIGHT.search(str(raw))
            if weight:
                kg = float(weight.group(1)) / (2 if weight.group(2) == "斤" else 1)
                if kg > parcels.MAX_SEND_WEIGHT_KG:
                    return Outcome.bad("send_too_heavy", max=f"{parcels.MAX_SEND_WEIGHT_KG:g}")
                state.slots["_weight_kg"] = round(kg, 1)
        return super().check(ctx, state, slot, raw)

    def summary(self, ctx: TurnContext, state: FormState) -> str:
        s = state.slots
        when = when_text(self.moment(state, "time"), ctx.now, ctx.style) if s.get("time") else "尽快"  # type: ignore[arg-type]
        return ctx.text(
            "send_confirm", origin=s["origin"], destination=s["destination"], when=when, goods=s["goods"]
        )

    def submit(self, ctx: TurnContext, state: FormState) -> None:
        s = state.slots
        phone = s.get("phone")
        if phone:
            ctx.keep_contact(phone)
        request = parcels.request_send(
            ctx.session,
            citizen_id=ctx.citizen().id,
            origin=s["origin"],
            destination=s["destination"],
            pickup_time=self.moment(state, "time"),
            goods=s["goods"],
            weight_kg=s.get("_weight_kg"),
            contact_phone=phone,
            now=ctx.now,
        )
        ctx.log("send_requested", request_id=request.id)
        ctx.say(
            "send_done",
            id=request.id,
            origin=request.origin,
            card={
                "type": "send_request",
                "id": request.id,
                "origin": request.origin,
                "destination": request.destination,
            },
        )
