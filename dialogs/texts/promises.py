"""The sentences about keeping a promise: which bus a seat is really on (班次 offered as
numbered choices, with stop and fare), arrive-by trips (10点前到), complaint times that
have not happened yet, and the replies that map a backend refusal to what to do next.
Merged into `dialogs.texts.TEXTS`; same variants (rich, short for SMS, spoken).
"""

from __future__ import annotations

import re

from dialogs.texts.base import T

# what only a programmer should read: English words, field or intent names, None/null,
# validation wording (需要带时区), placeholders
INTERNAL = re.compile(
    r"None|null|Traceback|Exception|Error|[A-Za-z]+_[A-Za-z_]+|[A-Za-z]{4,}|时区|字段|参数|[{}<>]"
)

PROMISE_TEXTS: dict[str, T] = {
    # -- the ride read back is the ride booked ---------------------------------------------
    "ride_confirm_seat": T(
        "请确认：{line}，约{arrival}到，车费{fare}{by}",
        "确认：{line}，{arrival}到{by}，车费{fare}",
        "您要预约{line}，大约{arrival}到，车费{fare}{by}，对吗？",
    ),
    "ride_confirm_demand": T(
        "请确认：{when} {trip} {people}{by}，村通约车，派好车后告诉您车牌和司机",
        "确认：{when}，{trip}，{people}，约车{by}",
        "您要预约{when}，{trip}，{people}{by}，派好车后告诉您车牌和司机，对吗？",
    ),
    "change_confirm_seat": T(
        "确认把订单{id}改为：{line}，约{arrival}到，车费{fare}",
        "订单{id}改为{line}，{arrival}到，车费{fare}？",
        "订单{id}改为{line}，大约{arrival}到，车费{fare}，对吗？",
    ),
    "booking_changed_seat": T(
        "改好了！订单{id}：{line}，车费{fare}。请提前10分钟到站。",
        "已改好，订单{id}：{line}，车费{fare}。",
        "改好了。订单{id}，{line}，车费{fare}。请提前10分钟到站。",
    ),
    "arrive_note": T("（{clock}前到达）", "（{clock}前到）", "，要在{clock}前到达"),
    "pick_seat": T("改坐{clock}的{route}", "改坐{clock}的{route}", "改坐{clock}的{route}"),
    "pick_demand": T("改约{clock}村通约车", "改约{clock}约车", "改约{clock}的村通约车"),
    "refused_plainly": T(
        "抱歉，这件事没有办成。请换个说法再试一次，或者说“人工”找客服帮您办。",
        "抱歉，没有办成。请换个说法再试，或回复0转人工。",
        "抱歉，这件事没有办成。请换个说法再试一次，或者按0找人工客服。",
    ),
    "occurred_future": T(
        "{when}还没到呢。请问这件事是什么时候发生的？比如“昨天下午”，记不清可以说“不记得”。",
        "{when}还没到。是什么时候的事？如“昨天下午”，不记得可回“不记得”。",
        "{when}还没有到。请问这件事是什么时候发生的？比如昨天下午。记不清可以说不记得。",
    ),
}


def plain_refusal(message: str) -> str | None:
    """The backend's refusal as it is when a citizen may read it; None when it holds
    internal text (the caller then says `refused_plainly`)."""
    text = (message or "").strip()
    return text if text and not INTERNAL.search(text) else None
