"""SMS through the domestic providers, with their official SDKs and request signing:
Aliyun (`alibabacloud-dysmsapi20170525`: SendSms with SignName, TemplateCode and the
TemplateParam JSON; the answer's BizId is the provider id) and Tencent Cloud
(`tencentcloud-sdk-python-sms`: SendSms with SmsSdkAppId, SignName, TemplateId and the
ordered TemplateParamSet; the SendStatus SerialNo is the provider id).

Free text is not allowed: the body must be made of registered templates
(channels/sms_templates.py), and each template goes out as its own SMS, in order (a lead-in,
the answer, the numbered choices in one block, continuations of a long free text); the sender
returns every part's provider id, which the worker keeps (`OutboundPart`) so that each part's
delivery receipt is matched. An agent's free-text reply (`kind` "reply") goes in the generic
客服回复 template, continued in numbered SMS when it is longer than a variable holds. A body that is not made of templates, or missing credentials, fail the row at once
with the reason (the console shows it); throttling, provider system errors and network
trouble are retried, unless part of the answer already went out (it would be sent twice).

With both providers configured, `ProviderRouter` sends the answer to a citizen's SMS, and an
agent's reply (the row's `via`: the provider the citizen last wrote through), through the
provider that SMS came in on, everything else through SMS_PROVIDER's.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from bot.outbound.base import Outgoing, Sender, SendError
from channels.phone import e164, sender_id
from channels.sms_domestic import answer_provider
from channels.sms_templates import TemplateRegistry, TemplateUse

logger = logging.getLogger(__name__)

AGENT_REPLY_KIND = "reply"
ALIYUN_RETRYABLE = frozenset({"isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "isp.GATEWAY_ERROR", "Throttling"})
TENCENT_RETRYABLE_PREFIXES = ("LimitExceeded", "InternalError", "RequestLimitExceeded")
# Tencent Cloud answers in English; the console shows the reason in Chinese (错误码 doc)
TENCENT_REASONS = {
    "FailedOperation.TemplateIncorrectOrUnapproved": "模板未审批通过，或内容与模板不符",
    "FailedOperation.SignatureIncorrectOrUnapproved": "签名未审批通过或格式错误",
    "FailedOperation.PhoneNumberInBlacklist": "手机号在免打扰名单中（用户退订或运营商免打扰）",
    "FailedOperation.ContainSensitiveWord": "短信内容含敏感词",
    "FailedOperation.InsufficientBalanceInSmsPackage": "短信套餐包余量不足",
    "InvalidParameterValue.IncorrectPhoneNumber": "手机号格式错误",
    "InvalidParameterValue.ContentLengthLimit": "短信内容太长",
    "InvalidParameterValue.TemplateParameterFormatError": "模板变量格式错误",
    "InvalidParameterValue.TemplateParameterLengthLimit": "模板变量超过长度限制",
    "LimitExceeded.DeliveryFrequencyLimit": "命中发送频率限制",
    "LimitExceeded.PhoneNumberDailyLimit": "该手机号当日短信条数已达上限",
    "AuthFailure.SignatureFailure": "接口签名错误，请核对 SMS_TENCENT_SECRET_KEY",
    "AuthFailure.SecretIdNotFound": "密钥不存在，请核对 SMS_TENCENT_SECRET_ID",
}


def templates_for(registry: TemplateRegistry, message: Outgoing) -> list[TemplateUse]:
    if message.kind == AGENT_REPLY_KIND:
        return registry.agent_reply(message.body)
    uses = registry.compose(message.body)
    if uses is None:
        raise SendError(f"没有对应的短信模板，无法通过国内短信发送：{message.body[:40]}", retryable=False)
    return uses


def send_parts(
    message: Outgoing, registry: TemplateRegistry, send_one: Callable[[TemplateUse], str | None]
) -> list[str]:
    """Each template of the message as its own SMS, in order; the provider id of each."""
    ids: list[str | None] = []
    for use in templates_for(registry, message):
        try:
            ids.append(send_one(use))
        except SendError as exc:
            if not ids:
                raise
            raise SendError(f"已发出前 {len(ids)} 条，第 {len(ids) + 1} 条失败：{exc}", retryable=False) from exc
    return [found for found in ids if found]


class AliyunSender(Sender):
    channel = "sms"

    def __init__(
        self,
        *,
        registry: TemplateRegistry,
        access_key_id: str | None,
        access_key_secret: str | None,
        sign_name: str | None,
        endpoint: str = "dysmsapi.aliyuncs.com",
        protocol: str = "https",
    ) -> None:
        self._registry = registry
        self._sign = sign_name
        self._missing = [
            name
            for name, value in (
                ("SMS_ALIYUN_ACCESS_KEY_ID", access_key_id),
                ("SMS_ALIYUN_ACCESS_KEY_SECRET", access_key_secret),
                ("SMS_ALIYUN_SIGN_NAME", sign_name),
            )
            if not value
        ]
        self._client: Any = None
        if not self._missing:
            from alibabacloud_dysmsapi20170525.client import Client
            from alibabacloud_tea_openapi.models import Config

            config = Config(
                access_key_id=access_key_id,
                access_key_secret=access_key_secret,
                endpoint=endpoint,
                protocol=protocol,
                connect_timeout=5000,
                read_timeout=10000,
            )
            self._client = Client(config)

    def send(self, message: Outgoing) -> list[str]:
        if self._missing:
            raise SendError(f"阿里云短信未配置：缺少 {', '.join(self._missing)}", retryable=False)
        return send_parts(message, self._registry, lambda use: self._send(message, use))

    def _send(self, message: Outgoing, use: TemplateUse) -> str | None:
        from alibabacloud_dysmsapi20170525 import models
        from Tea.exceptions import TeaException

        code = use.template.codes.get("aliyun")
        if not code:
            raise SendError(f"短信模板 {use.template.name} 没有阿里云模板编号", retryable=False)
        request = models.SendSmsRequest(
            phone_numbers=sender_id(message.to),
            sign_name=self._sign,
            template_code=code,
            template_param=json.dumps(use.values, ensure_ascii=False),
            out_id=message.event_key[:64],
        )
        try:
            body = self._client.send_sms(request).body
        except TeaException as exc:
            retry = str(exc.code) in ALIYUN_RETRYABLE or _server_error(exc)
            raise SendError(f"阿里云短信接口错误 {exc.code}：{exc.message}", retryable=retry) from exc
        except Exception as exc:  # network trouble inside the SDK
            raise SendError(f"阿里云短信无法连接：{exc}", retryable=True) from exc
        if body.code != "OK":
            raise SendError(f"阿里云拒绝 {body.code}：{body.message}", retryable=body.code in ALIYUN_RETRYABLE)
        return str(body.biz_id) if body.biz_id else None


class TencentSender(Sender):
    channel = "sms"

    def __init__(
        self,
        *,
        registry: TemplateRegistry,
        secret_id: str | None,
        secret_key: str | None,
        sdk_app_id: str | None,
        sign_name: str | None,
        region: str = "ap-guangzhou",
        endpoint: str = "sms.tencentcloudapi.com",
        protocol: str = "https",
    ) -> None:
        self._registry = registry
        self._app = sdk_app_id
        self._sign = sign_name
        self._missing = [
            name
            for name, value in (
                ("SMS_TENCENT_SECRET_ID", secret_id),
                ("SMS_TENCENT_SECRET_KEY", secret_key),
                ("SMS_TENCENT_SDK_APP_ID", sdk_app_id),
                ("SMS_TENCENT_SIGN_NAME", sign_name),
            )
            if not value
        ]
        self._client: Any = None
        if not self._missing:
            from tencentcloud.common import credential
            from tencentcloud.common.profile.client_profile import ClientProfile
            from tencentcloud.common.profile.http_profile import HttpProfile
            from tencentcloud.sms.v20210111 import sms_client

            profile = ClientProfile(httpProfile=HttpProfile(endpoint=endpoint, protocol=protocol, reqTimeout=10))
            self._client = sms_client.SmsClient(credential.Credential(secret_id, secret_key), region, profile)

    def send(self, message: Outgoing) -> list[str]:
        if self._missing:
            raise SendError(f"腾讯云短信未配置：缺少 {', '.join(self._missing)}", retryable=False)
        return send_parts(message, self._registry, lambda use: self._send(message, use))

    def _send(self, message: Outgoing, use: TemplateUse) -> str | None:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111 import models

        code = use.template.codes.get("tencent")
        if not code:
            raise SendError(f"短信模板 {use.template.name} 没有腾讯云模板编号", retryable=False)
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [e164(sender_id(message.to))]
        request.SmsSdkAppId = self._app
        request.SignName = self._sign
        request.TemplateId = code
        request.TemplateParamSet = use.ordered_values()
        request.SessionContext = message.event_key[:512]
        try:
            response = self._client.SendSms(request)
        except TencentCloudSDKException as exc:
            retry = str(exc.get_code() or "").startswith(TENCENT_RETRYABLE_PREFIXES) or exc.get_code() in (
                "ClientNetworkError",
                "ServerNetworkError",
            )
            reason = TENCENT_REASONS.get(str(exc.get_code()), exc.get_message())
            raise SendError(f"腾讯云短信接口错误 {exc.get_code()}：{reason}", retryable=retry) from exc
        except Exception as exc:
            raise SendError(f"腾讯云短信无法连接：{exc}", retryable=True) from exc
        [status] = response.SendStatusSet or [None]
        if status is None:
            raise SendError("腾讯云短信没有返回发送状态", retryable=True)
        if status.Code != "Ok":
            retry = str(status.Code).startswith(TENCENT_RETRYABLE_PREFIXES)
            reason = TENCENT_REASONS.get(str(status.Code), status.Message)
            raise SendError(f"腾讯云拒绝 {status.Code}：{reason}", retryable=retry)
        return str(status.SerialNo) if status.SerialNo else None


class ProviderRouter(Sender):
    """One sender per configured provider: answers go back the way the question came."""

    channel = "sms"

    def __init__(self, senders: dict[str, Sender], *, default: str) -> None:
        self._senders = senders
        self._default = default

    def send(self, message: Outgoing) -> str | list[str] | None:
        provider = message.via or answer_provider(message.event_key)
        sender = self._senders.get(provider or self._default) or self._senders[self._default]
        return sender.send(message)

    def close(self) -> None:
        for sender in self._senders.values():
            sender.close()


def _server_error(exc: Any) -> bool:
    status = (getattr(exc, "data", None) or {}).get("statusCode") if isinstance(getattr(exc, "data", None), dict) else None
    return isinstance(status, int) and status >= 500
