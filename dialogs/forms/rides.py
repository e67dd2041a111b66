"""Ride forms: book a seat or a demand-responsive ride (预约出行), charter a vehicle (包车).

Both ask where from, where to, when and how many, plus a mobile number when the citizen
has none on record (WeChat / REST; on SMS and the phone the caller's number is known;
a typed number is proven with a one-time code or kept as a contact only, `dialogs.verify`),
read the trip back, and book it through `backend.services.rides.bookings`. The booking number
and what happens next end the conversation.
"""

from __future__ import annotations

import abc
from datetime import datetime
from typing import Any, ClassVar

from backend.models import Booking
from backend.services.dispatch import plans as dispatch_plans
from backend.services.rides import bookings as rides
from backend.services.rides import charters, checks
from backend.services.rides.offers import demand_hours
from dialogs.context import TurnContext
from dialogs.forms import ride_choice
from dialogs.forms.base import Form
from dialogs.slots import Outcome, Slot
from dialogs.tracker import FormState
from dialogs.verify import CODE
from dialogs.wording import money, people_text, trip_text, when_text

ORIGIN = Slot("origin", "place", "ask_origin", ("origin",), words=("出发地", "起点", "上车", "从哪"))
DESTINATION = Slot(
    "destination", "place", "ask_destination", ("destination",), words=("目的地", "终点", "下车", "去哪")
)
TIME = Slot("time", "time", "ask_time", ("time",), words=("时间", "几点", "日期", "哪天"))
PASSENGERS = Slot("passengers", "count", "ask_passengers", ("passengers",), words=("人数", "几个人", "几位"))
PHONE = Slot("phone", "phone", "ask_phone", ("phone",), words=("手机", "电话", "号码"))


