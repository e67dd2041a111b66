"""The one-time code is in no table of the database, neither while it waits to be sent nor
after: the verification row keeps a nonce and a keyed hash, the outbound row the code
masked; the worker puts the code in just before the SMS goes to the gateway (a local HTTP
server here), and the code the gateway received is the one that proves the number."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
from sqlalchemy import String, Text, select
from sqlalchemy.orm import Session, sessionmaker

from backend.db import session_scope
from backend.models import Base, OutboundMessage, VerificationCode
from backend.services.citizens import identities as citizens
from backend.services.citizens import verification
from bot.outbound.memory import MemoryQueue
from bot.outbound.twilio_sender import TwilioRestSender
from bot.outbound.worker import CODE_KEY_ERROR, OutboundWorker
from tests.bot.outbound.conftest import Clock
from tests.utils.vendor_server import VendorServer, vendor_server

SMS_PATH = "/2010-04-01/Accounts/ACtest/Messages.json"
MOBILE = "13905987741"
UnitOfWork = Callable[[], AbstractContextManager[Session]]


@pytest.fixture
def gateway() -> Iterator[VendorServer]:
    with vendor_server() as server:
        yield server


def every_text(session: Session) -> set[str]:
    """Every string value of every column of every table."""
    found: set[str] = set()
    for table in Base.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        for row in session.execute(select(*columns)) if columns else []:
            found |= {str(v) for v in row if v is not None}
    return found


def send_all(unit_of_work: UnitOfWork, gateway: VendorServer, clock: Clock) -> list[str | None]:
    """Run an outbound worker texting through the local gateway over what is due."""
    sms = TwilioRestSender(
        account_sid="ACtest", auth_token="secret", from_number="+8659112328", api_base_url=gateway.url
    )
    queue = MemoryQueue(timer=clock.now.timestamp)
    worker = OutboundWorker(unit_of_work=unit_of_work, queue=queue, senders={"sms": sms}, clock=clock)
    try:
        worker.sweep()
        return worker.drain()
    finally:
        sms.close()


def test_the_database_never_holds_the_code_and_the_gateway_gets_it(
    sessions: sessionmaker[Session], unit_of_work: UnitOfWork, gateway: VendorServer, clock: Clock
) -> None:
    with session_scope(sessions) as session:
        before = every_text(session)  # the seeded county: its numbers may hold any six digits
    with session_scope(sessions) as session:
        citizens.citizen_for_sender(session, channel="wechat", external_id="o-private")
        assert verification.send_code(
            session, channel="wechat", external_id="o-private", mobile=MOBILE, now=clock.now
        ) is None  # fmt: skip
    with session_scope(sessions) as session:
        waiting = every_text(session) - before
    assert [t for t in waiting if verification.MASK in t]  # the message waits, its code masked
    assert not [t for t in waiting if re.search(r"验证码\d{6}", t)]

    assert send_all(unit_of_work, gateway, clock) == ["sent"]
    [call] = gateway.calls(SMS_PATH)
    assert call.form()["To"] == f"+86{MOBILE}"
    found = re.search(r"验证码(\d{6})", call.form()["Body"])
    assert found is not None, call.form()["Body"]
    code = found.group(1)

    with session_scope(sessions) as session:
        after = every_text(session) - before
        assert [t for t in waiting | after if code in t] == []
        [row] = session.scalars(select(VerificationCode).where(VerificationCode.mobile == MOBILE))
        assert code not in row.code_hash
        result = verification.check_code(
            session, channel="wechat", external_id="o-private", mobile=MOBILE, code=code, now=clock.now
        )
        assert result.status == "ok"


def test_a_worker_with_another_key_sends_no_wrong_code(
    sessions: sessionmaker[Session], unit_of_work: UnitOfWork, gateway: VendorServer, clock: Clock
) -> None:
    """A worker started without the web process's VERIFICATION_SECRET fails the message
    with the reason rather than text a code that would not work."""
    with session_scope(sessions) as session:
        citizens.citizen_for_sender(session, channel="wechat", external_id="o-other-key")
        verification.send_code(
            session, channel="wechat", external_id="o-other-key", mobile=MOBILE, now=clock.now
        )
    saved = verification._key
    verification.configure_code_key("another process's secret")
    try:
        assert send_all(unit_of_work, gateway, clock) == ["failed"]
    finally:
        verification._key = saved
    assert gateway.calls(SMS_PATH) == []
    with session_scope(sessions) as session:
        [row] = session.scalars(select(OutboundMessage).where(OutboundMessage.to == MOBILE))
        assert row.error == CODE_KEY_ERROR
