"""Every sentence the bot says, in one place, in plain and polite Mandarin.

Each key has a rich variant (WeChat, web chat), and where it matters a short one for SMS
(a reply must fit two 70-character segments, numbered options included) and a spoken
one for the hotline (no symbols, nothing to look at). `render` picks the variant for a
style and fills in the values. Numbered options are not written here: they travel as
buttons and each channel renders them (回复1确认 2修改 on SMS, read out on the phone).
"""

from __future__ import annotations

from typing import Any

from dialogs.texts.base import T
from dialogs.texts.buses import BUSES_TEXTS
from dialogs.texts.complaints import COMPLAINTS_TEXTS
from dialogs.texts.conversation import CONVERSATION_TEXTS
from dialogs.texts.parcels import PARCELS_TEXTS
from dialogs.texts.promises import PROMISE_TEXTS, plain_refusal
from dialogs.texts.rides import RIDES_TEXTS
from dialogs.wording import Style

__all__ = ["TEXTS", "T", "change_question", "render"]

TEXTS: dict[str, T] = {
    **CONVERSATION_TEXTS,
    **RIDES_TEXTS,
    **BUSES_TEXTS,
    **PARCELS_TEXTS,
    **COMPLAINTS_TEXTS,
    **PROMISE_TEXTS,
}


SPOKEN_REFUSALS = (("请核对后再发", "请核对后再说一遍"),)


def sentence(text: str) -> str:
    """`text` ending its sentence (。 added unless it ends in punctuation)."""
    text = text.strip()
    return text if not text or text[-1] in "。！？!?.…）)" else text + "。"


def change_question(form: str) -> str:
    """The key asking what to change: the form's own examples where it has some."""
    return f"ask_change_{form}" if f"ask_change_{form}" in TEXTS else "ask_change"


def render(key: str, style: Style, **values: Any) -> str:
    if key == "backend_refused" and plain_refusal(str(values.get("message", ""))) is None:
        key = "refused_plainly"  # a refusal worded for programmers: say what to do instead
    elif key == "backend_refused":  # a next sentence may follow in the same reply
        message = sentence(str(values["message"]))
        if style == "voice":  # the backend words its refusals for text: a caller says, not sends
            for written, said in SPOKEN_REFUSALS:
                message = message.replace(written, said)
        values = {**values, "message": message}
    return TEXTS[key].pick(style).format(**values)
