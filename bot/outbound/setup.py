"""Build the outbound pieces from settings: the queue (Redis when REDIS_URL is set, else
in-process), a sender per channel (SMS: Aliyun or Tencent Cloud with the template
registry when SMS_PROVIDER names one, else the Twilio-compatible REST client when an
account SID and auth token are set; WeChat when app id and secret are set; the log-only
sender otherwise), and the notice policy (is WeChat configured, quiet hours)."""

from __future__ import annotations

import logging

from backend.services.agents import handoff_watch
from backend.services.citizens import verification
from backend.services.notices.outbox import NoticePolicy, configure_notices, parse_quiet_hours
from bot.config import Settings
from bot.outbound.base import OutboundQueue, Sender
from bot.outbound.domestic_sender import AliyunSender, ProviderRouter, TencentSender
from bot.outbound.log_sender import LogSender
from bot.outbound.memory import MemoryQueue
from bot.outbound.twilio_sender import TwilioRestSender
from bot.outbound.wechat_sender import WeChatSender
from channels.sms_templates import PROVIDERS, TemplateRegistry
from channels.wechat import WeChatOutput

logger = logging.getLogger(__name__)


def build_queue(settings: Settings) -> OutboundQueue:
    if settings.redis_url:
        from bot.outbound.redis_queue import RedisQueue

        return RedisQueue.from_url(settings.redis_url, prefix=f"{settings.redis_prefix}outbound:")
    return MemoryQueue()


def load_templates(settings: Settings) -> TemplateRegistry:
    """The SMS template registry, checked at start-up (a broken file stops start-up; with
    a domestic provider every template needs that provider's code)."""
    registry = TemplateRegistry.load(settings.sms.templates_path)
    if settings.sms.provider in PROVIDERS:
        registry.check_provider(settings.sms.provider)
    return registry


def configured(settings: Settings, provider: str) -> bool:
    """Every credential of `provider` is set (the SMS_PROVIDER one is used even without)."""
    sms = settings.sms
    if provider == "aliyun":
        return all((sms.aliyun_access_key_id, sms.aliyun_access_key_secret, sms.aliyun_sign_name))
    return all((sms.tencent_secret_id, sms.tencent_secret_key, sms.tencent_sdk_app_id, sms.tencent_sign_name))


def domestic_sender(settings: Settings, registry: TemplateRegistry) -> Sender:
    """SMS_PROVIDER's sender; with the other provider configured too, a router that answers
    each citizen's SMS through the provider it came in on."""
    others = [p for p in PROVIDERS if p != settings.sms.provider and configured(settings, p)]
    if not others:
        return provider_sender(settings, registry, settings.sms.provider)
    for provider in others:
        registry.check_provider(provider)
    senders = {p: provider_sender(settings, registry, p) for p in (settings.sms.provider, *others)}
    logger.info("SMS answers go back through the provider they came in on (%s)", ", ".join(senders))
    return ProviderRouter(senders, default=settings.sms.provider)


def provider_sender(settings: Settings, registry: TemplateRegistry, provider: str) -> Sender:
    sms = settings.sms
    if provider == "aliyun":
        return AliyunSender(
            registry=registry,
            access_key_id=sms.aliyun_access_key_id,
            access_key_secret=sms.aliyun_access_key_secret,
            sign_name=sms.aliyun_sign_name,
            endpoint=sms.aliyun_endpoint,
            protocol=sms.aliyun_protocol,
        )
    return TencentSender(
        registry=registry,
        secret_id=sms.tencent_secret_id,
        secret_key=sms.tencent_secret_key,
        sdk_app_id=sms.tencent_sdk_app_id,
        sign_name=sms.tencent_sign_name,
        region=sms.tencent_region,
        endpoint=sms.tencent_endpoint,
        protocol=sms.tencent_protocol,
    )


def build_senders(settings: Settings, registry: TemplateRegistry | None = None) -> dict[str, Sender]:
    senders: dict[str, Sender] = {}
    twilio = settings.twilio
    if settings.sms.provider in PROVIDERS:
        senders["sms"] = domestic_sender(settings, registry or load_templates(settings))
        logger.info("SMS are sent through %s with registered templates", settings.sms.provider)
    elif twilio.account_sid and twilio.auth_token and twilio.from_number:
        senders["sms"] = TwilioRestSender(
            account_sid=twilio.account_sid,
            auth_token=twilio.auth_token,
            from_number=twilio.from_number,
            api_base_url=twilio.api_base_url,
            max_parts=twilio.sms_max_parts,
        )
    else:
        logger.info("TWILIO_ACCOUNT_SID/AUTH_TOKEN/FROM_NUMBER not all set: SMS are only logged")
        senders["sms"] = LogSender("sms")
    output = WeChatOutput.from_settings(settings)
    if output is not None:
        senders["wechat"] = WeChatSender(output, notice_template_id=settings.wechat.notice_template_id)
    else:
        senders["wechat"] = LogSender("wechat")
    return senders


def configure_policy(settings: Settings) -> NoticePolicy:
    wechat = settings.wechat
    policy = NoticePolicy(
        wechat_enabled=bool(wechat.token and wechat.app_id and wechat.app_secret),
        quiet_hours=parse_quiet_hours(settings.quiet_hours),
    )
    configure_notices(policy)
    if not verification.configure_code_key(settings.verification_secret or settings.webchat_secret):
        logger.warning("VERIFICATION_SECRET not set: one-time codes can only be sent by this process")
    opens, closes = handoff_watch.parse_hours(settings.agent_hours)
    handoff_watch.configure(
        handoff_watch.WatchRules(
            idle_minutes=settings.agent_idle_minutes,
            wait_minutes=settings.agent_wait_minutes,
            opens=opens,
            closes=closes,
        )
    )
    return policy
