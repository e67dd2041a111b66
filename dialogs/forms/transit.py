"""Scheduled-bus forms: timetable questions (next departures, first and last bus, fare,
when the next bus reaches my stop) and alert subscriptions (到站提醒, 停运通知).

What a bus question asks for is read from its words (末班车 / 多少钱 / 到哪了); the
answer comes straight from `backend.services.bus.departures`, no read-back needed. A subscription
is read back before it is stored.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any, ClassVar

from backend.errors import NotFound
from backend.localtime import to_local
from backend.services.bus import departures as bus
from backend.services.journeys import plans as journeys
from backend.services.notices import subscriptions
from backend.services.rides import bookings as rides
from dialogs.context import TurnContext
from dialogs.forms.base import Form
from dialogs.forms.journeys import say_plan
from dialogs.forms.rides import DESTINATION, ORIGIN, TIME
from dialogs.slots import PLACE_ENTITIES, Outcome, Slot
from dialogs.tracker import FormState
from dialogs.understanding import Parse
from dialogs.wording import clock_text, day_text, price_text, trip_text

MODES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("arrival", re.compile(r"到哪|还有多久|多久到|几分钟|快到了|到了没|来了没|还要等")),
    ("first_last", re.compile(r"首班|头班|第一班|早班|末班|最后一班|最晚|最早")),
    ("fare", re.compile(r"多少钱|票价|车费|几块|价格|收费")),
)
ROUTE = re.compile(r"(\d{1,2})\s*路|\b(L\d{2})\b", re.I)
SHOWN = 3
PERIOD_FROM = {5: 4, 8: 5, 9: 6, 12: 11, 15: 13, 18: 17, 19: 17, 21: 20, 23: 22}
"""A part of the day (its default hour, as the NLU gives it) -> the hour its buses are listed from:
今天早上的车 asked at 05:16 lists the 06:39 and the 07:39, not only the buses after 08:00."""
CLOCK_AFTER_MINUTES = 60  # a bus further away than this is told by its clock
STOP = Slot("origin", "place", "ask_stop", ("place", "origin"), words=("站",))


def mode_of(text: str) -> str | None:
    """What a bus question asks for, by its words; None for plain departures."""
    return next((mode for mode, words in MODES if words.search(text)), None)


class QueryBus(Form):
    name = "query_bus"
    title = "查班车"
    slots: ClassVar[tuple[Slot, ...]] = (ORIGIN, DESTINATION, TIME)
    place_order = ("destination", "origin")
    confirm = False
    future_times = False

    def start(self, ctx: TurnContext, state: FormState, parse: Parse) -> bool:
        state.slots["_mode"] = mode_of(parse.text) or "departures"
        last = ctx.tracker.last_trip
        if last and not state.slots.keys() & {"origin", "destination"} and not parse.all(*PLACE_ENTITIES):
            state.slots.update(last)  # 最后一班几点 / 车费多少钱 right after 嵩口到县城几点有车
        return named_line(ctx, state, parse)

    def restarts_with(self, state: FormState, parse: Parse) -> bool:
        """车费多少钱 while asked which stop for 还有多久到: another question about the same trip."""
        mode = mode_of(parse.text)
        return mode is not None and mode != state.slots.get("_mode")

    def needed(self, ctx: TurnContext, state: FormState) -> list[Slot]:
        s = state.slots
        if s.get("_mode") == "arrival" and "origin" not in s and s.get("destination"):
            s["origin"] = s.pop("destination")  # 嵩口的车还有多久到 / 我在嵩口: the place said is the stop
        wanted = (STOP,) if s.get("_mode") == "arrival" else (ORIGIN, DESTINATION)
        return [s for s in wanted if s.name not in state.slots]

    def ask(self, ctx: TurnContext, state: FormState, slot: Slot) -> None:
        if state.slots.get("_mode") == "arrival" and slot.name == "origin":
            ctx.say("ask_stop")
            return
        super().ask(ctx, state, slot)

    def submit(self, ctx: TurnContext, state: FormState) -> None:
        mode = state.slots.get("_mode")
        try:
            self._line_stops(ctx, state)
            if mode == "arrival":
                self._arrival(ctx, state)
            elif mode == "first_last":
                self._first_last(ctx, state)
            elif mode == "fare":
                self._fare(ctx, state)
            else:
                self._departures(ctx, state)
        except NotFound as exc:
            ctx.say("backend_refused", message=exc.message)
            return
        if mode != "arrival":
            ctx.tracker.last_trip = {"origin": state.slots["origin"], "destination": state.slots["destination"]}

    def _line_stops(self, ctx: TurnContext, state: FormState) -> None:
        """A line said that does not stop at a place asked about (3路 at 嵩口镇) is said so, with
        the lines that do; the answer is then about those, each named, never silently."""
        route, s = state.slots.get("_route"), state.slots
        places = [s["origin"]] if s.get("_mode") == "arrival" else [s["origin"], s["destination"]]
        for place in places if route else []:
            serving = bus.lines_serving(ctx.session, place)
            if route not in {r.label for r in serving}:
                ctx.say("line_not_here", route=route, place=place, lines=bus.labels(serving))
                del s["_route"]
                return

    def _departures(self, ctx: TurnContext, state: FormState) -> None:
        s = state.slots
        after = self.moment(state, "time")
        if after is not None and (s.get("time") or {}).get("grain") == "hour":
            after = after.replace(hour=PERIOD_FROM.get(after.hour, after.hour), minute=0)  # 早上: from 05:00
        if after is None or after < ctx.now:
            after = ctx.now
        try:
            found = bus.next_departures(
                ctx.session, origin=s["origin"], destination=s["destination"], after=after, limit=SHOWN,
                route=s.get("_route"),
            )  # fmt: skip
        except NotFound as exc:
            if not {"origin", "destination"} <= set(exc.details):
                raise
            self._journeys(ctx, state, after, exc)  # no direct bus: plan with changes
            return
        lines = []
        for dep in found:
            local = dep.departure  # in the network's own time zone, as at the stop
            today = ctx.now.astimezone(local.tzinfo).date()
            day = "" if local.date() == today else day_text(local.date(), today, ctx.style)
            about = "" if dep.exact else ctx.text("about")
            fare = (
                f"，{price_text(dep.fare, dep.currency)}"
                if dep.fare is not None and ctx.style == "rich"
                else ""
            )
            lines.append(
                ctx.text("departure_line", when=day + about + clock_text(local, ctx.style), route=dep.route,
                         stop=dep.board_stop, minutes=dep.duration_minutes, fare=fare,
                         rule=boarding_rules(ctx, dep.pickup_type, dep.drop_off_type, dep.agency_phone))
            )  # fmt: skip
        card = {
            "type": "departures",
            "origin": s["origin"],
            "destination": s["destination"],
            "departures": [
                {"route": d.route, "departure": d.departure.isoformat(), "arrival": d.arrival.isoformat(),
                 "board_stop": d.board_stop, "fare": str(d.fare) if d.fare is not None else None}
                for d in found
            ],
        }  # fmt: skip
        joiner = "；" if ctx.style != "rich" else "\n"
        ctx.say(
            "departures",
            trip=trip_text(s["origin"], s["destination"], ctx.style),
            lines=joiner.join(lines),
            card=card,
        )

    def _first_last(self, ctx: TurnContext, state: FormState) -> None:
        s = state.slots
        day = to_local(self.moment(state, "time") or ctx.now).date()
        first, last = bus.first_last_bus(
            ctx.session, origin=s["origin"], destination=s["destination"], day=day, route=s.get("_route")
        )
        ctx.say(
            "first_last",
            trip=trip_text(s["origin"], s["destination"], ctx.style),
            day=day_text(day, to_local(ctx.now).date(), ctx.style),
            first=clock_text(first.departure, ctx.style),
            last=clock_text(last.departure, ctx.style),
            route=first.route,
        )

    def _journeys(self, ctx: TurnContext, state: FormState, after: datetime, direct: NotFound) -> None:
        """No direct bus: a plan with changes, else what the direct search said (only up to 10月31日 …)."""
        s = state.slots
        try:
            plan = journeys.plan_journeys(
                ctx.session, origin=s["origin"], destination=s["destination"], after=after
            )
        except NotFound:
            raise direct from None
        say_plan(ctx, plan)

    def _fare(self, ctx: TurnContext, state: FormState) -> None:
        s = state.slots
        try:
            price, currency = bus.fare_quote(
                ctx.session, origin=s["origin"], destination=s["destination"], route=s.get("_route")
            )
        except NotFound as exc:
            if not {"origin", "destination"} <= set(exc.details):
                raise
            self._journeys(ctx, state, max(self.moment(state, "time") or ctx.now, ctx.now), exc)
            return
        ctx.say(
            "fare", trip=trip_text(s["origin"], s["destination"], ctx.style), fare=price_text(price, currency)
        )

    def _arrival(self, ctx: TurnContext, state: FormState) -> None:
        place = state.slots["origin"]
        route = state.slots.get("_route")
        found = bus.estimate_arrival(ctx.session, place=place, route=route, now=ctx.now, limit=SHOWN)
        if not found:
            today = to_local(ctx.now).date()
            gap = bus.outside_calendar(ctx.session, today, today)
            if gap is not None:
                ctx.say("backend_refused", message=gap)
            else:
                ctx.say("no_arrivals", place=place)
            return
        lines = [_arrival_line(ctx, e) for e in found]
        ctx.say("arrivals", place=place, lines=("；" if ctx.style != "rich" else "\n").join(lines))


def _arrival_line(ctx: TurnContext, estimate: Any) -> str:
    """约12分钟后到嵩口镇; a bus more than an hour away by its clock, with the day when it is
    not today's (1路明天(11月21日)06:39到嵩口镇), not as 约454分钟后."""
    said = {
        "route": estimate.route,
        "stop": estimate.stop,
        "source": "实时" if estimate.source == "realtime" else "按时刻表",
        "rule": boarding_rules(ctx, estimate.pickup_type, 0, None),
    }
    if estimate.minutes_away <= CLOCK_AFTER_MINUTES:
        return ctx.text("arrival_line", minutes=estimate.minutes_away, **said)
    local, today = to_local(estimate.expected), to_local(ctx.now).date()
    day = "" if local.date() == today else day_text(local.date(), today, ctx.style)
    about = "" if estimate.exact else ctx.text("about")
    return ctx.text("arrival_line_at", when=day + about + clock_text(local, ctx.style), **said)


