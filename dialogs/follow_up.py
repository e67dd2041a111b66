"""Answers to the satisfaction question (回访) the console sends after a complaint is
resolved ("您对处理结果满意吗？请回复1到5打分").

The question goes out as a notice, not as a dialog turn, so the tracker knows nothing of
it: when a message is a score (1-5, 五分, 满意 = 5, 基本满意 = 4, 一般 = 3, 不满意 = 2,
很不满意 = 1), no form is under way and no numbered option it could pick is on offer,
the backend is asked whether a question waits for this citizen's answer. If so the score
is recorded through the complaint workflow (1 or 2 reopens the ticket) and the citizen
is thanked; otherwise the message goes on to the ordinary dialog.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from backend.services.complaints import contact as complaint_contact
from backend.services.complaints import records as complaints
from dialogs.context import TurnContext

logger = logging.getLogger(__name__)

WORD_SCORES: dict[str, int] = {
    "非常满意": 5, "很满意": 5, "特别满意": 5, "满意": 5,
    "基本满意": 4, "比较满意": 4, "还算满意": 4, "还比较满意": 4,
    "一般": 3, "一般般": 3, "还行": 3, "还可以": 3,
    "不太满意": 2, "不满意": 2, "不怎么满意": 2,
    "很不满意": 1, "非常不满意": 1, "特别不满意": 1, "太不满意": 1,
}  # fmt: skip
DIGIT_SCORES = {"1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_POLITE = re.compile(r"谢谢(你们|您|你)?|多谢|感谢|我觉得|我|吧|啊|呀|哦|的|了")
_PUNCTUATION = re.compile(r"[\s，。,.!！?？~～、…]+")
_SCORE = re.compile(r"(?:打|给|评)?([1-5一二两三四五])分?")
CITIZEN = "citizen"


def satisfaction_of(text: str) -> int | None:
    """The 1-5 score a reply gives (满意 -> 5, 3分 -> 3), or None when it is not one."""
    said = _PUNCTUATION.sub("", unicodedata.normalize("NFKC", text or ""))
    said = _POLITE.sub("", said)
    if said in WORD_SCORES:
        return WORD_SCORES[said]
    match = _SCORE.fullmatch(said)
    return DIGIT_SCORES[match.group(1)] if match else None


def answer(ctx: TurnContext, text: str) -> bool:
    """Record `text` as the score of the citizen's pending follow-up; False (nothing done)
    when it is no score, something else is under way, or no question waits."""
    score = satisfaction_of(text)
    tracker = ctx.tracker
    if score is None or tracker.active is not None:
        return False
    if tracker.options and tracker.choose(text) is not None:
        return False  # "1" picks the option just offered
    ticket = complaint_contact.pending_follow_up(ctx.session, citizen_id=ctx.citizen().id, now=ctx.now)
    if ticket is None:
        return False
    said = text.strip()[:50]
    ticket = complaints.record_follow_up(
        ctx.session,
        ticket_id=ticket.id,
        satisfaction=score,
        by=CITIZEN,
        note=f"群众回复“{said}”",
        now=ctx.now,
    )
    logger.info("follow-up of %s answered with %d", ticket.id, score)
    ctx.log("follow_up_recorded", ticket_id=ticket.id, satisfaction=score)
    tracker.clear_options()
    tracker.failures = 0
    key = "follow_up_reopened" if ticket.state == "reopened" else "follow_up_thanks"
    ctx.say(
        key, id=ticket.id, score=score, card={"type": "complaint", "id": ticket.id, "state": ticket.state}
    )
    return True
