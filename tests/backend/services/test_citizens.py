from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, InvalidInput, NotFound
from backend.models import Booking, ChannelIdentity, Citizen, Complaint, SendRequest, StudentShuttleSignup
from backend.services.citizens import identities as citizens
from backend.services.notices import subscriptions
from backend.services.rides import bookings as rides
from backend.services.rides import shuttles
from tests.conftest import NOW


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize(
    "raw",
    [
        "13905981234",
        "+86 139 0598 1234",
        "+8613905981234",
        "8613905981234",
        "0086 13905981234",
        "139-0598-1234",
    ],
)
def test_normalise_mobile_accepts_mainland_forms(raw: str) -> None:
    assert citizens.normalise_mobile(raw) == "13905981234"


@pytest.mark.parametrize(
    "raw", ["12905981234", "1390598123", "139059812345", "05988881234", "+15005550006", "电话"]
)
def test_normalise_mobile_refuses_non_mobiles(raw: str) -> None:
    assert citizens.normalise_mobile(raw) is None
    with pytest.raises(InvalidInput, match="11位手机号"):
        citizens.validate_mobile(raw)


def test_sms_sender_becomes_citizen_with_mobile_and_is_found_again(session: Session) -> None:
    first = citizens.citizen_for_sender(session, channel="sms", external_id="+86 139 0598 1234")
    assert first.mobile == "13905981234"
    again = citizens.citizen_for_sender(session, channel="sms", external_id="13905981234")
    by_voice = citizens.citizen_for_sender(session, channel="voice", external_id="8613905981234")
    assert again.id == first.id == by_voice.id
    channels = sorted(
        i.channel
        for i in session.scalars(select(ChannelIdentity).where(ChannelIdentity.citizen_id == first.id))
    )
    assert channels == ["sms", "voice"]


def test_wechat_sender_has_no_mobile_and_foreign_phone_is_kept_without_one(session: Session) -> None:
    wechat = citizens.citizen_for_sender(session, channel="wechat", external_id="oXyZ123")
    assert wechat.mobile is None
    assert citizens.citizen_for_sender(session, channel="wechat", external_id="oXyZ123").id == wechat.id
    foreign = citizens.citizen_for_sender(session, channel="sms", external_id="+15005550006")
    assert foreign.mobile is None and foreign.id != wechat.id


def test_empty_sender_is_refused_and_writes_nothing(session: Session) -> None:
    before = _count(session, Citizen)
    with pytest.raises(InvalidInput):
        citizens.citizen_for_sender(session, channel="wechat", external_id="  ")
    assert _count(session, Citizen) == before


def test_verified_link_sets_number_when_nobody_owns_it(session: Session) -> None:
    wechat = citizens.citizen_for_sender(session, channel="wechat", external_id="o-link-1")
    linked = citizens.link_verified_mobile(
        session, channel="wechat", external_id="o-link-1", mobile="+86 158 5988 0001"
    )
    assert linked.id == wechat.id and linked.mobile == "15859880001"
    identity = session.scalars(select(ChannelIdentity).where(ChannelIdentity.external_id == "o-link-1")).one()
    assert identity.verified_at is not None


def test_verified_link_refuses_bad_number_and_a_second_number(session: Session) -> None:
    wechat = citizens.citizen_for_sender(session, channel="wechat", external_id="o-link-2")
    with pytest.raises(InvalidInput):
        citizens.link_verified_mobile(session, channel="wechat", external_id="o-link-2", mobile="12345")
    session.refresh(wechat)
    assert wechat.mobile is None
    citizens.link_verified_mobile(session, channel="wechat", external_id="o-link-2", mobile="15859880002")
    with pytest.raises(Conflict):
        citizens.link_verified_mobile(session, channel="wechat", external_id="o-link-2", mobile="15859880012")
    with pytest.raises(NotFound):
        citizens.set_contact(session, citizen_id=987654, mobile="15859880002")


def test_a_typed_number_is_a_contact_and_joins_nothing(session: Session) -> None:
    owner = citizens.citizen_for_sender(session, channel="sms", external_id="15859880005")
    stranger = citizens.citizen_for_sender(session, channel="wechat", external_id="o-stranger")
    kept = citizens.set_contact(session, citizen_id=stranger.id, mobile="158 5988 0005")
    assert kept.id == stranger.id and kept.mobile is None and kept.contact_mobile == "15859880005"
    assert citizens.contact_number(kept) == "15859880005"
    assert citizens.citizen_for_sender(session, channel="wechat", external_id="o-stranger").id == stranger.id
    assert citizens.citizen_for_sender(session, channel="sms", external_id="15859880005").id == owner.id


