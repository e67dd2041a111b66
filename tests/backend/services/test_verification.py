"""One-time codes that prove a mobile: sent through the outbound queue and kept only as a
hash, valid 10 minutes and 5 tries, at most 3 per number an hour and 10 per sender a day;
the right code joins the sender to the number's owner. And the per-sender limit of
failed look-ups, and pickup codes sent to the recipient at most once an hour."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from backend.models import ChannelIdentity, OutboundMessage, Parcel, VerificationCode
from backend.services.citizens import identities as citizens
from backend.services.citizens import rate_limits, verification
from backend.services.parcels import shipments as parcels
from tests.conftest import NOW

MOBILE = "13905987701"


def texted(session: Session, mobile: str = MOBILE) -> list[OutboundMessage]:
    stmt = select(OutboundMessage).where(
        OutboundMessage.kind == "verification_code", OutboundMessage.to == mobile
    )
    return list(session.scalars(stmt.order_by(OutboundMessage.id)))


def code_in(message: OutboundMessage) -> str:
    """The code as texted: the stored row holds it masked, the worker renders it."""
    session = object_session(message)
    assert session is not None and verification.MASK in message.body, message.body
    body = verification.message_text(session, kind=message.kind, event_key=message.event_key, body=message.body)
    assert body is not None
    found = re.search(r"验证码(\d{6})", body)
    assert found is not None, body
    return found.group(1)


def send(session: Session, sender: str = "o-verify", mobile: str = MOBILE, minutes: int = 0) -> str | None:
    return verification.send_code(
        session, channel="wechat", external_id=sender, mobile=mobile, now=NOW + timedelta(minutes=minutes)
    )


def check(
    session: Session, code: str, sender: str = "o-verify", mobile: str = MOBILE, minutes: int = 1
) -> verification.CheckResult:
    return verification.check_code(
        session,
        channel="wechat",
        external_id=sender,
        mobile=mobile,
        code=code,
        now=NOW + timedelta(minutes=minutes),
    )


def test_a_code_goes_by_sms_at_once_and_only_its_hash_is_kept(session: Session) -> None:
    citizens.citizen_for_sender(session, channel="wechat", external_id="o-verify")
    assert send(session) is None
    [message] = texted(session)
    code = code_in(message)
    assert (message.channel, message.status, message.send_after) == ("sms", "queued", None)
    row = session.scalars(select(VerificationCode).where(VerificationCode.mobile == MOBILE)).one()
    assert code not in row.code_hash and row.expires_at - row.created_at == timedelta(minutes=10)


def test_the_right_code_links_the_sender_to_the_number_and_its_owner(session: Session) -> None:
    owner = citizens.citizen_for_sender(session, channel="sms", external_id=MOBILE)
    citizens.citizen_for_sender(session, channel="wechat", external_id="o-verify")
    send(session)
    result = check(session, code_in(texted(session)[0]))
    assert result.status == "ok" and result.citizen is not None and result.citizen.id == owner.id
    identity = session.scalars(select(ChannelIdentity).where(ChannelIdentity.external_id == "o-verify")).one()
    assert identity.citizen_id == owner.id and identity.verified_at is not None
    assert check(session, code_in(texted(session)[0])).status == "none"  # used up


def test_five_wrong_tries_use_the_code_up(session: Session) -> None:
    send(session)
    right = code_in(texted(session)[0])
    wrong = "000000" if right != "000000" else "111111"
    assert [check(session, wrong).tries_left for _ in range(4)] == [4, 3, 2, 1]
    assert check(session, wrong).status == "exhausted"
    assert check(session, right).status == "exhausted"  # even the right one, now
    assert citizens.find_by_mobile(session, mobile=MOBILE) is None


def test_a_code_expires_after_ten_minutes(session: Session) -> None:
    send(session)
    assert check(session, code_in(texted(session)[0]), minutes=11).status == "expired"


def test_a_new_code_replaces_the_last_one(session: Session) -> None:
    send(session)
    send(session, minutes=2)
    first, second = (code_in(m) for m in texted(session))
    if first != second:
        assert check(session, first, minutes=3).status == "wrong"
    assert check(session, second, minutes=3).status == "ok"


def test_three_codes_per_number_per_hour(session: Session) -> None:
    assert [send(session, sender=f"o-{n}", minutes=n) for n in range(4)] == [None, None, None, "number_limit"]
    assert send(session, sender="o-later", minutes=61) is None
    assert len(texted(session)) == 4


def test_ten_codes_per_sender_per_day(session: Session) -> None:
    sent = [send(session, mobile=f"139059877{n:02d}", minutes=n) for n in range(11)]
    assert sent == [None] * 10 + ["sender_limit"]
    assert send(session, mobile="13905987799", minutes=24 * 60 + 1) is None


def test_no_code_to_a_number_that_opted_out(session: Session) -> None:
    citizens.set_opt_out(session, mobile=MOBILE, opted_out=True)
    assert send(session) == "opted_out"
    assert texted(session) == []


def test_failed_lookups_are_limited_per_sender_within_the_hour(session: Session) -> None:
    for n in range(rate_limits.LOOKUP_LIMIT):
        assert not rate_limits.lookups_blocked(session, sender="rest:g", now=NOW)
        rate_limits.lookup_failed(session, sender="rest:g", now=NOW + timedelta(seconds=n))
    assert rate_limits.lookups_blocked(session, sender="rest:g", now=NOW + timedelta(minutes=1))
    assert not rate_limits.lookups_blocked(session, sender="rest:other", now=NOW + timedelta(minutes=1))
    assert not rate_limits.lookups_blocked(session, sender="rest:g", now=NOW + timedelta(minutes=61))


@pytest.fixture
def waiting(session: Session) -> Parcel:
    parcel = parcels.track_parcel(session, tracking_no="JT4678203589049")
    assert parcel.status == "at_service_point" and parcel.pickup_code
    return parcel


def test_pickup_code_goes_to_the_recipient_at_most_once_an_hour(session: Session, waiting: Parcel) -> None:
    first = parcels.send_pickup_code(session, parcel=waiting, now=NOW)
    assert first is not None and first.to == waiting.recipient_phone and waiting.pickup_code in first.body
    assert parcels.send_pickup_code(session, parcel=waiting, now=NOW + timedelta(minutes=59)) is None
    assert parcels.send_pickup_code(session, parcel=waiting, now=NOW + timedelta(minutes=61)) is not None


def test_the_status_without_the_code_names_the_service_point(waiting: Parcel) -> None:
    shown = parcels.latest_status_text(waiting, with_code=False)
    assert waiting.service_point is not None and waiting.service_point.name in shown
    assert waiting.pickup_code not in shown  # type: ignore[operator]
    assert parcels.is_recipient(waiting, waiting.recipient_phone)
    assert not parcels.is_recipient(waiting, None) and not parcels.is_recipient(waiting, "13905987701")
