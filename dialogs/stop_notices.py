"""退订 / TD typed in a chat (WeChat, web chat, REST, the hotline's speech): on SMS these are
the carrier's unsubscribe keywords, handled by the channel before any dialog; elsewhere a
bare 退订 may mean stopping notices or cancelling a ride, so it is asked back with numbered
choices and never starts a cancellation by itself. "不想收短信了" / "关闭提醒" is plainly
about notices: the alerts the citizen switched on (到站提醒, 停运通知) are switched off here,
and how the notice SMS are stopped is said (only the phone that receives them can: TD)."""

from __future__ import annotations

import re
import unicodedata

from backend.services.notices import subscriptions
from dialogs import filling
from dialogs.context import TurnContext

VALUE = "stop_notices"  # the option value of 不再收通知
AMBIGUOUS = frozenset({"退订", "我要退订", "帮我退订", "退订吧", "TD", "T", "取消订阅", "我要取消订阅"})
STOP_WORDS = re.compile(
    r"(不想|不要|别|不用|甭)再?(收|发|给我发|接收)?(到)?(短信|通知|消息|提醒)"
    r"|(退订|关闭|关掉|取消|停止|停掉)(短信|通知|提醒|消息|订阅)"
)
SHORT = 16  # a longer message is about something else as well (取消明天的车，别发短信了): the NLU's
KINDS = {"arrival": "到站提醒", "disruption": "停运通知"}


def _fold(text: str) -> str:
    return re.sub(r"[\s。.!！,，?？~～]+", "", unicodedata.normalize("NFKC", text)).upper()


def heard(ctx: TurnContext, text: str) -> bool:
    """Answer 退订 / TD (asked back) or a plain "stop the notices"; False for anything else."""
    folded = _fold(text)
    if folded in AMBIGUOUS:
        options = [("取消预约", "form:cancel_booking"), ("不再收通知", VALUE)]
        ctx.choose(ctx.text("unsubscribe_which"), options, purpose="menu")
        return True
    if len(folded) <= SHORT and STOP_WORDS.search(folded):
        stop(ctx)
        return True
    return False


def stop(ctx: TurnContext) -> None:
    """Switch off the citizen's alerts and say how the notice SMS are stopped; a form under
    way goes on with its question."""
    citizen = ctx.citizen()
    alerts = subscriptions.list_subscriptions(ctx.session, citizen_id=citizen.id)
    if alerts:
        subscriptions.unsubscribe(ctx.session, citizen_id=citizen.id)
        kinds = "、".join(dict.fromkeys(KINDS.get(a.kind, a.kind) for a in alerts))
        ctx.log("alerts_stopped", count=len(alerts))
        ctx.say("alerts_stopped", count=len(alerts), kinds=kinds)
    if ctx.channel == "sms":
        ctx.say("stop_notices_sms")
    elif ctx.channel == "wechat":
        ctx.say("stop_notices_wechat")
    else:
        ctx.say("stop_notices_how")
    if ctx.tracker.active is not None:
        filling.ask_current(ctx)
