"""Citizens behind channel identities: find or create the person who wrote on WeChat,
texted by SMS or called the hotline; link a mobile number once it is proven (merging two
records of the same person, so a ride booked on WeChat can be cancelled by SMS); keep a
typed but unproven number as a contact only; and the SMS opt-out (退订) flag per number.

`Citizen.mobile` is always a verified number: an SMS sender's or caller's own number
(the carrier vouches for it), a number proven with a one-time code
(`backend.services.citizens.verification`), or one an operator entered. Only that number joins
identities: typing someone's mobile on WeChat or REST gives no access to their records.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import Conflict, InvalidInput, NotFound
from backend.models import Base, ChannelIdentity, Citizen, Subscription, utcnow

logger = logging.getLogger(__name__)

PHONE_CHANNELS = ("sms", "voice")
MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()（）]")
_COPIED_FIELDS = ("name", "id_card_tail", "home_place", "preferred_channel", "contact_mobile")


def normalise_mobile(raw: str) -> str | None:
    """`+86 139-0598-1234`, `86 13905981234`, `0086…` -> `13905981234`; None if not a mobile."""
    digits = _SEPARATORS.sub("", raw.strip())
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return digits if MOBILE_RE.fullmatch(digits) else None


def validate_mobile(raw: str) -> str:
    """The normalised 11-digit mobile, or InvalidInput with a message a person can act on."""
    mobile = normalise_mobile(raw)
    if mobile is None:
        raise InvalidInput(f"手机号码“{raw}”不正确，请输入11位手机号", field="mobile", value=raw)
    return mobile


def get_citizen(session: Session, citizen_id: int) -> Citizen:
    citizen = session.get(Citizen, citizen_id)
    if citizen is None:
        raise NotFound(f"找不到用户 {citizen_id}", citizen_id=citizen_id)
    return citizen


def find_by_mobile(session: Session, *, mobile: str) -> Citizen | None:
    normalised = validate_mobile(mobile)
    return session.scalars(select(Citizen).where(Citizen.mobile == normalised)).first()


def citizen_for_mobile(session: Session, *, mobile: str, name: str | None = None) -> Citizen:
    """The citizen owning this mobile number, created if nobody does yet."""
    normalised = validate_mobile(mobile)
    citizen = session.scalars(select(Citizen).where(Citizen.mobile == normalised)).first()
    if citizen is None:
        citizen = Citizen(mobile=normalised, name=name, sms_opt_out=False)
        session.add(citizen)
        session.flush()
    elif name and not citizen.name:
        citizen.name = name
    return citizen


def citizen_for_sender(session: Session, *, channel: str, external_id: str) -> Citizen:
    """Get or create the citizen behind one sender on one channel.

    On "sms" and "voice" the sender is a phone number: it is normalised (no +86, no
    spaces), becomes the citizen's mobile, and an existing citizen with that mobile is
    reused. A phone sender that is not a mainland mobile (a landline, a foreign test
    number) still gets a citizen, only without a mobile.
    """
    if not channel or not external_id or not external_id.strip():
        raise InvalidInput("渠道和发送方不能为空", channel=channel, external_id=external_id)
    external_id = external_id.strip()
    mobile = normalise_mobile(external_id) if channel in PHONE_CHANNELS else None
    key = mobile or external_id
    identity = _identity(session, channel, key)
    if identity is not None:
        if (
            channel not in PHONE_CHANNELS
            and identity.verified_at is None
            and identity.citizen.mobile is not None
        ):
            return _split_off(session, identity)
        return identity.citizen
    citizen = None
    if mobile is not None:
        citizen = session.scalars(select(Citizen).where(Citizen.mobile == mobile)).first()
    if citizen is None:
        citizen = Citizen(mobile=mobile, preferred_channel=channel, sms_opt_out=False)
        session.add(citizen)
        session.flush()
    try:
        with session.begin_nested():
            session.add(
                ChannelIdentity(
                    citizen_id=citizen.id,
                    channel=channel,
                    external_id=key,
                    verified_at=utcnow() if mobile is not None else None,
                )
            )
    except IntegrityError:  # the same sender's first message, handled twice at once
        identity = _identity(session, channel, key)
        if identity is None:
            raise
        logger.info("channel identity %s/%s created concurrently", channel, key)
        return identity.citizen
    logger.info("new channel identity %s for citizen %s", channel, citizen.id)
    return citizen


def _identity(session: Session, channel: str, external_id: str) -> ChannelIdentity | None:
    stmt = select(ChannelIdentity).where(
        ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
    )
    return session.scalars(stmt).first()


def _split_off(session: Session, identity: ChannelIdentity) -> Citizen:
    """An unverified identity found on a citizen with a mobile (joined by a typed number
    before verification existed) gets a citizen of its own; proving the number joins it back."""
    old = identity.citizen
    citizen = Citizen(preferred_channel=identity.channel, sms_opt_out=False)  # asked for a number again
    session.add(citizen)
    session.flush()
    identity.citizen_id = citizen.id
    session.flush()
    session.expire(identity, ["citizen"])
    logger.info("unverified identity %s split off citizen %s", identity.id, old.id)
    return citizen


def link_verified_mobile(session: Session, *, channel: str, external_id: str, mobile: str) -> Citizen:
    """The sender has proven `mobile` (a one-time code): their identity joins the number's
    owner. Returns the citizen to use from now on.

    If another citizen already owns the number (say one who texted by SMS), the two are
    the same person: everything that points at the sender's citizen (channel identities,
    bookings, complaints, subscriptions, shuttle sign-ups, send requests ...) moves onto
    the owner, empty fields of the owner are filled in, and the now empty record is
    deleted. Conflict when the sender's citizen has proven another number already.
    """
    normalised = validate_mobile(mobile)
    citizen = citizen_for_sender(session, channel=channel, external_id=external_id)
    identity = _identity(session, channel, external_id.strip())
    if citizen.mobile is not None and citizen.mobile != normalised:
        raise Conflict(f"这个账号已经验证过尾号{citizen.mobile[-4:]}的手机号，不能再换号码。", field="mobile")
    if identity is not None:
        identity.verified_at = utcnow()
    if citizen.mobile == normalised:
        session.flush()
        return citizen
    owner = session.scalars(select(Citizen).where(Citizen.mobile == normalised)).first()
    if owner is None:
        citizen.mobile = normalised
        citizen.contact_mobile = None
        session.flush()
        logger.info("citizen %s verified mobile *%s", citizen.id, normalised[-4:])
        return citizen
    _merge(session, keep=owner, absorb=citizen)
    return owner


def set_contact(session: Session, *, citizen_id: int, mobile: str) -> Citizen:
    """Keep a typed, unproven number as the citizen's contact (to call back on), never as
    their mobile: it joins nothing and opens nobody's records."""
    normalised = validate_mobile(mobile)
    citizen = get_citizen(session, citizen_id)
    if citizen.mobile != normalised:
        citizen.contact_mobile = normalised
        session.flush()
    return citizen