class RideForm(Form):
    """What booking a ride and chartering a vehicle have in common."""

    slots: ClassVar[tuple[Slot, ...]] = (ORIGIN, DESTINATION, TIME, PASSENGERS, PHONE, CODE)
    place_order: ClassVar[tuple[str, ...]] = ("destination", "origin")
    contact_slot: ClassVar[str | None] = "phone"

    def incomplete(self, ctx: TurnContext, state: FormState, slot: Slot) -> bool:
        value = state.slots.get(slot.name)
        return slot.kind == "time" and bool(value) and value["grain"] == "day"

    def ask(self, ctx: TurnContext, state: FormState, slot: Slot) -> None:
        value = state.slots.get("time")
        if slot.name == "time" and value and value["grain"] == "day":
            ctx.say("ask_clock", day=self.when(ctx, value))
            return
        if slot.name == "origin" and state.slots.get("destination"):  # 嵩口 said alone, then 订车: to 嵩口
            ctx.say("ask_origin_to", destination=state.slots["destination"])
            return
        super().ask(ctx, state, slot)

    def check(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        if slot.name == "passengers":
            limit, count = self.seat_limit(ctx), int(raw)
            if count < 1:
                return Outcome.bad("count_bad")
            return Outcome.good(count) if count <= limit else Outcome.bad(self.too_many_key, max=limit)
        return super().check(ctx, state, slot, raw)

    too_many_key: ClassVar[str] = "ride_too_many"

    def seat_limit(self, ctx: TurnContext) -> int:
        return checks.demand_max_seats(ctx.session)

    def summary(self, ctx: TurnContext, state: FormState) -> str:
        s = state.slots
        return ctx.text(
            self.confirm_key,
            when=self.when(ctx, s["time"]),
            trip=trip_text(s["origin"], s["destination"], ctx.style),
            people=people_text(s["passengers"], ctx.style),
        )

    confirm_key: ClassVar[str] = "ride_confirm"

    def contact(self, ctx: TurnContext, state: FormState) -> str | None:
        phone = state.slots.get("phone")
        if phone:
            ctx.keep_contact(phone)
        return phone

    def request_key(self, ctx: TurnContext, state: FormState) -> str:
        return f"{ctx.tracker.conversation_id}:{state.form_id}"

    def trip(self, ctx: TurnContext, state: FormState) -> dict[str, Any]:
        """The keyword arguments `rides.book_ride` and `charters.book_charter` share."""
        s = state.slots
        return {
            "contact_phone": self.contact(ctx, state),
            "citizen_id": ctx.citizen().id,
            "origin": s["origin"],
            "destination": s["destination"],
            "pickup_time": self.moment(state, "time"),
            "passengers": s["passengers"],
            "channel": ctx.channel,
            "request_key": self.request_key(ctx, state),
            "now": ctx.now,
        }

    @abc.abstractmethod
    def book(self, ctx: TurnContext, state: FormState) -> Booking:
        """Book the trip read back (`trip`) with the service of this kind."""

    def submit(self, ctx: TurnContext, state: FormState) -> None:
        booking = self.book(ctx, state)
        ctx.log("booking_created", booking_id=booking.id, kind=booking.kind)
        say_booked(ctx, booking)


class BookRide(RideForm):
    """The read-back names the real bus or the demand ride (`ride_choice`); 确认 books it."""

    name = "book_ride"
    keeps_place_detail = True
    title = "订车"

    def refusal(self, ctx: TurnContext, state: FormState) -> tuple[Slot, Outcome] | None:
        if ride_choice.plan_ride(ctx, state) is not None:
            return None
        hours = demand_hours(ctx.session)
        if hours is None:
            return None  # no demand vehicles at all: read back, the backend decides
        when, nearest = self.when(ctx, state.slots["time"]), state.slots.pop("_nearest", None)
        when += "前到" if state.slots["time"].get("arrive") else ""
        values = {"when": when, "start": f"{hours[0]:%H:%M}", "end": f"{hours[1]:%H:%M}"}
        if nearest is None:
            return TIME, Outcome.bad("ride_no_service", **values)
        leaves = when_text(datetime.fromisoformat(nearest["time"]), ctx.now, ctx.style)
        return TIME, Outcome.bad("ride_no_service_bus", bus=f"{leaves}的{nearest['route']}", **values)

    def summary(self, ctx: TurnContext, state: FormState) -> str:
        return ride_choice.read_back(ctx, state)

    def more_options(self, ctx: TurnContext, state: FormState) -> list[tuple[str, str]]:
        return ride_choice.other_options(ctx, state)

    def book(self, ctx: TurnContext, state: FormState) -> Booking:
        ride = state.slots.get("_ride") or ride_choice.plan_ride(ctx, state)
        trip = {
            **self.trip(ctx, state),
            "pickup_time": datetime.fromisoformat(ride["time"]),
            "kind": ride["kind"],
            "trip_id": ride.get("trip_id"),
            "arrive_by": ride_choice.arrive_by(state),
        }
        booking = rides.book_ride(ctx.session, **trip)
        if booking.kind == "demand":  # put it on a run now; a full window is refused with the nearest times
            dispatch_plans.confirm_ride(ctx.session, booking_id=booking.id, now=ctx.now)
        return booking


class BookCharter(RideForm):
    name = "book_charter"
    keeps_place_detail = True
    title = "包车"
    confirm_key = "charter_confirm"
    too_many_key = "charter_too_many"

    def seat_limit(self, ctx: TurnContext) -> int:
        return checks.max_vehicle_seats(ctx.session)

    def book(self, ctx: TurnContext, state: FormState) -> Booking:
        return charters.book_charter(ctx.session, **self.trip(ctx, state))


def booking_card(booking: Booking) -> dict[str, Any]:
    return {
        "type": "booking",
        "id": booking.id,
        "status": booking.status,
        "kind": booking.kind,
        "origin": booking.origin_label,
        "destination": booking.destination_label,
        "time": booking.pickup_time.isoformat(),
        "arrive_by": booking.arrive_by.isoformat() if booking.arrive_by else None,
        "passengers": booking.passengers,
        "fare": str(booking.fare_total) if booking.fare_total is not None else None,
    }


def booking_line(ctx: TurnContext, booking: Booking) -> str:
    """明天(11月21日)08:00 嵩口镇→清流县城 2人; a seat also names its line and stop."""
    details = booking.details or {}
    if booking.kind == "seat" and details.get("route") and details.get("board_stop"):
        return ride_choice.seat_line(
            ctx, when=booking.pickup_time, route=details["route"], origin=booking.origin,
            destination=booking.destination, people=booking.passengers, board=details["board_stop"],
        )  # fmt: skip
    return ctx.text(
        "trip_line", when=when_text(booking.pickup_time, ctx.now, ctx.style),
        trip=trip_text(booking.origin_label, booking.destination_label, ctx.style), people=people_text(booking.passengers, ctx.style),
        origin=booking.origin_label, destination=booking.destination_label, count=booking.passengers,
    )  # fmt: skip


def say_booked(ctx: TurnContext, booking: Booking) -> None:
    values = {"id": booking.id, "line": booking_line(ctx, booking)}
    if booking.kind == "seat":
        fare = f"{money(booking.fare_total)}元" if booking.fare_total is not None else "上车买票"
        ctx.say("ride_booked_seat", card=booking_card(booking), fare=fare, **values)
    elif booking.kind == "charter":
        price = f"约{money(booking.fare_total)}元" if booking.fare_total is not None else "待定"
        kind = charters.KIND_NAMES.get((booking.details or {}).get("vehicle_kind", ""), "车辆")
        ctx.say("charter_booked", card=booking_card(booking), price=price, vehicle=kind, **values)
    elif not say_dispatched(ctx, booking, "ride_dispatched"):
        ctx.say("ride_booked_demand", card=booking_card(booking), **values)


def say_dispatched(ctx: TurnContext, booking: Booking, key: str) -> bool:
    """Say `key` with the planned pick-up, vehicle and driver; False when it is not on a run."""
    if booking.status != "assigned" or not (booking.planned_pickup and booking.vehicle and booking.driver):
        return False
    ctx.say(
        key, card=booking_card(booking), id=booking.id, line=booking_line(ctx, booking),
        when=when_text(booking.planned_pickup, ctx.now, ctx.style), origin=booking.origin_label,
        plate=booking.vehicle.plate, driver=f"{booking.driver.name} {booking.driver.phone}",
    )  # fmt: skip
    return True