def test_an_identity_joined_by_typing_before_verification_is_split_off(session: Session) -> None:
    """A WeChat identity merged into a number's owner by the old merge-on-typing (never
    verified) gets a record of its own at its next message: it no longer sees the owner's."""
    owner = citizens.citizen_for_sender(session, channel="sms", external_id="15859880006")
    session.add(ChannelIdentity(citizen_id=owner.id, channel="wechat", external_id="o-legacy"))
    session.flush()
    split = citizens.citizen_for_sender(session, channel="wechat", external_id="o-legacy")
    assert split.id != owner.id and split.mobile is None and split.contact_mobile is None
    assert citizens.citizen_for_sender(session, channel="wechat", external_id="o-legacy").id == split.id
    assert citizens.citizen_for_sender(session, channel="sms", external_id="15859880006").id == owner.id


def test_verified_link_merges_wechat_into_sms_citizen(session: Session) -> None:
    sms = citizens.citizen_for_sender(session, channel="sms", external_id="15859880003")
    wechat = citizens.citizen_for_sender(session, channel="wechat", external_id="o-merge")
    wechat.name = "李秀英"
    wechat_id = wechat.id
    ride = rides.book_ride(
        session,
        citizen_id=wechat_id,
        origin="邓家村",
        destination="嵩口村",
        pickup_time=NOW + timedelta(hours=3),
        passengers=1,
        now=NOW,
    )
    sms_ride = rides.book_ride(
        session,
        citizen_id=sms.id,
        origin="灵地村",
        destination="清流县医院",
        pickup_time=NOW + timedelta(days=1),
        passengers=1,
        kind="demand",
        now=NOW,
    )
    subscriptions.subscribe(session, citizen_id=wechat_id, kind="disruption", route="4路")
    subscriptions.subscribe(session, citizen_id=sms.id, kind="disruption", route="4路")
    shuttles.sign_up_student(
        session, citizen_id=wechat_id, student_name="李小明", school="清流一中", home_place="邓家村"
    )
    session.add(
        Complaint(
            id="C20261120901",
            state="received",
            category="driver",
            description="司机态度不好",
            citizen_id=wechat_id,
            first_response_due=NOW,
            resolution_due=NOW,
        )
    )
    session.add(SendRequest(citizen_id=wechat_id, origin="邓家村", destination="福州市", status="requested"))
    session.flush()

    kept = citizens.link_verified_mobile(
        session, channel="wechat", external_id="o-merge", mobile="158 5988 0003"
    )

    assert kept.id == sms.id and kept.name == "李秀英" and kept.mobile == "15859880003"
    assert session.get(Citizen, wechat_id) is None
    assert {i.channel for i in kept.identities} == {"sms", "wechat"}
    assert {b.id for b in rides.list_bookings(session, citizen_id=kept.id, now=NOW)} == {ride.id, sms_ride.id}
    assert session.scalar(select(Complaint.citizen_id).where(Complaint.id == "C20261120901")) == kept.id
    assert (
        session.scalar(select(SendRequest.citizen_id).where(SendRequest.destination == "福州市")) == kept.id
    )
    assert (
        session.scalar(
            select(StudentShuttleSignup.citizen_id).where(StudentShuttleSignup.student_name == "李小明")
        )
        == kept.id
    )
    assert (
        len(subscriptions.list_subscriptions(session, citizen_id=kept.id)) == 1
    )  # the duplicate is switched off
    # the ride booked on WeChat is now cancelled by SMS
    by_sms = citizens.citizen_for_sender(session, channel="sms", external_id="+8615859880003")
    cancelled = rides.cancel_booking(session, booking_id=ride.id, citizen_id=by_sms.id, now=NOW)
    assert cancelled.status == "cancelled"
    assert session.get(Booking, ride.id).citizen_id == kept.id  # type: ignore[union-attr]


def test_link_same_number_again_changes_nothing(session: Session) -> None:
    sms = citizens.citizen_for_sender(session, channel="sms", external_id="15859880004")
    before = _count(session, Citizen)
    linked = citizens.link_verified_mobile(
        session, channel="sms", external_id="15859880004", mobile="15859880004"
    )
    assert linked.id == sms.id
    assert _count(session, Citizen) == before


def test_opt_out_is_recorded_even_for_unknown_numbers(session: Session) -> None:
    citizen = citizens.set_opt_out(session, mobile="+86 136 0000 1111", opted_out=True)
    assert citizen.mobile == "13600001111" and citizen.sms_opt_out is True
    back = citizens.set_opt_out(session, mobile="13600001111", opted_out=False)
    assert back.id == citizen.id and back.sms_opt_out is False
    before = _count(session, Citizen)
    with pytest.raises(InvalidInput):
        citizens.set_opt_out(session, mobile="1360000", opted_out=True)
    assert _count(session, Citizen) == before


def test_get_citizen_and_find_by_mobile(session: Session) -> None:
    citizen = citizens.citizen_for_mobile(session, mobile="13700002222", name="王大妈")
    assert citizens.get_citizen(session, citizen.id).name == "王大妈"
    assert citizens.find_by_mobile(session, mobile="+86 137 0000 2222").id == citizen.id  # type: ignore[union-attr]
    assert citizens.find_by_mobile(session, mobile="13700002223") is None
    with pytest.raises(NotFound):
        citizens.get_citizen(session, 99999999)
