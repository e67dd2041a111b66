"""Typed settings for the whole service, read from the environment and `.env`.

One `Settings` object, nested per channel (STYLE.md §19). Environment variable names are
those of docs/CONTRACTS.md §5 (`DATABASE_URL`, `WECHAT_TOKEN`, `TWILIO_AUTH_TOKEN` ...). A value
that cannot work stops start-up with one line naming the variable (`SettingsError`).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

_S = TypeVar("_S", bound=BaseSettings)

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class SettingsError(Exception):
    """A configuration value that cannot work; `str()` is one line naming the variable."""


def _config(prefix: str = "") -> SettingsConfigDict:
    return SettingsConfigDict(env_prefix=prefix, env_file=".env", extra="ignore")


class WeChatSettings(BaseSettings):
    """WeChat official account (公众号) credentials; unset token = endpoint answers 503."""

    model_config = _config("WECHAT_")

    token: str | None = None
    app_id: str | None = None
    app_secret: str | None = None
    aes_key: str | None = None
    api_base_url: str = "https://api.weixin.qq.com"
    reply_budget_seconds: float = 3.5
    timestamp_window_seconds: int = 300
    notice_template_id: str | None = Field(default=None, description="template for notices outside 48 h")


class TwilioSettings(BaseSettings):
    """Twilio-compatible SMS / voice gateway; unset auth token = endpoints answer 503."""

    model_config = _config("TWILIO_")

    auth_token: str | None = None
    account_sid: str | None = None
    api_base_url: str = "https://api.twilio.com"
    from_number: str | None = None
    agent_number: str | None = Field(default=None, description="hotline agent line for <Dial>")
    sms_max_parts: int = 3


class SmsSettings(BaseSettings):
    """Who sends SMS (`SMS_PROVIDER`), the domestic providers' credentials and endpoints,
    the template registry, and the secret in the providers' callback URLs. Missing
    credentials do not stop start-up: each SMS then fails with a reason (console)."""

    model_config = _config("SMS_")

    provider: Literal["twilio", "aliyun", "tencent"] = "twilio"
    callback_token: str | None = Field(default=None, description="unset: /sms/aliyun|tencent/* answer 503")
    templates_path: Path | None = Field(default=None, description="unset: the registry shipped in channels/")
    aliyun_access_key_id: str | None = None
    aliyun_access_key_secret: str | None = None
    aliyun_sign_name: str | None = None
    aliyun_endpoint: str = "dysmsapi.aliyuncs.com"
    aliyun_protocol: Literal["https", "http"] = "https"
    tencent_secret_id: str | None = None
    tencent_secret_key: str | None = None
    tencent_sdk_app_id: str | None = None
    tencent_sign_name: str | None = None
    tencent_region: str = "ap-guangzhou"
    tencent_endpoint: str = "sms.tencentcloudapi.com"
    tencent_protocol: Literal["https", "http"] = "https"


class Settings(BaseSettings):
    """Everything configurable about one cuntong process."""

    model_config = _config()

    environment: Literal["development", "production"] = "development"
    database_url: str = "sqlite:///./cuntong.db"
    redis_url: str | None = None
    redis_prefix: str = "cuntong:"
    tz_name: str = "Asia/Shanghai"
    public_base_url: str | None = None
    operator_api_token: str | None = None
    nlu_model_path: Path = Path("models/nlu.pkl")
    conversation_idle_minutes: int = 30
    quiet_hours: str = "22:00-07:00"
    agent_idle_minutes: int = 10  # an agent silent this long gives their conversations back
    agent_wait_minutes: int = 10  # a citizen waiting this long in working hours is told
    agent_hours: str = "08:00-18:00"  # agents' working hours on working days
    complaint_first_response_working_days: int = 1
    complaint_resolution_working_days: int = 5
    seed_on_empty: bool = True
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, description="largest request body, else 413")
    sign_in_rate_per_client: str = Field(default="10/minute", description="console sign-ins per client address")
    sign_in_rate_total: str = Field(default="60/minute", description="console sign-ins of all clients together")
    webchat_secret: str | None = Field(
        default=None, description="signs web chat identity cookies; unset: a random key per process"
    )
    verification_secret: str | None = Field(
        default=None,
        description="keys the one-time codes (the database holds none); the same in web and worker "
        "processes; unset: WEBCHAT_SECRET, else a random key per process",
    )
    wechat: WeChatSettings = Field(default_factory=WeChatSettings)
    twilio: TwilioSettings = Field(default_factory=TwilioSettings)
    sms: SmsSettings = Field(default_factory=SmsSettings)

    @field_validator("database_url")
    @classmethod
    def _parse_database_url(cls, value: str) -> str:
        try:
            make_url(value)
        except ArgumentError as exc:
            raise ValueError(f"无法解析的数据库地址 {value!r}: {exc}") from None
        return value

    @field_validator("redis_url")
    @classmethod
    def _parse_redis_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError(f"应以 redis:// 或 rediss:// 开头，收到 {value!r}")
        return value

    @field_validator("redis_prefix")
    @classmethod
    def _parse_redis_prefix(cls, value: str) -> str:
        if not value or len(value) > 64 or any(c.isspace() for c in value):
            raise ValueError(f"应为不含空白的键前缀（最多 64 个字符，例如 cuntong:），收到 {value!r}")
        return value

    @field_validator("sign_in_rate_per_client", "sign_in_rate_total")
    @classmethod
    def _parse_rate(cls, value: str) -> str:
        from limits import parse

        try:
            parse(value)
        except ValueError:
            raise ValueError(f"应为 次数/时间 形式，如 10/minute，收到 {value!r}") from None
        return value

    @field_validator("tz_name")
    @classmethod
    def _parse_tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"未知时区 {value!r}") from None
        return value

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.tz_name)


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise `SettingsError` with one line naming the bad variable."""
    parts: dict[str, object] = {}
    nested: tuple[tuple[str, str, type[BaseSettings]], ...] = (
        ("wechat", "WECHAT_", WeChatSettings),
        ("twilio", "TWILIO_", TwilioSettings),
        ("sms", "SMS_", SmsSettings),
    )
    for field_name, prefix, cls in nested:
        if field_name not in overrides:
            parts[field_name] = _build(cls, prefix)
    return _build(Settings, "", **parts, **overrides)


def _build(cls: type[_S], prefix: str, **values: object) -> _S:
    try:
        return cls(**values)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = prefix + "_".join(str(part) for part in first["loc"]).upper()
        message = first["msg"].removeprefix("Value error, ")
        raise SettingsError(f"配置错误 {variable}: {message}") from None
