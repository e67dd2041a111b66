"""Forms about a booking the citizen already has: cancel it, change its time or head
count (改签), or ask where the vehicle is and who drives it.

Cancelling and changing go through `dispatch_plans` (cancel_ride / change_ride), so a
demand ride's run is re-timed and a changed ride is put on a run again: the answer names
its new pick-up time, or, when no vehicle can come then, the nearest times that can and
the time is asked again (8点的车满了，8点40可以吗?).

Which booking: the number when the citizen says it; otherwise their active bookings,
narrowed by any day or place they mention; one left is taken, several are offered as
numbered options (1 11月21日08:00 嵩口镇→清流县城 2人 …), none ends the form politely.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, ClassVar

from backend.errors import CapacityExceeded, NotFound
from backend.localtime import to_local
from backend.models import Booking
from backend.services.dispatch import plans as dispatch_plans
from backend.services.journeys import bookings as journey_bookings
from backend.services.rides import bookings as rides
from backend.services.rides import checks
from backend.services.rides.offers import pickup_for_arrival
from dialogs import small_hours
from dialogs.context import TurnContext
from dialogs.forms import ride_choice
from dialogs.forms.base import Form
from dialogs.forms.rides import PASSENGERS, TIME, booking_card, booking_line, say_dispatched
from dialogs.slots import PLACE_ENTITIES, Outcome, Slot
from dialogs.tracker import FormState
from dialogs.understanding import Parse
from dialogs.wording import people_text, trip_text, when_text

BOOKING = Slot(
    "booking", "booking", "ask_which_booking", ("booking_id",), words=("订单", "哪个预约", "哪一个")
)
MAX_LISTED = 5
PLACE_WORDS = re.compile("地点|地方|上车点|出发地|目的地|起点|终点")


class BookingForm(Form):
    """Picks one of the citizen's bookings first."""

    slots: ClassVar[tuple[Slot, ...]] = (BOOKING,)
    active_only: ClassVar[bool] = True

    def worth_resuming(self, ctx: TurnContext, state: FormState) -> bool:
        """取消B…(not found), then a new charter: resuming "取消预约" would offer to cancel the
        charter just made. Resumed only once a booking was chosen, and only while that booking
        is still active (改时间, then 取消预约 of the same booking: no 改签 of a cancelled one)."""
        if "booking" not in state.slots:
            return False
        return not self.active_only or self.booking(ctx, state).status in checks.ACTIVE_STATUSES

    def start(self, ctx: TurnContext, state: FormState, parse: Parse) -> bool:
        if parse.first("booking_id") is not None:
            return True
        bookings = self.bookings(ctx)
        if not bookings:
            ctx.say("no_bookings")
            return False
        narrowed = _narrow(bookings, parse)
        if len(narrowed) == 1:
            state.slots["booking"] = narrowed[0].id
        return True

    def bookings(self, ctx: TurnContext) -> list[Booking]:
        return rides.list_bookings(ctx.session, citizen_id=ctx.citizen().id, active_only=True, now=ctx.now)

    def ask(self, ctx: TurnContext, state: FormState, slot: Slot) -> None:
        if slot.name != "booking":
            super().ask(ctx, state, slot)
            return
        listed = self.bookings(ctx)[:MAX_LISTED]
        if not listed:  # none to pick from (a wrong number was typed first): the form ends
            ctx.say("no_bookings")
            from dialogs import filling  # the runner imports the forms

            filling.finish(ctx)
            return
        options = [(booking_line(ctx, b), b.id) for b in listed]
        ctx.choose(ctx.text("ask_which_booking", count=len(listed)), options, purpose="slot")

    def check(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        if slot.name != "booking":
            return super().check(ctx, state, slot, raw)
        wanted = str(raw).strip().upper()
        try:
            booking = rides.get_booking(ctx.session, wanted)
        except NotFound:
            return Outcome.bad("booking_unknown", id=wanted)
        if booking.citizen_id != ctx.citizen().id:
            return Outcome.bad("booking_unknown", id=wanted)
        if self.active_only and booking.status not in checks.ACTIVE_STATUSES:
            return Outcome.bad("booking_not_active", id=wanted)
        return Outcome.good(booking.id)

    def booking(self, ctx: TurnContext, state: FormState) -> Booking:
        return rides.get_booking(ctx.session, state.slots["booking"])


class CancelBooking(BookingForm):
    name = "cancel_booking"
    title = "取消预约"
    deny_abandons = True

    def summary(self, ctx: TurnContext, state: FormState) -> str:
        booking = self.booking(ctx, state)
        return ctx.text("cancel_confirm", id=booking.id, line=booking_line(ctx, booking))

    def confirm_options(self) -> list[tuple[str, str]]:
        return [("确认取消", "affirm"), ("不取消", "deny")]

    def submit(self, ctx: TurnContext, state: FormState) -> None:
        booking = dispatch_plans.cancel_ride(
            ctx.session, booking_id=state.slots["booking"], citizen_id=ctx.citizen().id, now=ctx.now
        )
        ctx.log("booking_cancelled", booking_id=booking.id)
        ctx.say("cancelled", id=booking.id, line=booking_line(ctx, booking), card=booking_card(booking))
        others = [b.id for b in journey_bookings.journey_legs(ctx.session, booking) if b.id != booking.id]
        if others:
            ctx.say("journey_cancelled_too", ids="、".join(others))


class ChangeBooking(BookingForm):
    name = "change_booking"
    title = "改签"
    slots = (BOOKING, TIME, PASSENGERS)

    def needed(self, ctx: TurnContext, state: FormState) -> list[Slot]:
        if "booking" not in state.slots:
            return [BOOKING]
        value = state.slots.get("time")
        if value is None and (state.slots.get("passengers") is None or state.slots.get("_retime")):
            return [TIME]
        return []

    def ask(self, ctx: TurnContext, state: FormState, slot: Slot) -> None:
        if slot.name == "time" and state.slots.get("_retime"):
            ctx.say("ask_time")  # after the offers: 可以改到06:08出发 …
            return
        if slot.name == "time":
            booking = self.booking(ctx, state)
            ctx.say("ask_change_what", id=booking.id, line=booking_line(ctx, booking))
            return
        super().ask(ctx, state, slot)

    def check_time(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        asked = isinstance(state.slots.get(small_hours.ASKED), dict)  # 后天上午10点 at 03:00: its clock
        if "time" not in state.slots and "booking" in state.slots and not asked:
            current = to_local(self.booking(ctx, state).pickup_time)
            state.slots["time"] = {"value": current.isoformat(), "grain": "minute", "said": ""}
            outcome = super().check_time(ctx, state, slot, raw)
            del state.slots["time"]
            return outcome
        return super().check_time(ctx, state, slot, raw)

    def unheard(self, ctx: TurnContext, state: FormState, parse: Parse) -> bool:
        """A place said while changing: only the time and the head count change here."""
        places = [e for e in parse.all(*PLACE_ENTITIES) if not parse.negated(e)]
        if "booking" not in state.slots or state.awaiting is not None or not (places or PLACE_WORDS.search(parse.text)):
            return False
        ctx.say("change_place_not_here", id=state.slots["booking"])
        return True

    def check(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        if slot.name == "passengers" and int(raw) > checks.max_vehicle_seats(ctx.session):
            return Outcome.bad("ride_too_many", max=checks.max_vehicle_seats(ctx.session))
        return super().check(ctx, state, slot, raw)

    def summary(self, ctx: TurnContext, state: FormState) -> str:
        booking = self.booking(ctx, state)
        seat = ride_choice.change_read_back(ctx, state, booking)
        if seat is not None:  # the bus the change books, by name
            return seat
        moment = self.pickup(ctx, state, booking) or booking.pickup_time
        count = state.slots.get("passengers") or booking.passengers
        return ctx.text(
            "change_confirm",
            id=booking.id,
            when=when_text(moment, ctx.now, ctx.style),
            trip=trip_text(booking.origin_label, booking.destination_label, ctx.style),
            people=people_text(count, ctx.style),
        )

    def more_options(self, ctx: TurnContext, state: FormState) -> list[tuple[str, str]]:
        return ride_choice.other_options(ctx, state)

    def say_abandoned(self, ctx: TurnContext, state: FormState) -> None:
        """"算了不去了" while changing: the booking stands; saying how to cancel it is honest,
        guessing that it should be cancelled is not."""
        if "booking" in state.slots:
            ctx.prefix("change_kept", id=state.slots["booking"])
        else:
            super().say_abandoned(ctx, state)

    def pickup(self, ctx: TurnContext, state: FormState, booking: Booking) -> datetime | None:
        """The new pick-up of a ride that is not a seat: the time said, or for "10点前到" the
        pick-up that arrives by then."""
        deadline = ride_choice.arrive_by(state)
        if deadline is None or booking.kind == "seat":
            return self.moment(state, "time")
        return pickup_for_arrival(
            ctx.session, origin=booking.origin, destination=booking.destination, arrive_by=deadline
        )

    def submit(self, ctx: TurnContext, state: FormState) -> None:
        ride = state.slots.get("_ride")  # the bus read back, booked exactly
        pickup = datetime.fromisoformat(ride["time"]) if ride and "time" in state.slots else None
        booking = self.booking(ctx, state)
        try:
            booking = dispatch_plans.change_ride(
                ctx.session,
                booking_id=state.slots["booking"],
                citizen_id=ctx.citizen().id,
                pickup_time=pickup or self.pickup(ctx, state, booking),
                passengers=state.slots.get("passengers"),
                trip_id=ride["trip_id"] if pickup else None,
                arrive_by=ride_choice.arrive_by(state),
                now=ctx.now,
                tell_rider=False,  # the answer names the new pick-up, vehicle and driver
            )
        except CapacityExceeded as exc:
            if exc.details.get("field") == "time":  # no vehicle then: the offers, and the time again
                state.slots["_retime"] = True
            raise
        ctx.log("booking_changed", booking_id=booking.id)
        if say_dispatched(ctx, booking, "booking_changed_dispatched"):
            return
        if booking.kind == "seat":
            fare = ride_choice.fare_text(booking.fare_total)
            ctx.say("booking_changed_seat", id=booking.id, line=booking_line(ctx, booking), fare=fare,
                    card=booking_card(booking))  # fmt: skip
            return
        ctx.say("booking_changed", id=booking.id, line=booking_line(ctx, booking), card=booking_card(booking))


class QueryBooking(BookingForm):
    name = "query_booking"
    title = "查预约"
    confirm = False

    def submit(self, ctx: TurnContext, state: FormState) -> None:
        booking = self.booking(ctx, state)
        line = booking_line(ctx, booking)
        card = booking_card(booking)
        if booking.status == "assigned" and booking.vehicle is not None:
            driver = booking.driver
            ctx.say(
                "booking_assigned",
                id=booking.id,
                line=line,
                plate=booking.vehicle.plate,
                driver=f"{driver.name} {driver.phone}" if driver else "待定",
                eta=when_text(booking.planned_pickup or booking.pickup_time, ctx.now, ctx.style),
                origin=booking.origin_label,
                card=card,
            )
            return
        ctx.say(f"booking_{booking.status}", id=booking.id, line=line, card=card)


def _narrow(bookings: list[Booking], parse: Parse) -> list[Booking]:
    found = bookings
    time = parse.first("time")
    if time is not None:
        day = to_local(datetime.fromisoformat(str(time.value))).date()
        found = [b for b in found if to_local(b.pickup_time).date() == day] or found
    place = parse.first("destination", "place", "origin")
    if place is not None:
        found = [b for b in found if place.value in (b.destination, b.origin)] or found
    return found
