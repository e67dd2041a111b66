"""Is this request really from WeChat, and fresh? Signature, timestamp and replay checks
for the official-account webhook, and AES ("safe mode") decryption.

Signatures are SHA-1 over the sorted token, timestamp, nonce (and, in safe mode, the
`Encrypt` text), compared with `hmac.compare_digest` (wechatpy's `check_signature` uses
`!=`; STYLE.md §25). The timestamp must lie within the configured window. In plain mode
the signature does not cover the body, so a captured query string could be replayed with
another body inside the window: the ledger remembers which body each (timestamp, nonce)
came with, and the same pair with a different body is refused. The same pair with the
same body is WeChat's own retry and is let through (the message id de-duplicates it).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct

from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException

from channels.errors import Rejected
from channels.ledger.base import Ledger


def sign(*parts: str) -> str:
    """WeChat's signature: SHA-1 of the sorted parts joined without separator."""
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def check_signature(expected_parts: tuple[str, ...], given: str | None) -> None:
    if not given or not hmac.compare_digest(sign(*expected_parts).encode(), given.lower().encode()):
        raise Rejected(403, "签名无效")


def check_timestamp(timestamp: str | None, *, now: float, window_seconds: int) -> int:
    """The timestamp as an int, or Rejected(403) when missing, malformed or stale."""
    if not timestamp or not timestamp.isdigit() or len(timestamp) > 12:
        raise Rejected(400, "缺少或无效的 timestamp")
    value = int(timestamp)
    if abs(now - value) > window_seconds:
        raise Rejected(403, "timestamp 超出允许的时间窗口")
    return value


def check_query(
    *,
    token: str,
    signature: str | None,
    timestamp: str | None,
    nonce: str | None,
    now: float,
    window_seconds: int,
) -> None:
    """Everything that can be checked from the query string alone."""
    if not nonce or len(nonce) > 64:
        raise Rejected(400, "缺少或无效的 nonce")
    check_timestamp(timestamp, now=now, window_seconds=window_seconds)
    assert timestamp is not None
    check_signature((token, timestamp, nonce), signature)


async def check_not_replayed(
    ledger: Ledger, *, timestamp: str, nonce: str, body: bytes, window_seconds: int
) -> None:
    digest = hashlib.sha256(body).hexdigest()
    stored = await ledger.put_if_absent(
        f"wechat:nonce:{timestamp}:{nonce}", digest, ttl_seconds=2 * window_seconds
    )
    if stored != digest:
        raise Rejected(403, "重复使用的 nonce")


class SafeMode:
    """AES "safe mode" (安全模式): decrypt pushes and encrypt passive replies with
    wechatpy's `WeChatCrypto`. 详情请参阅
    https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html"""

    def __init__(self, *, token: str, aes_key: str, app_id: str) -> None:
        self._token = token
        self._crypto = WeChatCrypto(token, aes_key, app_id)

    @staticmethod
    def valid_key(aes_key: str) -> bool:
        try:
            return len(aes_key) == 43 and len(base64.b64decode(aes_key + "=")) == 32
        except binascii.Error:
            return False

    def decrypt(self, *, encrypt: str | None, msg_signature: str | None, timestamp: str, nonce: str) -> bytes:
        """The inner XML; Rejected(403) on a bad msg_signature, 400 if it will not decrypt."""
        if not encrypt or len(encrypt) > 200_000:
            raise Rejected(400, "安全模式消息缺少 Encrypt")
        check_signature((self._token, timestamp, nonce, encrypt), msg_signature)
        try:
            plain = self._crypto.decrypt_message(
                {"Encrypt": encrypt}, sign(self._token, timestamp, nonce, encrypt), timestamp, nonce
            )
        except InvalidAppIdException:
            raise Rejected(403, "消息不属于本公众号") from None
        except (binascii.Error, ValueError, struct.error, IndexError, UnicodeDecodeError, TypeError):
            raise Rejected(400, "无法解密的消息") from None
        return str(plain).encode()

    def encrypt(self, xml: str, *, nonce: str, timestamp: str) -> str:
        return str(self._crypto.encrypt_message(xml, nonce, timestamp))
