"""Post webhooks as a Twilio-compatible gateway does: form-encoded fields, signed over
the full URL with the twilio package's own `RequestValidator.compute_signature`."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient
from twilio.request_validator import RequestValidator


class Gateway:
    def __init__(
        self, client: TestClient, *, auth_token: str, public_base_url: str = "http://testserver"
    ) -> None:
        self.client = client
        self.validator = RequestValidator(auth_token)
        self.base = public_base_url

    def sign(self, path: str, form: dict[str, str]) -> str:
        return str(self.validator.compute_signature(self.base + path, form))

    def post(self, path: str, form: dict[str, str], *, signature: str | None = None) -> httpx.Response:
        headers = {"X-Twilio-Signature": self.sign(path, form) if signature is None else signature}
        return self.client.post(path, data=form, headers=headers)

    def sms(self, sender: str, body: str, sid: str, *, to: str = "+8659112328") -> httpx.Response:
        form = {
            "From": sender,
            "To": to,
            "Body": body,
            "MessageSid": sid,
            "AccountSid": "ACtest",
            "NumMedia": "0",
        }
        return self.post("/sms/inbound", form)