def about_a_line(ctx: TurnContext, parse: Parse) -> bool:
    """车到哪了 naming a line or a place from someone with no booking to ask about (1路车到哪了,
    嵩口的车到哪了) is a question about the buses."""
    if parse.first("booking_id") is not None or not MODES[0][1].search(parse.text):
        return False
    if said_line(ctx, parse.text) is None and parse.first("origin", "destination", "place") is None:
        return False
    return not rides.list_bookings(ctx.session, citizen_id=ctx.citizen().id, active_only=True, now=ctx.now)


def boarding_rules(ctx: TurnContext, pickup_type: int, drop_off_type: int, phone: str | None) -> str:
    """What the feed asks of the rider: phone the operator (2) or tell the driver (3)."""
    number = f"（{phone}）" if phone else ""
    parts = []
    for kind, rule in (("board", pickup_type), ("alight", drop_off_type)):
        if rule == 2:
            parts.append(ctx.text(f"rule_{kind}_phone", phone=number))
        elif rule == 3:
            parts.append(ctx.text(f"rule_{kind}_driver"))
    return "".join(parts)


def route_name(match: re.Match[str]) -> str:
    return f"{match.group(1)}路" if match.group(1) else match.group(2).upper()


def said_line(ctx: TurnContext, text: str) -> str | None:
    """The line a message names: N路 / L0N (known or not), or a line's own name (清三线)."""
    route = ROUTE.search(text)
    if route:
        return route_name(route)
    named = bus.route_named_in(ctx.session, text)
    return named.label if named else None


