"""Journeys with changes: saying a planned journey (each leg's line and times, where to
change, the total fare) and booking the seats of all its legs in one go.

`say_plan` answers a bus question between places no single line joins (从嵩溪怎么去灵地)
and offers each journey shown for booking; picking one starts `BookJourney` with the two
places and that journey's departure, which asks how many people (and a mobile number if
none is on record), reads the journey back and books one seat per leg, together
(backend.services.journeys.bookings).
"""

from __future__ import annotations

from typing import Any

from backend.errors import NotFound
from backend.models import Booking
from backend.services.journeys import bookings as journey_bookings
from backend.services.journeys import plans as journeys
from backend.services.journeys.plans import Journey, JourneyPlan
from backend.services.rides import checks
from dialogs.context import TurnContext
from dialogs.forms.rides import RideForm
from dialogs.tracker import FormState
from dialogs.wording import clock_text, money, people_text, trip_text, when_text

OFFERED = {"rich": 3, "short": 1, "voice": 2}
JOINERS = {"rich": "\n", "short": "，", "voice": "，"}


def fare_text(ctx: TurnContext, journey: Journey, passengers: int = 1) -> str:
    if journey.fare is None:
        return ctx.text("journey_fare_unknown")
    return f"{money(journey.fare * passengers)}元"


