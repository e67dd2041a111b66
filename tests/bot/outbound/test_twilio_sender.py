"""The Twilio-compatible REST sender against a real local HTTP server."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest

from bot.outbound.base import Outgoing, SendError
from bot.outbound.twilio_sender import TwilioRestSender
from channels.sms_segments import units
from tests.utils.vendor_server import VendorServer, vendor_server

PATH = "/2010-04-01/Accounts/ACtest/Messages.json"


@pytest.fixture
def server() -> Iterator[VendorServer]:
    with vendor_server() as server:
        yield server


@pytest.fixture
def sender(server: VendorServer) -> Iterator[TwilioRestSender]:
    sender = TwilioRestSender(
        account_sid="ACtest",
        auth_token="secret",
        from_number="+8659112328",
        api_base_url=server.url,
        max_parts=2,
    )
    yield sender
    sender.close()


def outgoing(body: str) -> Outgoing:
    return Outgoing("sms", "13905981234", body, "booking_confirmed", "booking_confirmed:B202611210007")


def test_posts_form_with_basic_auth_and_returns_sid(sender: TwilioRestSender, server: VendorServer) -> None:
    assert sender.send(outgoing("【村通】预约成功。")) == "SM0123456789abcdef0123456789abcdef"
    [call] = server.calls(PATH)
    assert call.method == "POST"
    assert call.form() == {"To": "+8613905981234", "From": "+8659112328", "Body": "【村通】预约成功。"}
    assert call.headers["Authorization"] == "Basic " + base64.b64encode(b"ACtest:secret").decode()


def test_server_errors_are_retryable_refusals_are_not(sender: TwilioRestSender, server: VendorServer) -> None:
    server.answer(PATH, (503, {"message": "busy"}), (400, {"code": 21211, "message": "Invalid 'To' number"}))
    with pytest.raises(SendError) as busy:
        sender.send(outgoing("你好"))
    assert busy.value.retryable
    with pytest.raises(SendError) as refused:
        sender.send(outgoing("你好"))
    assert not refused.value.retryable
    assert "Invalid 'To' number" in str(refused.value)


def test_unreachable_gateway_is_retryable() -> None:
    sender = TwilioRestSender(
        account_sid="ACtest",
        auth_token="x",
        from_number="1",
        api_base_url="http://127.0.0.1:9",
        timeout_seconds=1,
    )
    with pytest.raises(SendError) as error:
        sender.send(outgoing("你好"))
    assert error.value.retryable
    sender.close()


def test_body_longer_than_max_parts_is_cut(sender: TwilioRestSender, server: VendorServer) -> None:
    sender.send(outgoing("今天下雪，嵩口镇到县城的班车停运。" * 12))
    body = server.calls(PATH)[0].form()["Body"]
    assert units(body) <= 2 * 67
    assert body.endswith("…")