def named_line(ctx: TurnContext, state: FormState, parse: Parse) -> bool:
    """Keep the line the message names as `_route` (by its label); a line the network does
    not have (25路) is answered with the lines there are, and the form ends."""
    said = said_line(ctx, parse.text)
    if said is None:
        return True
    try:
        state.slots["_route"] = bus.find_route(ctx.session, said).label
    except NotFound as exc:
        ctx.say("backend_refused", message=exc.message)
        return False
    return True


KIND = Slot("kind", "choice", "ask_alert_kind")
ALERT_PLACE = Slot(
    "place", "place", "ask_alert_place", ("place", "origin", "destination"), words=("站", "地方")
)
ALERT_KIND_WORDS = (  # arrival first: 车到了通知我 is an arrival alert, though it says 通知
    ("arrival", re.compile(r"到站|快到|到了叫|到了告诉|到了通知|进站")),
    ("disruption", re.compile(r"停运|停班|停开|停驶|不开|通知|封路")),
)


class SubscribeAlert(Form):
    name = "subscribe_alert"
    title = "订阅提醒"
    slots = (KIND, ALERT_PLACE)

    def start(self, ctx: TurnContext, state: FormState, parse: Parse) -> bool:
        kind = next((k for k, words in ALERT_KIND_WORDS if words.search(parse.text)), None)
        if kind:
            state.slots["kind"] = kind
        return named_line(ctx, state, parse)

    def choices(self, ctx: TurnContext, state: FormState, slot: Slot) -> list[tuple[str, str]]:
        return [("到站提醒", "arrival"), ("停运通知", "disruption")]

    def needed(self, ctx: TurnContext, state: FormState) -> list[Slot]:
        if "kind" not in state.slots:
            return [KIND]
        if state.slots["kind"] == "arrival" and "place" not in state.slots:
            return [ALERT_PLACE]
        return []

    def check(self, ctx: TurnContext, state: FormState, slot: Slot, raw: Any) -> Outcome:
        if slot.name == "kind":
            said = str(raw)
            kind = next((k for k, words in ALERT_KIND_WORDS if words.search(said)), None)
            if kind:
                return Outcome.good(kind)
        return super().check(ctx, state, slot, raw)

    def summary(self, ctx: TurnContext, state: FormState) -> str:
        return ctx.text(f"alert_confirm_{state.slots['kind']}", where=self._where(state))

    def _where(self, state: FormState) -> str:
        parts = [state.slots.get("_route"), state.slots.get("place")]
        return "".join(p for p in parts if p) or "全县线路"

    def submit(self, ctx: TurnContext, state: FormState) -> None:
        sub = subscriptions.subscribe(
            ctx.session,
            citizen_id=ctx.citizen().id,
            kind=state.slots["kind"],
            place=state.slots.get("place"),
            route=state.slots.get("_route"),
        )
        ctx.log("subscribed", subscription_id=sub.id, kind=sub.kind)
        ctx.say(f"alert_done_{sub.kind}", where=self._where(state))
