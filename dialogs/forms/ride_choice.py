"""What a ride read-back promises: the real bus (班次) or a demand-responsive ride.

Before 确认 the booking form asks `ride_offers` for the departures around the wished time
and proposes one: the scheduled bus nearest the time (within 30 min; for 10点前到 the
latest arriving by then), else a demand-responsive ride at the time said. The read-back
names the proposal in full (time, line, stop, passengers, fare) and offers the nearest
other departures as more numbered choices (3 改坐07:39的1路 …); picking one reads that
back instead. What is read back is kept in the form (`_ride`) and booked exactly, and the
success message is built from the stored booking with the same `seat_line`. A change of
a seat booking (改签) is read back the same way (`change_read_back`) and moves the seat to
exactly that bus.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from backend.localtime import to_local
from backend.models import Booking
from backend.services.bus.departures import Departure
from backend.services.rides.offers import RideOffers, demand_off_hours, pickup_for_arrival, ride_offers
from dialogs import slots as kinds
from dialogs.context import TurnContext
from dialogs.tracker import FormState
from dialogs.wording import clock_text, money, people_text, trip_text, when_text

PICK = "pick:"


def plan_ride(ctx: TurnContext, state: FormState) -> dict[str, Any] | None:
    """Work out the offers for the form's slots, keep the chosen ride in `_ride` and the
    other offers in `_others`, and return the chosen ride; None when nothing runs then
    (no bus near and no demand ride at that hour)."""
    s = state.slots
    wished, arrive = kinds.time_of(s["time"]), bool(s["time"].get("arrive"))
    offers = ride_offers(
        ctx.session,
        origin=s["origin"],
        destination=s["destination"],
        wished=wished,
        arrive_by=arrive,
        now=ctx.now,
    )
    rides = _rides(ctx, state, offers, wished, arrive)
    if not rides:
        s.pop("_ride", None)
        s["_others"] = []
        return None
    picked = next((r for r in rides if r["key"] == s.get("_pick")), rides[0])
    s["_ride"] = picked
    s["_others"] = [r for r in rides if r is not picked]
    return picked


def _rides(
    ctx: TurnContext, state: FormState, offers: RideOffers, wished: datetime, arrive: bool
) -> list[dict[str, Any]]:
    """Every ride on offer, the proposal first."""
    passengers = state.slots["passengers"]
    seats = [_seat(d, passengers) for d in offers.departures]
    demand = _demand(ctx, state, wished, arrive)
    if offers.proposed is not None:
        first = next(r for r in seats if r["trip_id"] == offers.proposed.trip_id)
        return [first, *[r for r in seats if r is not first]]
    if demand_off_hours(ctx.session, datetime.fromisoformat(demand["time"])):
        state.slots["_nearest"] = seats[0] if seats else None
        return []  # no bus near and vehicles do not run then: the form asks for another time
    if offers.demand or not seats:
        return [demand, *seats]
    return seats


def _seat(departure: Departure, passengers: int) -> dict[str, Any]:
    fare = Decimal(departure.fare) * passengers if departure.fare is not None else None
    return _seat_ride(
        departure.trip_id, departure.departure, to_local(departure.arrival).isoformat(),
        route=departure.route, board=departure.board_stop, fare=fare,
    )  # fmt: skip


def _seat_ride(
    trip_id: str, leaves_at: datetime, arrival: str, *, route: str, board: str, fare: Decimal | None
) -> dict[str, Any]:
    """A seat on offer as kept in the form (`_ride`, `_others`): plain JSON values."""
    leaves = to_local(leaves_at).isoformat()
    return {
        "key": f"{trip_id}@{leaves}",
        "kind": "seat",
        "trip_id": trip_id,
        "time": leaves,
        "arrival": arrival,
        "route": route,
        "board": board,
        "fare": str(fare) if fare is not None else None,
    }


def _demand(ctx: TurnContext, state: FormState, wished: datetime, arrive: bool) -> dict[str, Any]:
    s = state.slots
    pickup = (
        pickup_for_arrival(ctx.session, origin=s["origin"], destination=s["destination"], arrive_by=wished)
        if arrive
        else wished
    )
    return {"key": "demand", "kind": "demand", "time": to_local(pickup).isoformat()}


def arrive_by(state: FormState) -> datetime | None:
    value = state.slots.get("time")
    return kinds.time_of(value) if value and value.get("arrive") else None


def seat_line(
    ctx: TurnContext, *, when: datetime, route: str, origin: str, destination: str, people: int, board: str
) -> str:
    """明天(11月21日)09:34 1路 嵩口镇→清流县城 3人，嵩口镇上车: the read-back and the success say it
    alike (by SMS: 明天(11月21日)09:34坐1路从嵩口镇到清流县城，3人)."""
    return ctx.text(
        "seat_line", when=when_text(when, ctx.now, ctx.style), route=route, trip=trip_text(origin, destination, ctx.style),
        people=people_text(people, ctx.style), board=board, destination=destination, count=people,
    )  # fmt: skip


def fare_text(fare: Any) -> str:
    return f"{money(fare)}元" if fare is not None else "上车买票"


def read_back(ctx: TurnContext, state: FormState) -> str:
    """The confirmation text of the chosen ride."""
    s, ride = state.slots, plan_ride(ctx, state)
    assert ride is not None, "the form refuses a time without a ride first (BookRide.refusal)"
    moment = datetime.fromisoformat(ride["time"])
    deadline = arrive_by(state)
    by = ctx.text("arrive_note", clock=clock_text(to_local(deadline), ctx.style)) if deadline else ""
    if ride["kind"] == "seat":
        line = seat_line(
            ctx, when=moment, route=ride["route"], origin=kinds.listed_place(ctx.session, s["origin"]),
            destination=kinds.listed_place(ctx.session, s["destination"]), people=s["passengers"], board=ride["board"],
        )  # fmt: skip
        arrival = clock_text(to_local(datetime.fromisoformat(ride["arrival"])), ctx.style)
        return ctx.text("ride_confirm_seat", line=line, arrival=arrival, fare=fare_text(ride["fare"]), by=by)
    return ctx.text(
        "ride_confirm_demand",
        when=when_text(moment, ctx.now, ctx.style),
        trip=trip_text(s["origin"], s["destination"], ctx.style),
        people=people_text(s["passengers"], ctx.style),
        by=by,
    )


def other_options(ctx: TurnContext, state: FormState) -> list[tuple[str, str]]:
    """The other rides on offer as numbered choices after 确认 / 修改."""
    options = []
    for ride in state.slots.get("_others") or []:
        clock = clock_text(to_local(datetime.fromisoformat(ride["time"])), ctx.style)
        if ride["kind"] == "seat":
            options.append((ctx.text("pick_seat", clock=clock, route=ride["route"]), PICK + ride["key"]))
        else:
            options.append((ctx.text("pick_demand", clock=clock), PICK + ride["key"]))
    return options


# -- 改签 of a seat: the read-back names the bus the change books ---------------------------
def plan_seat_change(ctx: TurnContext, state: FormState, booking: Booking) -> dict[str, Any] | None:
    """The bus a seat booking moves to, kept in `_ride` (the other buses around the new time
    in `_others`): the nearest to the new time, or the one picked; without a new time, the
    booking's own bus with the new head count. None when no bus can be named (no line, or
    an old booking without its line): then the plain read-back, and the backend decides."""
    s = state.slots
    count = s.get("passengers") or booking.passengers
    if s.get("time") is None:
        ride = _own_seat(booking, count)
        s["_ride"], s["_others"] = ride, []
        return ride
    wished, arrive = kinds.time_of(s["time"]), bool(s["time"].get("arrive"))
    offers = ride_offers(
        ctx.session,
        origin=booking.origin,
        destination=booking.destination,
        wished=wished,
        arrive_by=arrive,
        now=ctx.now,
    )
    nearest = offers.proposed or min(offers.departures, key=lambda d: abs(d.departure - wished), default=None)
    seats = [_seat(d, count) for d in offers.departures if d is not nearest]
    if nearest is None:
        s.pop("_ride", None)
        return None
    rides = [_seat(nearest, count), *seats]
    picked = next((r for r in rides if r["key"] == s.get("_pick")), rides[0])
    s["_ride"], s["_others"] = picked, [r for r in rides if r is not picked]
    return picked


def _own_seat(booking: Booking, count: int) -> dict[str, Any] | None:
    details = booking.details or {}
    if not (
        booking.trip_id and details.get("route") and details.get("board_stop") and details.get("arrival")
    ):
        return None
    fare = booking.fare_total / booking.passengers * count if booking.fare_total is not None else None
    return _seat_ride(
        booking.trip_id, booking.pickup_time, details["arrival"],
        route=details["route"], board=details["board_stop"], fare=fare,
    )  # fmt: skip


def change_read_back(ctx: TurnContext, state: FormState, booking: Booking) -> str | None:
    """确认把订单B…改为：明天(11月21日)15:24 1路 嵩口镇→清流县城 3人，嵩口镇上车，约16:14到，车费30元;
    None when no bus can be named (`plan_seat_change`)."""
    ride = plan_seat_change(ctx, state, booking) if booking.kind == "seat" else None
    if ride is None:
        return None
    line = seat_line(
        ctx, when=datetime.fromisoformat(ride["time"]), route=ride["route"], origin=booking.origin,
        destination=booking.destination, people=state.slots.get("passengers") or booking.passengers,
        board=ride["board"],
    )  # fmt: skip
    arrival = clock_text(to_local(datetime.fromisoformat(ride["arrival"])), ctx.style)
    return ctx.text(
        "change_confirm_seat", id=booking.id, line=line, arrival=arrival, fare=fare_text(ride["fare"])
    )