def contact_number(citizen: Citizen) -> str | None:
    """The number to call this citizen back on: the verified mobile, else the typed contact."""
    return citizen.mobile or citizen.contact_mobile


def _merge(session: Session, *, keep: Citizen, absorb: Citizen) -> None:
    for field in _COPIED_FIELDS:
        if getattr(keep, field) is None and getattr(absorb, field) is not None:
            setattr(keep, field, getattr(absorb, field))
    session.flush()
    # Every column that references citizens.id, in every table: new tables are covered too.
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == Citizen.__tablename__ and table.name != Citizen.__tablename__:
                column = fk.parent
                session.execute(update(table).where(column == absorb.id).values({column.name: keep.id}))
    session.expire_all()  # loaded rows may still point at the absorbed citizen
    _drop_duplicate_subscriptions(session, keep.id)
    logger.info("citizen %s merged into %s", absorb.id, keep.id)
    session.delete(absorb)
    session.flush()


def _drop_duplicate_subscriptions(session: Session, citizen_id: int) -> None:
    seen: set[tuple[str, str | None, str | None]] = set()
    stmt = select(Subscription).where(Subscription.citizen_id == citizen_id, Subscription.active.is_(True))
    for sub in session.scalars(stmt.order_by(Subscription.id)):
        key = (sub.kind, sub.place, sub.route_id)
        if key in seen:
            sub.active = False
        seen.add(key)


def set_opt_out(session: Session, *, mobile: str, opted_out: bool) -> Citizen:
    """Record 退订 (True) or re-subscription (False) for a mobile; an unknown number gets a
    citizen record so that the opt-out is honoured from the first message on."""
    citizen = citizen_for_mobile(session, mobile=mobile)
    citizen.sms_opt_out = opted_out
    session.flush()
    logger.info("citizen %s sms_opt_out=%s", citizen.id, opted_out)
    return citizen
