"""The one-time code step of the forms that take a contact number (ride, charter, send
parcel, complaint, suggestion).

On WeChat, web chat and REST a typed mobile is only a contact. When the sender has no
verified mobile yet, the form sends a code to the typed number once and asks for it
(验证码已发到尾号3426，请回复6位数字). The right code joins the sender to the number's owner;
收不到 / 不验证, a used-up or expired code, or a sending limit lets the citizen finish all the
same, the task then belonging to this identity alone with the number kept as its contact
(a parcel look-up by phone is then refused: only a proven number shows its parcels).
On SMS and the phone the sender's own number is verified already: nothing is asked.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from backend.services.citizens import verification
from dialogs.context import TurnContext
from dialogs.slots import Outcome, Slot
from dialogs.tracker import FormState

CODE = Slot("code", "code", "verify_ask", words=("验证码",))
SENT_FOR = "_code_for"  # the number the code was sent to
DECLINE = re.compile(r"收不到|没收到|没有收到|收不了|不验证|不用验证|不想验证|跳过|没有短信|没短信|不是我的")
DIGITS = re.compile(r"\d{6}")
WRITTEN_DIGITS = re.compile(r"[\d\s]{6,}")
LOOKUPS = frozenset({"track_parcel"})  # forms where an unproven number is of no use (no contact to keep)


def wanted(ctx: TurnContext, state: FormState, phone: str | None) -> bool:
    """True while the code for `phone` is awaited; sends it the first time the number is seen."""
    if not phone or ctx.phone_channel or ctx.verified_mobile() is not None:
        return False
    if state.slots.get(SENT_FOR) == phone:
        return CODE.name not in state.slots
    state.slots.pop(CODE.name, None)
    state.slots[SENT_FOR] = phone
    refusal = verification.send_code(
        ctx.session, channel=ctx.channel, external_id=ctx.sender, mobile=phone, now=ctx.now
    )
    if refusal is None:
        ctx.log("verification_sent", mobile_tail=phone[-4:])
        return True
    ctx.log("verification_not_sent", reason=refusal)
    state.slots[CODE.name] = "unverified"
    ctx.prefix(f"verify_{refusal}", tail=phone[-4:])
    return False


def ask(ctx: TurnContext, state: FormState) -> None:
    ctx.say(CODE.ask, tail=str(state.slots.get(SENT_FOR) or "")[-4:])


def check(ctx: TurnContext, state: FormState, raw: Any) -> Outcome:
    """The answer to the code question: the code, or a decline."""
    said = unicodedata.normalize("NFKC", str(raw)).strip()  # ８４２９２４ typed on a Chinese keyboard
    phone = str(state.slots.get(SENT_FOR) or "")
    if DECLINE.search(said):
        ctx.log("verification_declined")
        ctx.prefix("ok" if state.name in LOOKUPS else "verify_declined", tail=phone[-4:])
        return Outcome.good("unverified")
    written = WRITTEN_DIGITS.search(said)
    code = re.sub(r"\s", "", written.group(0)) if written else ""
    if not DIGITS.fullmatch(code):
        return Outcome.bad("verify_bad")
    result = verification.check_code(
        ctx.session, channel=ctx.channel, external_id=ctx.sender, mobile=phone, code=code, now=ctx.now
    )
    if result.status == "ok" and result.citizen is not None:
        ctx.become(result.citizen)
        ctx.log("verification_passed", mobile_tail=phone[-4:])
        ctx.prefix("verify_ok", tail=phone[-4:])
        return Outcome.good("verified")
    if result.status == "wrong":
        return Outcome.bad("verify_wrong", left=result.tries_left)
    ctx.log("verification_failed", status=result.status)
    ctx.prefix("verify_expired" if state.name in LOOKUPS else "verify_failed", tail=phone[-4:])
    return Outcome.good("unverified")
