"""Outbound notices: decide whether, where and when to tell a citizen something, and
write it down as one `OutboundMessage` that a worker will send.

The channel is the citizen's preferred one when it can be used, else WeChat (when the
account is configured and the person has an openid), else the web chat (the window of
the browser they wrote from), else SMS (when there is a mobile
that has not opted out); with none left the notice is kept as `suppressed`. Notices
that arrive in the quiet hours wait until they end (except "vehicle approaching", which
is about a ride happening now). The `event_key` makes every notice idempotent: asking
twice for the same event returns the message already written.

How the service is set up (is WeChat configured, quiet hours) is decided once at
start-up through `configure_notices`, like the time zone in `backend.localtime`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import InvalidInput
from backend.localtime import local_now, to_local
from backend.models import ChannelIdentity, Citizen
from backend.models.outbound import OutboundMessage, OutboundPart
from backend.services.citizens.identities import get_citizen

logger = logging.getLogger(__name__)

NOTICE_KINDS: dict[str, str] = {
    "booking_confirmed": "预约成功",
    "vehicle_assigned": "派车通知",
    "ride_replanned": "行程调整",
    "vehicle_approaching": "车辆即将到达",
    "service_disruption": "停运通知",
    "complaint_status": "工单进展",
    "complaint_followup": "满意度回访",
    "verification_code": "验证码",
    "pickup_code": "取件码",
}
URGENT_KINDS = frozenset({"vehicle_approaching", "verification_code"})
REPLY_KIND = "reply"
RICH_CHANNELS = ("wechat", "web")
ANSWER_KIND = "answer"
ANSWER_KINDS = (REPLY_KIND, ANSWER_KIND, "handoff_wait")  # handoff_wait: "agents are busy" to a waiting citizen
# what still goes to a number that opted out (退订): answers to the citizen's own message
# and one-time codes the citizen asked for; notices stop
OPT_OUT_EXEMPT_KINDS = frozenset({REPLY_KIND, ANSWER_KIND, "verification_code"})
MAX_SHORT = 500
MAX_RICH = 2000


@dataclass(frozen=True)
class NoticePolicy:
    wechat_enabled: bool = False
    quiet_hours: tuple[time, time] | None = (time(22, 0), time(7, 0))


_policy = NoticePolicy()


def configure_notices(policy: NoticePolicy) -> None:
    global _policy
    _policy = policy


def notice_policy() -> NoticePolicy:
    return _policy


def parse_quiet_hours(spec: str) -> tuple[time, time] | None:
    """`22:00-07:00` -> (22:00, 07:00); "" or "off" -> None (no quiet hours)."""
    spec = spec.strip()
    if spec.lower() in ("", "off", "none"):
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in spec.split("-"))
    except ValueError:
        raise InvalidInput(f"免打扰时段“{spec}”应写成 22:00-07:00", field="quiet_hours") from None
    if start == end:
        raise InvalidInput(f"免打扰时段“{spec}”的开始和结束不能相同", field="quiet_hours")
    return start, end


def quiet_until(moment: datetime, quiet_hours: tuple[time, time] | None) -> datetime | None:
    """When the quiet hours around `moment` end, or None when `moment` is not in them."""
    if quiet_hours is None:
        return None
    start, end = quiet_hours
    local = to_local(moment)
    clock = local.time().replace(tzinfo=None)
    if start > end:  # over midnight, e.g. 22:00-07:00
        if clock >= start:
            return local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0) + timedelta(
                days=1
            )
        if clock < end:
            return local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        return None
    if start <= clock < end:
        return local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    return None


def notify(
    session: Session,
    *,
    citizen_id: int,
    event_key: str,
    kind: str,
    text_short: str,
    text_rich: str,
    now: datetime | None = None,
    policy: NoticePolicy | None = None,
) -> OutboundMessage:
    """Write the notice for this event (once); the worker sends it when `send_after` has passed."""
    policy = policy or _policy
    now = now or local_now()
    existing = _written(session, kind=kind, event_key=event_key, text_short=text_short, text_rich=text_rich)
    if existing is not None:
        return existing
    citizen = get_citizen(session, citizen_id)
    channel, to, reason = _route(session, citizen, policy)
    message = OutboundMessage(
        citizen_id=citizen.id,
        channel=channel,
        to=to,
        kind=kind,
        body=text_rich.strip() if channel in RICH_CHANNELS else text_short.strip(),
        event_key=event_key,
        status="queued" if reason is None else "suppressed",
        error=reason,
        attempts=0,
        send_after=None if kind in URGENT_KINDS else quiet_until(now, policy.quiet_hours),
        created_at=now,
    )
    return _insert(session, message)


def notify_number(
    session: Session,
    *,
    mobile: str,
    event_key: str,
    kind: str,
    text: str,
    now: datetime | None = None,
    policy: NoticePolicy | None = None,
) -> OutboundMessage:
    """An SMS to this very number, whoever its citizen is and whatever their preferred
    channel (a one-time code, a pickup code for the recipient): once per `event_key`,
    suppressed when the number opted out (退订), except a verification code the person
    asked for."""
    policy = policy or _policy
    now = now or local_now()
    existing = _written(session, kind=kind, event_key=event_key, text_short=text, text_rich=text)
    if existing is not None:
        return existing
    owner = session.scalars(select(Citizen).where(Citizen.mobile == mobile)).first()
    opted_out = owner is not None and owner.sms_opt_out and kind not in OPT_OUT_EXEMPT_KINDS
    message = OutboundMessage(
        citizen_id=owner.id if owner else None,
        channel="sms",
        to=mobile,
        kind=kind,
        body=text.strip(),
        event_key=event_key,
        status="suppressed" if opted_out else "queued",
        error="已退订短信" if opted_out else None,
        attempts=0,
        send_after=None if kind in URGENT_KINDS else quiet_until(now, policy.quiet_hours),
        created_at=now,
    )
    return _insert(session, message)


def queue_reply(
    session: Session,
    *,
    channel: str,
    to: str,
    text: str,
    event_key: str,
    kind: str = REPLY_KIND,
    via: str | None = None,
) -> OutboundMessage:
    """An answer to someone who just wrote (WeChat's late answers, an agent's reply: kind
    `reply`; the dialog's answer to a domestic SMS: kind `answer`): no quiet hours, once
    per key, and sent even to a number that opted out of notices. `via`: the domestic SMS
    provider the citizen wrote through (the answer goes back through it)."""
    if kind not in ANSWER_KINDS:
        raise InvalidInput(f"未知的回复类型：{kind}", field="kind")
    if not text.strip() or not to.strip():
        raise InvalidInput("回复内容和收件人不能为空")
    _check_texts(event_key=event_key, text_short=text, text_rich=text)
    existing = find_by_event(session, event_key=event_key)
    if existing is not None:
        return existing
    identity = session.scalars(
        select(ChannelIdentity).where(ChannelIdentity.channel == channel, ChannelIdentity.external_id == to)
    ).first()
    message = OutboundMessage(
        citizen_id=identity.citizen_id if identity else None,
        channel=channel,
        to=to,
        kind=kind,
        body=text.strip(),
        event_key=event_key,
        via=via,
        status="queued",
        attempts=0,
        created_at=local_now(),
    )
    return _insert(session, message)


def find_by_event(session: Session, *, event_key: str) -> OutboundMessage | None:
    return session.scalars(select(OutboundMessage).where(OutboundMessage.event_key == event_key)).first()


def _written(
    session: Session, *, kind: str, event_key: str, text_short: str, text_rich: str
) -> OutboundMessage | None:
    """Check a notice before it is written; the message already written for its event, if any."""
    if kind not in NOTICE_KINDS:
        raise InvalidInput(f"未知的通知类型：{kind}", field="kind", known=sorted(NOTICE_KINDS))
    _check_texts(event_key=event_key, text_short=text_short, text_rich=text_rich)
    return find_by_event(session, event_key=event_key)


def _check_texts(*, event_key: str, text_short: str, text_rich: str) -> None:
    if not event_key.strip() or len(event_key) > 200:
        raise InvalidInput("通知事件键不能为空，且不超过200个字符", field="event_key")
    if not text_short.strip() or len(text_short) > MAX_SHORT:
        raise InvalidInput(f"短信内容不能为空，且不超过{MAX_SHORT}个字", field="text_short")
    if not text_rich.strip() or len(text_rich) > MAX_RICH:
        raise InvalidInput(f"微信内容不能为空，且不超过{MAX_RICH}个字", field="text_rich")


def _route(session: Session, citizen: Citizen, policy: NoticePolicy) -> tuple[str, str, str | None]:
    """(channel, address, reason it cannot be sent or None)."""
    reachable: dict[str, str] = {}
    if policy.wechat_enabled:
        openid = session.scalars(
            select(ChannelIdentity.external_id)
            .where(ChannelIdentity.citizen_id == citizen.id, ChannelIdentity.channel == "wechat")
            .order_by(ChannelIdentity.id.desc())
        ).first()
        if openid:
            reachable["wechat"] = openid
    web_id = session.scalars(
        select(ChannelIdentity.external_id)
        .where(ChannelIdentity.citizen_id == citizen.id, ChannelIdentity.channel == "web")
        .order_by(ChannelIdentity.id.desc())
    ).first()
    if web_id:
        reachable["web"] = web_id
    if citizen.mobile and not citizen.sms_opt_out:
        reachable["sms"] = citizen.mobile
    for channel in (citizen.preferred_channel, "wechat", "web", "sms"):
        if channel in reachable:
            return channel, reachable[channel], None
    if citizen.mobile:
        return "sms", citizen.mobile, "已退订短信，且没有其他可用渠道"
    return "none", "", "没有可用的联系方式"


def _insert(session: Session, message: OutboundMessage) -> OutboundMessage:
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:  # the same event, written at the same moment by another turn
        existing = find_by_event(session, event_key=message.event_key)
        if existing is None:
            raise
        return existing
    logger.info("outbound %s %s -> %s (%s)", message.kind, message.event_key, message.channel, message.status)
    return message


def record_receipt(
    session: Session, *, provider_id: str, delivered: bool, reason: str | None, now: datetime | None = None
) -> OutboundMessage | None:
    """A provider's delivery receipt (状态报告) on the message it sent: `delivered`, or
    `failed` with the reason. A message sent as several SMS (`OutboundPart`) is delivered when
    every part is, failed (naming the part) when any part is. None when no message has this
    provider id."""
    base = provider_id.strip()
    candidates = {base, base.split("^")[0]}  # Aliyun may add ^n to the BizId in receipts
    part = session.scalars(
        select(OutboundPart).where(OutboundPart.provider_id.in_(candidates)).order_by(OutboundPart.id.desc())
    ).first()
    if part is not None:
        part.status, part.error = ("delivered", None) if delivered else ("failed", reason or "运营商未说明原因")
        session.flush()
        row = session.get(OutboundMessage, part.message_id)
        assert row is not None
        _settle(session, row)
    else:
        row = session.scalars(
            select(OutboundMessage).where(OutboundMessage.provider_id.in_(candidates)).order_by(OutboundMessage.id.desc())
        ).first()
        if row is None:
            return None
        if delivered:
            row.status, row.error = "delivered", None
        else:
            row.status, row.error = "failed", f"未送达：{reason or '运营商未说明原因'}"[:500]
    row.sent_at = row.sent_at or (now or local_now())
    session.flush()
    logger.info("outbound %s receipt: %s", row.id, row.status)
    return row


def _settle(session: Session, row: OutboundMessage) -> None:
    """The message's status from its parts' receipts: failed if any, delivered if all."""
    parts = list(
        session.scalars(select(OutboundPart).where(OutboundPart.message_id == row.id).order_by(OutboundPart.position))
    )
    failed = next((p for p in parts if p.status == "failed"), None)
    if failed is not None:
        where = f"第{failed.position}/{len(parts)}条" if len(parts) > 1 else ""
        row.status, row.error = "failed", f"{where}未送达：{failed.error}"[:500]
    elif all(p.status == "delivered" for p in parts):
        row.status, row.error = "delivered", None


def recent_outbound(
    session: Session, *, citizen_id: int | None, address: str | None, limit: int = 10
) -> list[OutboundMessage]:
    """The latest messages sent (or not) to a citizen or an address, newest first, with
    their status and reason (the console shows why an SMS failed)."""
    conditions = []
    if citizen_id is not None:
        conditions.append(OutboundMessage.citizen_id == citizen_id)
    if address:
        conditions.append(OutboundMessage.to == address)
    if not conditions:
        return []
    stmt = select(OutboundMessage).where(or_(*conditions)).order_by(OutboundMessage.id.desc()).limit(limit)
    return list(session.scalars(stmt))