def duration_text(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return (f"{hours}小时" if hours else "") + (f"{rest}分钟" if rest or not hours else "")


def journey_text(ctx: TurnContext, journey: Journey, passengers: int = 1) -> str:
    """The journey leg by leg, with the change points and the fare, in the channel's style."""
    style = ctx.style
    changes = len(journey.legs) - 1
    head_key = "journey_head" if changes else "journey_head_direct"
    parts = [ctx.text(head_key, trip=trip_text(journey.origin, journey.destination, style), changes=changes)]
    if style == "short":  # typed values in fixed words, a template per number of legs (SMS)
        return _sms_journey_text(ctx, journey, parts[0], passengers)
    for number in range(len(journey.legs)):
        values = _leg_values(ctx, journey, number)
        if number:
            change = journey.changes[number - 1]
            walk = (
                ctx.text("journey_walk", minutes=change.walk_minutes, board=change.board)
                if change.walk_minutes
                else ""
            )
            parts.append(ctx.text("journey_change", at=change.at, walk=walk, wait=change.wait_minutes))
            parts.append(ctx.text("journey_next_leg", **values))
        else:
            parts.append(ctx.text("journey_first_leg", **values))
    tail = ctx.text(
        "journey_tail",
        duration=duration_text(journey.duration_minutes),
        fare=fare_text(ctx, journey, passengers),
    )
    joiner = JOINERS[style]
    text = parts[0] + joiner.join(p for p in parts[1:] if p)
    return text + ("\n" if style == "rich" else "，" if style == "short" else "。") + tail


def _sms_journey_text(ctx: TurnContext, journey: Journey, head: str, passengers: int) -> str:
    legs = [ctx.text("journey_sms_leg", **_leg_values(ctx, journey, 0))]
    for number in range(1, len(journey.legs)):
        wait = journey.changes[number - 1].wait_minutes
        legs.append(ctx.text("journey_sms_change", wait=wait, **_leg_values(ctx, journey, number)))
    fare = fare_text(ctx, journey, passengers)
    tail = ctx.text("journey_tail", fare=fare) if journey.fare is not None else fare
    return head + "，".join([*legs, tail])


def _leg_values(ctx: TurnContext, journey: Journey, number: int) -> dict[str, Any]:
    leg, style = journey.legs[number], ctx.style
    return {
        "n": "①②③"[number],
        "dep": when_text(leg.departure, ctx.now, style) if number == 0 else clock_text(leg.departure, style),
        "arr": clock_text(leg.arrival, style),
        "route": leg.route,
        "board": leg.board_stop,
        "alight": leg.alight_stop,
    }


def journey_card(journey: Journey) -> dict[str, Any]:
    return {
        "type": "journey",
        "origin": journey.origin,
        "destination": journey.destination,
        "departure": journey.departure.isoformat(),
        "arrival": journey.arrival.isoformat(),
        "fare": str(journey.fare) if journey.fare is not None else None,
        "legs": [
            {"route": leg.route, "trip_id": leg.trip_id, "board_stop": leg.board_stop, "alight_stop": leg.alight_stop,
             "departure": leg.departure.isoformat(), "arrival": leg.arrival.isoformat()}
            for leg in journey.legs
        ],
    }  # fmt: skip


def say_plan(ctx: TurnContext, plan: JourneyPlan) -> None:
    """The first journey in full, later ones by their times, each offered for booking."""
    first, *later = plan.journeys[: OFFERED[ctx.style]]
    text = journey_text(ctx, first)
    if later:
        times = "、".join(
            ctx.text(
                "journey_other", dep=clock_text(j.departure, ctx.style), arr=clock_text(j.arrival, ctx.style)
            )
            for j in later
        )
        text += ("\n" if ctx.style == "rich" else "。") + ctx.text("journey_more", times=times)
    ctx.tracker.carry = [
        {"entity": "origin", "value": plan.origin, "start": 0, "end": 0, "grain": None},
        {"entity": "destination", "value": plan.destination, "start": 0, "end": 0, "grain": None},
    ]
    options = [
        (ctx.text("journey_book_option", dep=clock_text(j.departure, ctx.style)),
         f"form:book_journey@{j.departure.isoformat()}")
        for j in (first, *later)
    ]  # fmt: skip
    ctx.choose(
        text + ("\n" if ctx.style == "rich" else "。") + ctx.text("journey_offer"), options, purpose="menu"
    )
    ctx.replies[-1] = type(ctx.replies[-1])(
        text=ctx.replies[-1].text, buttons=ctx.replies[-1].buttons, card=journey_card(first)
    )


class BookJourney(RideForm):
    """Seats on every leg of a journey with changes, booked together."""

    name = "book_journey"
    title = "换乘订座"

    def journey(self, ctx: TurnContext, state: FormState) -> Journey:
        s = state.slots
        plan = journeys.plan_journeys(
            ctx.session,
            origin=s["origin"],
            destination=s["destination"],
            after=self.moment(state, "time"),
            limit=1,
        )
        return plan.journeys[0]

    def seat_limit(self, ctx: TurnContext) -> int:
        return checks.max_vehicle_seats(ctx.session)

    def summary(self, ctx: TurnContext, state: FormState) -> str:
        passengers = state.slots["passengers"]
        journey = self.journey(ctx, state)
        state.slots["_departure"] = journey.departure.isoformat()
        return ctx.text(
            "journey_confirm",
            people=people_text(passengers, ctx.style),
            plan=journey_text(ctx, journey, passengers),
        )

    def book(self, ctx: TurnContext, state: FormState) -> Booking:
        """Book every leg of the journey read back; returns the first leg's booking."""
        journey = self.journey(ctx, state)
        read_back = state.slots.get("_departure")
        if read_back and journey.departure.isoformat() != read_back:
            raise NotFound(ctx.text("journey_gone"), field="time")
        bookings = journey_bookings.book_journey(
            ctx.session,
            citizen_id=ctx.citizen().id,
            legs=journey.legs,
            passengers=state.slots["passengers"],
            channel=ctx.channel,
            contact_phone=self.contact(ctx, state),
            request_key=self.request_key(ctx, state),
            now=ctx.now,
        )
        return bookings[0]

    def submit(self, ctx: TurnContext, state: FormState) -> None:
        first = self.book(ctx, state)
        bookings = journey_bookings.journey_legs(ctx.session, first)
        journey = self.journey(ctx, state)
        passengers = state.slots["passengers"]
        ctx.log("journey_booked", booking_ids=[b.id for b in bookings])
        ctx.say(
            "journey_booked",
            card={**journey_card(journey), "bookings": [b.id for b in bookings]},
            ids="、".join(b.id for b in bookings),
            count=len(bookings),
            plan=journey_text(ctx, journey, passengers),
            people=people_text(passengers, ctx.style),
        )
