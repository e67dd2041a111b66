"""Parcel forms: where is my parcel (查快递, 取件码) and send goods (寄件, 上门揽收).

Tracking takes a tracking number or a recipient phone (11 digits or the last 4); when
the citizen's own mobile is known and they give neither, their parcels are looked up
at once. The answer is the latest status in plain words with the pickup code and the
service point. Sending asks where to collect, where to, when, what, and a contact, then
reads it back before the request is recorded.
"""

from __future__ import annotations

import re
from typing import Any

from backend.errors import BackendError, UnknownPlace
from backend.models import Parcel
from backend.services import parcels, places
from dialogs.context import TurnContext
from dialogs.forms.base import Form
from dialogs.forms.rides import PHONE, TIME
from dialogs.slots import Outcome, Slot
from dialogs.tracker import FormState
from dialogs.understanding import Parse
from dialogs.wording import when_text

PARCEL = Slot("parcel", "parcel", "ask_parcel", ("tracking_no", "phone"), words=("单号",))
PHONE_LIKE = re.compile(r"1[3-9]\d{9}|\d{4}")
TRACKING_LIKE = re.compile(r"[A-Z]{0,4}\d{8,20}[A-Z]{0,2}")
SHOWN = 3


class TrackParcel(Form):
    name = "track_parcel"
    title = "查快递"
    slots = (PARCEL,)
    confirm = False

    def start(self, ctx: TurnContext, state: FormState, parse: Parse) -> bool:
        if parse.first("tracking_no", "phone") is not None:
            return True
        mobile = ctx.known_mobile()
        if mobile:
            found = parcels.parcels_for_phone(ctx.session, phone=mobile)
            if found:
                state.slots["parcel"] = {"phone": mobile}
        return True

    def check(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        said = re.sub(r"[\s\-]", "", str(raw)).upper()
        try:
            if PHONE_LIKE.fullmatch(said):
                if not parcels.parcels_for_phone(ctx.session, phone=said):
                    return Outcome.bad("parcel_none_for_phone", phone=said[-4:])
                return Outcome.good({"phone": said})
            match = TRACKING_LIKE.search(said)
            if match is None:
                return Outcome.bad("parcel_bad")
            return Outcome.good(
                {"tracking": parcels.track_parcel(ctx.session, tracking_no=match.group(0)).tracking_no}
            )
        except BackendError as exc:
            return Outcome.bad("backend_refused", message=exc.message)

    def submit(self, ctx: TurnContext, state: FormState) -> None:
        key = state.slots["parcel"]
        if "tracking" in key:
            found = [parcels.track_parcel(ctx.session, tracking_no=key["tracking"])]
        else:
            found = parcels.parcels_for_phone(ctx.session, phone=key["phone"])[:SHOWN]
        lines = [f"{p.carrier}{p.tracking_no}：{parcels.latest_status_text(p)}" for p in found]
        joiner = "\n" if ctx.style == "rich" else "；"
        ctx.log("parcel_tracked", tracking_nos=[p.tracking_no for p in found])
        ctx.say(
            "parcel_status",
            lines=joiner.join(lines),
            card={"type": "parcels", "parcels": [_card(p) for p in found]},
        )


def _card(parcel: Parcel) -> dict[str, Any]:
    point = parcel.service_point
    return {
        "tracking_no": parcel.tracking_no,
        "carrier": parcel.carrier,
        "status": parcel.status,
        "pickup_code": parcel.pickup_code,
        "service_point": point.name if point else None,
    }


PICKUP = Slot("origin", "place", "ask_pickup_place", ("origin", "place"), words=("取件地", "上门", "哪里取"))
SEND_TO = Slot("destination", "address", "ask_send_to", ("destination",), words=("寄到", "目的地", "收件地"))
PICKUP_TIME = Slot(TIME.name, "time", "ask_pickup_time", TIME.entities, optional=True, words=TIME.words)
GOODS = Slot("goods", "text", "ask_goods", words=("东西", "物品", "货"))
WEIGHT = re.compile(r"(\d+(?:\.\d+)?)\s*(公斤|千克|kg|斤)", re.I)


class SendParcel(Form):
    name = "send_parcel"
    title = "寄快递"
    slots = (PICKUP, SEND_TO, PICKUP_TIME, GOODS, PHONE)
    place_order = ("origin",)
    contact_slot = "phone"

    def check(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        if slot.kind == "address":
            name = str(raw).strip()
            try:
                name = places.resolve_place(ctx.session, name).name
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
            ctx.link_mobile(phone)
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
