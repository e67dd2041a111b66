"""Answers from the knowledge base (知识库): a fallback path, not an intent.

The NLU keeps its intents; the knowledge base is consulted (a) when a message leads to no
task (out_of_scope and other non-task intents) and (b) before a task form starts, when the
message is a general question carrying nothing a task would use (no time, number,
tracking or booking id, not both ends of a trip, not about "my" parcel or booking): "学生票多少钱" is answered, "明天8点从嵩口去县城"
books. The entry is used only when retrieval is confident (`knowledge_search.THRESHOLD`,
chosen on a development set, see benchmarks/knowledge.py); the answer is followed by the
offer of a person (0 人工客服). When a question is close to an entry but below the
threshold, the bot says it is not sure and offers a person instead of guessing.
"""

from __future__ import annotations

import logging
import re

from backend.services.knowledge import search as knowledge_search
from dialogs.context import TurnContext
from dialogs.understanding import Parse

logger = logging.getLogger(__name__)

QUESTION = re.compile(r"[?？吗呢么]|多少|几|怎么|咋|哪|什么|啥|能不能|可不可以|可以|有没有|要不要|是不是|免不免|收不收")
# "where is MY parcel / booking": a question about the citizen's own record is the task's
PERSONAL = re.compile(r"我的|俺的|我家的|到哪了|到哪儿了|到了没|来了没")
GENERIC_BUS_WORDS = re.compile(r"几点|什么时候|啥时候|有没有|还有|有|车|班车|公交|客车|大巴|吗|呢|啊|呀|请问|我想|想|问一下|问问|[?？。，,！!\s]")
TASK_ENTITIES = frozenset({"time", "tracking_no", "booking_id", "ticket_id", "phone", "passengers", "plate"})
KB_BEFORE = frozenset({
    "query_bus", "send_parcel", "track_parcel", "book_charter", "book_ride", "student_shuttle", "subscribe_alert",
    "query_booking", "change_booking", "cancel_booking",
})  # fmt: skip


def is_question(text: str) -> bool:
    return bool(QUESTION.search(text))


def before_task(ctx: TurnContext, parse: Parse) -> bool:
    """Answer a plain question the NLU took for a task; True when answered."""
    if parse.intent not in KB_BEFORE or not is_question(parse.text) or PERSONAL.search(parse.text):
        return False
    names = {e.entity for e in parse.entities}
    if names & TASK_ENTITIES or {"origin", "destination"} <= names:
        return False
    if parse.intent == "query_bus" and ctx.tracker.last_trip:
        return False  # 最后一班几点 right after a bus answer: about that trip
    if parse.intent == "query_bus" and not GENERIC_BUS_WORDS.sub("", parse.bare):
        return False  # 几点有车 / 有车吗 name no topic: which trip is asked, not the last-bus entry
    return answer(ctx, parse.text)


def fallback(ctx: TurnContext, parse: Parse) -> bool:
    """When nothing else applies: answer from the knowledge base, or say we are not sure
    and offer a person; True when something was said."""
    if answer(ctx, parse.text):
        return True
    best = knowledge_search.search(ctx.session, parse.text, day=ctx.now.date(), limit=1)
    if best and best[0].confidence >= knowledge_search.SUGGEST_FLOOR and is_question(parse.text):
        ctx.log("kb_unsure", entry_id=best[0].entry.id, confidence=best[0].confidence)
        ctx.choose(ctx.text("kb_unsure"), [("继续", "continue")], purpose="handoff")
        ctx.add_option("人工客服", "handoff", key="0")
        return True
    return False


def answer(ctx: TurnContext, text: str) -> bool:
    """`text` answered from the knowledge base, with the offer of a person; True when answered."""
    body = _found(ctx, text)
    if body is None:
        return False
    ctx.tracker.failures = 0
    ctx.choose(ctx.text("kb_answer", answer=body), [], purpose="handoff")
    ctx.add_option("人工客服", "handoff", key="0")
    return True


def during_form(ctx: TurnContext, text: str) -> bool:
    """A plain question asked while a task waits (嵩口镇的快递站在哪 while 几点出发 is asked):
    answered when retrieval is confident, without the offer of a person; the caller asks
    the task's question again. True when answered."""
    body = _found(ctx, text) if is_question(text) else None
    if body is None:
        return False
    ctx.say("kb_in_form", text=body)
    return True


def _found(ctx: TurnContext, text: str) -> str | None:
    """The answer of the entry retrieval is confident about, in the channel's wording, logged."""
    match = knowledge_search.answer(ctx.session, text, day=ctx.now.date())
    if match is None:
        return None
    entry = match.entry
    ctx.log("kb_answer", entry_id=entry.id, confidence=match.confidence)
    logger.info("knowledge entry %s answered %r (%.2f)", entry.id, text, match.confidence)
    return entry.answer if ctx.style == "rich" else entry.short_answer
