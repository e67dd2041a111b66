"""SMS opt-out and opt-in keywords, as Twilio applies them, plus the domestic 退订 / TD.

Twilio's default keywords (its "Advanced Opt-Out" rules): the whole message, trimmed and
in any case, equal to STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT (and OPTOUT, REVOKE)
opts the number out; START, YES, UNSTOP opts it back in; any other text changes nothing.
Mainland carriers and the domestic SMS providers use 退订 / TD (and a bare T); through a
domestic provider (Aliyun, Tencent: `domestic=True`) 恢复 / 恢复通知 / 恢复短信 also opt back in,
besides START, YES, UNSTOP; through Twilio only Twilio's words do (恢复 there is ordinary text). Full-width letters and
a trailing full stop are folded away ("ＳＴＯＰ", "退订。"); "退订了吗" is a question, not
an opt-out. A gateway that handles opt-outs itself says what it did in `OptOutType`
(STOP / START / HELP): when present, that decides.
"""

from __future__ import annotations

import unicodedata

OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE", "退订", "TD", "T"}
)
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})
DOMESTIC_OPT_IN_WORDS = OPT_IN_WORDS | {"恢复", "恢复通知", "恢复短信", "恢复短信通知"}
OPT_OUT_TYPES = {"STOP": "opt_out", "START": "opt_in"}


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().strip("。.!！ ").upper()


def keyword_event(text: str, opt_out_type: str | None = None, *, domestic: bool = False) -> str | None:
    """`opt_out`, `opt_in`, or None for a message that is not a keyword (`domestic`: it came
    through Aliyun or Tencent, where 恢复 also opts back in)."""
    if opt_out_type:
        return OPT_OUT_TYPES.get(opt_out_type.strip().upper())
    folded = fold(text)
    if folded in OPT_OUT_WORDS:
        return "opt_out"
    if folded in (DOMESTIC_OPT_IN_WORDS if domestic else OPT_IN_WORDS):
        return "opt_in"
    return None


def is_opt_out(text: str) -> bool:
    return keyword_event(text) == "opt_out"
