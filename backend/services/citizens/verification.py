"""Proving a mobile number with a one-time code (验证码).

A number typed on WeChat, web chat or REST is only a contact until its owner proves it:
a 6-digit code goes by SMS through the outbound queue (notice kind `verification_code`),
is valid for 10 minutes and 5 tries. At most 3 codes per number per hour and 10 per
sender per day.

The database never holds a usable code: the code is derived from a random nonce with a
key the database does not hold (`configure_code_key`, VERIFICATION_SECRET), the row keeps
the nonce and a keyed hash, and the outbound message is written with the code masked
(`MASK`); the worker puts the code in just before handing the SMS to the provider
(`message_text`). So a copy of the database alone (a backup, a console screen of
outbound messages) gives no code, nor a hash that can be tried offline. The right code links the sender's
identity to the number (`citizens.link_verified_mobile`), joining it with the number's
owner on every channel.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.models import Citizen, VerificationCode
from backend.services.citizens.identities import link_verified_mobile, validate_mobile
from backend.services.notices import texts as notice_texts

logger = logging.getLogger(__name__)

CODE_DIGITS = 6
VALID_FOR = timedelta(minutes=10)
MAX_TRIES = 5
PER_NUMBER_PER_HOUR = 3
PER_SENDER_PER_DAY = 10
MASK = "*" * CODE_DIGITS  # the code's place in the stored outbound text
EVENT_PREFIX = "verification_code:"
_key = secrets.token_bytes(32)  # a key per process until `configure_code_key`

SendRefusal = Literal["number_limit", "sender_limit", "opted_out"]
CheckStatus = Literal["ok", "wrong", "expired", "exhausted", "none"]


@dataclass(frozen=True)
class CheckResult:
    status: CheckStatus
    tries_left: int = 0
    citizen: Citizen | None = None  # on "ok": the citizen the sender is from now on


def configure_code_key(secret: str | None) -> bool:
    """Key the codes with `secret` (every process that writes or sends codes needs the same
    one); None keeps the random per-process key, which only works when the web process also
    sends. True when a secret was given."""
    global _key
    if secret:
        _key = hashlib.sha256(f"cuntong-verification:{secret}".encode()).digest()
    return bool(secret)


def sender_key(channel: str, external_id: str) -> str:
    return f"{channel}:{external_id.strip()}"[:160]


def send_code(
    session: Session, *, channel: str, external_id: str, mobile: str, now: datetime | None = None
) -> SendRefusal | None:
    """Send a new code to `mobile` for this sender; None when sent, else why not.

    A new code replaces the sender's earlier unused ones for the same number.
    """
    now = now or local_now()
    mobile = validate_mobile(mobile)
    sender = sender_key(channel, external_id)
    if (
        _sent_since(session, VerificationCode.mobile == mobile, now - timedelta(hours=1))
        >= PER_NUMBER_PER_HOUR
    ):
        return "number_limit"
    if _sent_since(session, VerificationCode.sender == sender, now - timedelta(days=1)) >= PER_SENDER_PER_DAY:
        return "sender_limit"
    owner = session.scalars(select(Citizen).where(Citizen.mobile == mobile)).first()
    if owner is not None and owner.sms_opt_out:
        return "opted_out"
    session.execute(
        update(VerificationCode)
        .where(
            VerificationCode.sender == sender,
            VerificationCode.mobile == mobile,
            VerificationCode.used_at.is_(None),
        )
        .values(expires_at=now)
    )
    nonce = secrets.token_hex(8)
    row = VerificationCode(
        sender=sender,
        mobile=mobile,
        code_hash=_hash(_code(nonce), nonce),
        attempts=0,
        created_at=now,
        expires_at=now + VALID_FOR,
    )
    session.add(row)
    session.flush()
    notice_texts.verification_code(
        session,
        mobile=mobile,
        code=MASK,
        event_key=f"{EVENT_PREFIX}{row.id}",
        minutes=int(VALID_FOR.total_seconds() // 60),
        now=now,
    )
    logger.info("verification code %s sent to *%s for %s", row.id, mobile[-4:], channel)
    return None


def check_code(
    session: Session, *, channel: str, external_id: str, mobile: str, code: str, now: datetime | None = None
) -> CheckResult:
    """Check the code the sender typed against the newest code sent to them for `mobile`;
    the right one links them to the number."""
    now = now or local_now()
    mobile = validate_mobile(mobile)
    sender = sender_key(channel, external_id)
    row = session.scalars(
        select(VerificationCode)
        .where(
            VerificationCode.sender == sender,
            VerificationCode.mobile == mobile,
            VerificationCode.used_at.is_(None),
        )
        .order_by(VerificationCode.id.desc())
        .with_for_update()
    ).first()
    if row is None:
        return CheckResult("none")
    if row.expires_at <= now:
        return CheckResult("expired")
    if row.attempts >= MAX_TRIES:
        return CheckResult("exhausted")
    row.attempts += 1
    if _matches(code.strip(), row.code_hash):
        row.used_at = now
        session.flush()
        citizen = link_verified_mobile(session, channel=channel, external_id=external_id, mobile=mobile)
        logger.info("verification code %s accepted", row.id)
        return CheckResult("ok", citizen=citizen)
    session.flush()
    left = MAX_TRIES - row.attempts
    return CheckResult("wrong", tries_left=left) if left > 0 else CheckResult("exhausted")


def _sent_since(session: Session, condition: object, since: datetime) -> int:
    stmt = select(func.count(VerificationCode.id)).where(condition, VerificationCode.created_at > since)  # type: ignore[arg-type]
    return int(session.scalar(stmt) or 0)


def message_text(session: Session, *, kind: str, event_key: str, body: str) -> str | None:
    """The text to hand to the SMS provider: a verification message gets its code in place
    of `MASK` (from the nonce of its row); any other message is sent as stored. None when
    the code cannot be made (its row is gone, or this process has another key than the one
    that wrote it: VERIFICATION_SECRET differs), so no wrong code is ever texted."""
    if kind != "verification_code" or not event_key.startswith(EVENT_PREFIX):
        return body
    row = session.get(VerificationCode, int(event_key[len(EVENT_PREFIX) :]))
    if row is None:
        return None
    nonce, _, _ = row.code_hash.partition("$")
    code = _code(nonce)
    return body.replace(MASK, code, 1) if _matches(code, row.code_hash) else None


def _code(nonce: str) -> str:
    digest = hmac.new(_key, f"code:{nonce}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def _hash(code: str, nonce: str) -> str:
    digest = hmac.new(_key, f"hash:{nonce}:{code}".encode(), hashlib.sha256).hexdigest()
    return f"{nonce}${digest}"


def _matches(code: str, stored: str) -> bool:
    nonce, _, _ = stored.partition("$")
    return hmac.compare_digest(_hash(code, nonce), stored)
