"""Demo records for the agent console (used by scripts/console_screenshots.py): three
console accounts, conversations waiting for a person on each channel, one being handled,
a callback owed to a hotline caller, and a month of complaints in every state, written
through the same services the service itself uses, at times relative to `now`.

Fixed-seed random choices, so the pictures look the same on every run.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from backend.services.agents import accounts as agents
from backend.services.agents import queue as agent_queue
from backend.services.citizens import conversations
from backend.services.citizens.identities import citizen_for_sender
from backend.services.complaints import records as complaints

PASSWORD = "qingliu-12328"
ACCOUNTS = (("lin", "林小梅", "agent"), ("wu", "吴建华", "agent"), ("chen", "陈丽", "supervisor"))
NAMES = {"13905981234": "黄桂兰", "oQl7x0Hk2vM_demo_zhang": "张德胜", "oQl7x0Hk2vM_demo_li": "李春生"}
WAITING = (
    (
        "sms",
        "13905981234",
        14,
        ["明天早上有车去县城吗", "我要找人工，孙子的快递放哪了说不清楚"],
        "两次没有听懂",
    ),
    (
        "wechat",
        "oQl7x0Hk2vM_demo_zhang",
        6,
        ["转人工", "上周投诉的司机的事，到现在还没人回我"],
        "群众要求转人工",
    ),
    ("voice", "13805994321", 3, ["（电话）我要投诉那个车，开得太快了"], "来电要求转人工"),
    ("rest", "web-5f2a", 1, ["你好，包车去三明的价格怎么算"], "群众要求转人工"),
)
HELD = (
    "wechat",
    "oQl7x0Hk2vM_demo_li",
    [
        ("user", "我在灵地村，预约的车说7点来，现在7点20了还没到"),
        ("bot", "好的，正在为您转人工客服，请稍等。"),
        ("agent", "您好，我是客服林小梅。已经联系司机，车在路上，大约10分钟到灵地村口。"),
        ("user", "好的，那我在村口等"),
    ],
)
COMPLAINT_TEXTS = (
    ("driver", "清三线的司机开车一直打电话，车上还有老人孩子，太危险了", "嵩口"),
    ("driver", "司机不等老人坐稳就开车，我妈差点摔倒", "灵地"),
    ("schedule", "早上6点40那班车又没来，等了快一个小时", "长校"),
    ("schedule", "周末班次太少，下午三点以后就没车回村了", "李家"),
    ("fare", "从林畲到县城多收了两块钱，也不给票", "林畲"),
    ("vehicle", "车里空调坏了好几天，夏天闷得受不了", "赖坊"),
    ("parcel", "快递放在服务点三天了没人通知我", "温郊"),
    ("parcel", "寄的笋干到了都压坏了，要求赔偿", "田源"),
    ("safety", "这辆车超载，过道上都站满了人", "沙芜"),
    ("other", "候车亭的灯坏了，晚上黑漆漆的不安全", "余朋"),
)
PATHS = (
    ["assigned", "in_progress", "resolved", "followed_up", "closed"],
    ["assigned", "in_progress", "resolved", "followed_up"],
    ["assigned", "in_progress", "resolved"],
    ["assigned", "in_progress"],
    ["assigned"],
    ["escalated", "assigned", "in_progress", "resolved", "followed_up", "closed"],
    [],
)


def load_console_demo(session: Session, *, now: datetime) -> dict[str, str]:
    """Write the demo records; returns the ids the screenshots open."""
    rng = random.Random(12328)
    for username, name, role in ACCOUNTS:
        agents.create_agent(
            session, username=username, password=PASSWORD, role=role, display_name=name, now=now
        )
    for channel, sender, minutes, words, reason in WAITING:
        _waiting(session, channel, sender, words, reason, now - timedelta(minutes=minutes))
    held = _held(session, now)
    caller = _waiting(
        session,
        "voice",
        "13705991122",
        ["（电话）下个月学生班车怎么报名"],
        "来电要求转人工",
        now - timedelta(minutes=40),
    )
    agent_queue.claim(session, handoff_id=caller, agent="wu", now=now - timedelta(minutes=38))
    agent_queue.reply(
        session,
        handoff_id=caller,
        agent="wu",
        text="学生班车报名要学校名单，已请教育局核实后回电告诉您。",
        reply_key="demo-callback-1",
        now=now - timedelta(minutes=30),
    )
    ids = {"handoff": str(held), "complaint": _featured(session, now)}
    for day in range(30, 0, -1):
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3))):
            _history(session, rng, now - timedelta(days=day, hours=rng.randint(0, 9)), now)
    return ids


def _waiting(
    session: Session, channel: str, sender: str, words: list[str], reason: str, moment: datetime
) -> int:
    conversation_id = f"{channel}:{sender}"
    citizen = citizen_for_sender(session, channel=channel, external_id=sender)
    citizen.name = NAMES.get(sender)
    for index, text in enumerate(words):
        at = moment - timedelta(minutes=len(words) - index)
        conversations.record_event(
            session,
            conversation_id=conversation_id,
            channel=channel,
            sender=sender,
            type="user",
            text=text,
            ts=at,
        )
        answer = (
            "您是想问班车时间吗？请说出发地和目的地。"
            if index < len(words) - 1
            else "好的，正在为您转人工客服，请稍等。"
        )
        conversations.record_event(
            session,
            conversation_id=conversation_id,
            channel=channel,
            sender=sender,
            type="bot",
            text=answer,
            ts=at,
        )
    handoff = conversations.open_handoff(
        session,
        conversation_id=conversation_id,
        channel=channel,
        sender=sender,
        reason=reason,
        citizen_id=citizen.id,
        now=moment,
    )
    return handoff.id


def _held(session: Session, now: datetime) -> int:
    channel, sender, events = HELD
    conversation_id = f"{channel}:{sender}"
    citizen = citizen_for_sender(session, channel=channel, external_id=sender)
    citizen.name = NAMES.get(sender)
    start = now - timedelta(minutes=25)
    handoff = None
    for index, (kind, text) in enumerate(events):
        at = start + timedelta(minutes=3 * index)
        if kind == "agent":
            assert handoff is not None
            agent_queue.claim(session, handoff_id=handoff.id, agent="lin", now=at - timedelta(minutes=1))
            conversations.record_event(
                session,
                conversation_id=conversation_id,
                channel=channel,
                sender=sender,
                type="agent",
                text=text,
                data={"by": "lin"},
                ts=at,
            )
            continue
        conversations.record_event(
            session,
            conversation_id=conversation_id,
            channel=channel,
            sender=sender,
            type=kind,
            text=text,
            ts=at,
        )
        if handoff is None and kind == "bot":
            handoff = conversations.open_handoff(
                session,
                conversation_id=conversation_id,
                channel=channel,
                sender=sender,
                reason="群众要求转人工",
                citizen_id=citizen.id,
                now=at,
            )
    assert handoff is not None
    return handoff.id


def _featured(session: Session, now: datetime) -> str:
    opened = now - timedelta(days=3, hours=2)
    ticket = complaints.open_complaint(
        session,
        category="driver",
        description="11月17号早上清三线闽GZ9415的司机一路打电话，我让他别打了，他还骂老人走得慢。希望管一管。",
        contact_phone="13905981234",
        channel="sms",
        plate="闽GZ9415",
        place="嵩口",
        occurred_at=opened - timedelta(hours=3),
        now=opened,
    ).id
    steps = (
        ("assigned", "lin", 2, {"assignee": "县公交公司调度室", "note": "请调取行车记录仪核实"}),
        ("in_progress", "wu", 20, {"note": "已调取记录：行驶中接打电话属实"}),
        ("escalated", "chen", 30, {"note": "涉及辱骂乘客，报县交通运输局督办"}),
        ("in_progress", "lin", 50, {"note": "运输管理股约谈公司负责人"}),
    )
    for to_state, by, hours, fields in steps:
        complaints.transition_complaint(
            session, ticket_id=ticket, to_state=to_state, by=by, now=opened + timedelta(hours=hours), **fields
        )
    return ticket


def _history(session: Session, rng: random.Random, opened: datetime, now: datetime) -> None:
    category, words, place = rng.choice(COMPLAINT_TEXTS)
    ticket = complaints.open_complaint(
        session,
        category=category,
        description=words,
        place=place,
        contact_phone=f"139{rng.randint(10000000, 99999999)}",
        channel=rng.choice(("wechat", "sms", "voice")),
        now=opened,
    ).id
    moment = opened
    for to_state in rng.choice(PATHS):
        moment += timedelta(hours=rng.choice((2, 5, 20, 26, 50)))
        if moment >= now:
            return
        who = rng.choice(("lin", "wu"))
        if to_state == "followed_up":
            complaints.record_follow_up(
                session, ticket_id=ticket, satisfaction=rng.choice((3, 4, 4, 5, 5, 5)), by=who, now=moment
            )
            continue
        complaints.transition_complaint(
            session,
            ticket_id=ticket,
            to_state=to_state,
            by="chen" if to_state == "closed" else who,
            assignee=rng.choice(("县公交公司调度室", "县邮政分公司", "乡镇交通管理站", "林小梅")),
            resolution="已核实并处理，向群众说明了情况。",
            now=moment,
        )
