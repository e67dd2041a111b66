"""What the dialog does with things that are not a typed sentence: channel events (a
new WeChat follower, a menu click, a call starting, 退订 on SMS), a shared location, a
picture or a phone recording; and the menu itself (帮助/菜单), numbered, with 0 for a
person on every channel.
"""

from __future__ import annotations

from backend.services.citizens import identities as citizens
from backend.services.complaints import records as complaints
from backend.services.places import gazetteer as places
from dialogs import filling
from dialogs.context import TurnContext
from dialogs.forms import FORMS
from dialogs.handoff import hand_off
from dialogs.slots import PLACE_KINDS
from dialogs.understanding import Entity, Parse

FAR_KM = 20.0  # a shared location further than this from every known place is outside the county
MENU: tuple[tuple[str, str], ...] = (
    ("预约乘车", "form:book_ride"),
    ("查班车", "form:query_bus"),
    ("查快递", "form:track_parcel"),
    ("寄快递", "form:send_parcel"),
    ("投诉建议", "form:complaint"),
    ("我的预约", "form:query_booking"),
)


def show_menu(ctx: TurnContext, key: str = "menu") -> None:
    ctx.choose(ctx.text(key), list(MENU), purpose="menu")
    ctx.add_option("人工客服", "handoff", key="0")


def show_help(ctx: TurnContext) -> None:
    """The menu; inside a form it also says what is under way and how to leave it."""
    state = ctx.tracker.active
    if state is None:
        show_menu(ctx)
        return
    ctx.choose(ctx.text("help_in_form", form=FORMS[state.name].title), list(MENU), purpose="menu")
    ctx.add_option("人工客服", "handoff", key="0")


def channel_event(ctx: TurnContext, event: str) -> None:
    if event == "subscribe":
        ctx.tracker.reset()
        show_menu(ctx, "welcome")
    elif event == "call_start":
        ctx.tracker.reset()  # the hotline greets and reads its own menu
    elif event == "empty":  # a blank SMS: say what to do, and what is still being asked
        ctx.say("say_in_words")
        if ctx.tracker.active is not None:
            filling.ask_current(ctx)
    elif event == "handoff_done":
        ctx.tracker.reset()  # the agent call ended: the hotline says goodbye
    elif event.startswith("menu:"):
        name = event[5:]
        if name == "human_agent":
            hand_off(ctx, reason="市民点击转人工")
        elif name in FORMS:
            filling.begin(ctx, name, Parse.plain("", intent=name))
        else:
            show_menu(ctx)
    # unsubscribe and unknown events: nothing to say


def sms_opt_in(ctx: TurnContext, *, opting_out: bool) -> bool:
    """STOP / 退订 stops outbound notices, START / YES / UNSTOP starts them again (any other
    text changes nothing: channels/sms_keywords.py). True when the setting changed."""
    citizen = ctx.citizen()
    if citizen.mobile and citizen.sms_opt_out != opting_out:
        citizens.set_opt_out(ctx.session, mobile=citizen.mobile, opted_out=opting_out)
        ctx.log("sms_opt_out" if opting_out else "sms_opt_in", mobile_tail=citizen.mobile[-4:])
        return True
    return False


def location(ctx: TurnContext, where: tuple[float, float]) -> Parse:
    """A shared location answers an open place question, else starts a bus question from
    there. A point further than FAR_KM from every place we know is outside the county:
    it is said so, and nothing is filled in."""
    found = places.nearest_places(ctx.session, where[0], where[1], limit=1)
    name = found[0][0].name if found else ""
    state = ctx.tracker.active
    if found and found[0][1] > FAR_KM:
        ctx.say("location_far", km=round(found[0][1]))
        if state is not None:
            filling.ask_current(ctx)
        return Parse.plain("", intent="inform")
    if state is not None and state.requested and FORMS[state.name].slot(state.requested).kind in PLACE_KINDS:
        filling.answer(ctx, Parse.plain(name, intent="inform"))
    elif name:
        ctx.prefix("nearest_place", place=name)
        origin = Parse(text=name, intent="query_bus", confidence=1.0, entities=(Entity("origin", name),))
        filling.begin(ctx, "query_bus", origin)
    else:
        show_menu(ctx)
    return Parse(text=name, intent="inform", confidence=1.0, entities=(Entity("place", name),))


def media(ctx: TurnContext, items: tuple[dict[str, str], ...], *, recording: bool) -> None:
    """A picture or a recording ({"kind", "url"/"media_id"}): kept with a complaint under
    way (open_complaint stores it on the ticket); anything else asks for words."""
    state = ctx.tracker.active
    if state is None or state.name != "complaint":
        ctx.say("media_in_words")  # only a complaint keeps pictures: anything else needs words
        if state is not None:
            filling.ask_current(ctx)
        return
    ctx.prefix("media_received")
    tape = items[-1].get("url") if recording and items else None
    if tape:
        state.slots["_recording"] = tape
        state.slots.setdefault("description", ctx.text("recorded_story"))
    elif not recording:
        state.slots.setdefault("_media", []).extend(dict(item) for item in items)
    filling.proceed(ctx, FORMS[state.name], state)


def transcription(ctx: TurnContext, text: str, items: tuple[dict[str, str], ...]) -> None:
    """The gateway's transcription of a hotline recording (it arrives after the call moved
    on): it replaces the 录音留言 placeholder in a complaint still being filled, else it is
    kept on the ticket that has the recording. Nothing is said: the caller is elsewhere."""
    url = items[-1].get("url") if items else None
    if not url or not text.strip():
        return
    placeholder = ctx.text("recorded_story")
    state = ctx.tracker.active
    if state is not None and state.name == "complaint" and state.slots.get("_recording") == url:
        if state.slots.get("description") == placeholder:
            state.slots["description"] = text.strip()
        ctx.log("recording_transcribed", recording_url=url)
        return
    ticket = complaints.add_transcription(ctx.session, recording_url=url, text=text, placeholder=placeholder)
    if ticket is not None:
        ctx.log("recording_transcribed", recording_url=url, ticket_id=ticket.id)
