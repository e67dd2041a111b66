"""The settings a channel reads, as structural types (STYLE.md §10, §11).

Channels do not import `bot`: `from_settings` accepts any object shaped like these
protocols, which `bot.config.Settings` is.
"""

from __future__ import annotations

from typing import Protocol


class WeChatConfig(Protocol):
    token: str | None
    app_id: str | None
    app_secret: str | None
    aes_key: str | None
    api_base_url: str
    reply_budget_seconds: float
    timestamp_window_seconds: int


class TwilioConfig(Protocol):
    auth_token: str | None
    account_sid: str | None
    api_base_url: str
    from_number: str | None
    agent_number: str | None
    sms_max_parts: int


class SmsConfig(Protocol):
    provider: str
    callback_token: str | None


class ChannelConfig(Protocol):
    @property
    def wechat(self) -> WeChatConfig: ...

    @property
    def twilio(self) -> TwilioConfig: ...

    @property
    def sms(self) -> SmsConfig: ...

    @property
    def redis_url(self) -> str | None: ...

    @property
    def redis_prefix(self) -> str: ...

    @property
    def public_base_url(self) -> str | None: ...
