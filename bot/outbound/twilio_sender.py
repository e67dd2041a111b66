"""SMS through a Twilio-compatible REST API: `POST {base}/2010-04-01/Accounts/{sid}/Messages.json`
with basic auth (account SID, auth token) and form fields To, From, Body; the answer's
`sid` is the provider id. The base URL is configurable, so any gateway speaking the same
API works. Network trouble, 429 and 5xx are worth retrying; other refusals are final.
A body longer than the configured number of SMS parts is cut at a sentence boundary.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from bot.outbound.base import Outgoing, Sender, SendError
from channels.phone import e164
from channels.sms_segments import fit_sms

logger = logging.getLogger(__name__)


class TwilioRestSender(Sender):
    channel = "sms"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_base_url: str = "https://api.twilio.com",
        max_parts: int = 3,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._path = f"/2010-04-01/Accounts/{account_sid}/Messages.json"
        self._from = from_number
        self._max_parts = max_parts
        self._client = httpx.Client(
            base_url=api_base_url.rstrip("/"), auth=(account_sid, auth_token), timeout=timeout_seconds
        )

    def send(self, message: Outgoing) -> str | None:
        try:
            response = self._client.post(
                self._path, data={"To": e164(message.to), "From": self._from, "Body": fit_sms(message.body, max_parts=self._max_parts)}
            )
        except httpx.HTTPError as exc:
            raise SendError(f"网关无法连接：{exc}", retryable=True) from exc
        data = _json(response)
        if response.status_code in (200, 201):
            return str(data["sid"]) if data.get("sid") else None
        reason = f"网关拒绝（HTTP {response.status_code}）：{data.get('message') or response.text[:200]}"
        raise SendError(reason, retryable=response.status_code == 429 or response.status_code >= 500)

    def close(self) -> None:
        self._client.close()


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
