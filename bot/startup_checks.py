"""Checks of a configuration that starts but is unsafe to run this way.

- `require_shared_state(settings, workers)`: more than one worker process needs REDIS_URL
  (CONTRACTS.md §5): without it each process would keep its own de-duplication records,
  sender locks and WeChat nonces, and the same message could be answered twice. It also
  needs WEBCHAT_SECRET: without it each process signs web chat identity cookies with its
  own random key, so a citizen's next message, landing on another process, would not
  verify. Raises `SettingsError` naming the variable; `cuntong serve --workers N` calls it
  first.
- `warnings_for(settings)`: lines logged at start-up. In production
  (`ENVIRONMENT=production`) an unset PUBLIC_BASE_URL means the Twilio signature is checked
  against the URL the request claims (its Host header), which the client chooses.
"""

from __future__ import annotations

import logging

from bot.config import Settings, SettingsError

logger = logging.getLogger(__name__)


def require_shared_state(settings: Settings, workers: int) -> None:
    if workers > 1 and not settings.redis_url:
        raise SettingsError(
            f"配置错误 REDIS_URL: {workers} 个工作进程需要 Redis（去重记录、会话锁和微信 nonce 须在进程间共享）；"
            "请设置 REDIS_URL，或只用 1 个进程"
        )
    if workers > 1 and not settings.webchat_secret:
        raise SettingsError(
            f"配置错误 WEBCHAT_SECRET: {workers} 个工作进程须共用网页聊天身份的签名密钥"
            "（否则换一个进程就认不出访客）；请设置 WEBCHAT_SECRET（至少 32 个随机字符），或只用 1 个进程"
        )


def warnings_for(settings: Settings) -> list[str]:
    found: list[str] = []
    if settings.environment == "production" and not settings.public_base_url:
        found.append(
            "PUBLIC_BASE_URL 未设置：短信/语音网关签名将按请求自带的 Host 校验，"
            "生产环境请设为网关调用的公网地址（如 https://cuntong.example.cn）"
        )
    return found


def log_warnings(settings: Settings) -> None:
    for line in warnings_for(settings):
        logger.warning(line)
