"""One conversation turn (STYLE.md §14): dedup -> per-sender lock -> NLU -> policy ->
backend actions -> replies.

The same channel message id answers from the cache (one answer, one record); the answer is
also written to the database in the turn's own transaction, so a restart (kill -9
included) cannot make a redelivered message run twice. Turns of
one sender run one at a time under the store's lock; different senders in parallel.
The blocking part (NLU, dialog, database) runs in a worker thread inside one unit of
work that commits before the replies are returned: write first, answer second. The
tracker is saved only after a successful turn, so a failed turn changes nothing.

When the state store (Redis) cannot be reached, the turn does not run and `TryLater` is
raised: the channel answers 503 with Retry-After (REST) or waits and answers later
(WeChat). A turn that did run keeps its answer even if Redis fails after the commit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol

import anyio.to_thread
from sqlalchemy.orm import Session

from backend.localtime import local_now
from backend.services.citizens import conversations
from backend.services.citizens.turn_opening import read_opening
from backend.services.notices import delivery_records
from bot.state.base import LockTimeout, StateStore, StoreUnavailable, TurnStart
from channels.messages import Button, Media, Message, Reply, TryLater
from dialogs import texts
from dialogs.context import TurnContext
from dialogs.policy import DialogPolicy
from dialogs.tracker import Tracker
from dialogs.understanding import Parse
from dialogs.wording import style_for

logger = logging.getLogger(__name__)

ANSWER_TTL_SECONDS = 24 * 3600.0
LOCK_TIMEOUT_SECONDS = 30.0
SWEEP_EVERY_SECONDS = 600.0
RETRY_AFTER_SECONDS = 5


class NluParser(Protocol):
    def parse(
        self, text: str, now: datetime | None = None, expected_slot: str | None = None
    ) -> dict[str, Any]: ...


UnitOfWork = Callable[[], AbstractContextManager[Session]]


class Processor:
    def __init__(
        self,
        *,
        nlu: NluParser,
        unit_of_work: UnitOfWork,
        store: StateStore,
        policy: DialogPolicy | None = None,
        idle_minutes: float = 30,
        clock: Callable[[], datetime] = local_now,
        answer_ttl_seconds: float = ANSWER_TTL_SECONDS,
        lock_timeout_seconds: float = LOCK_TIMEOUT_SECONDS,
    ) -> None:
        self.nlu = nlu
        self.unit_of_work = unit_of_work
        self.store = store
        self.policy = policy or DialogPolicy()
        self.idle_seconds = idle_minutes * 60
        self.clock = clock
        self.answer_ttl_seconds = answer_ttl_seconds
        self.lock_timeout_seconds = lock_timeout_seconds
        self._last_sweep = time.monotonic()

    async def handle(self, message: Message) -> list[Reply]:
        """The `on_message` callback every channel gets."""
        key = dedup_key(message)
        cid = message.conversation_id
        try:
            start = await self.store.begin_turn(cid, key, timeout_seconds=self.lock_timeout_seconds)
        except LockTimeout:
            logger.warning("sender %s busy: turn dropped", cid)
            return [Reply(text=texts.render("error", style_for(message.channel)))]
        except StoreUnavailable as exc:
            logger.warning("state store unavailable (%s): %s asked to try later", exc, cid)
            raise TryLater(RETRY_AFTER_SECONDS) from None
        if start.answer is not None:
            logger.info("duplicate delivery %s: cached answer", key)
            return [decode(item) for item in start.answer]
        try:
            return await self._locked(message, key, start)
        finally:
            try:
                await self.store.release_turn(start)  # nothing left to release after finish_turn
            except StoreUnavailable:
                pass

    async def _locked(self, message: Message, key: str | None, start: TurnStart) -> list[Reply]:
        cid = message.conversation_id
        tracker = (
            Tracker.from_dict(start.tracker)
            if start.tracker
            else Tracker.new(conversation_id=cid, channel=message.channel, sender=message.sender)
        )
        try:
            replies, fresh = await anyio.to_thread.run_sync(self._turn, message, tracker, key)
        except Exception:
            logger.exception("turn failed for %s", cid)
            return [Reply(text=texts.render("error", style_for(message.channel)))]
        try:
            await self.store.finish_turn(
                start,
                cid,
                tracker=tracker.to_dict() if fresh else None,
                tracker_ttl_seconds=self.idle_seconds,
                answer_key=key,
                answer=[encode(r) for r in replies],
                answer_ttl_seconds=self.answer_ttl_seconds,
            )
        except StoreUnavailable as exc:  # the turn is committed: answer it all the same
            logger.warning("state of %s not saved (%s)", cid, exc)
        return replies

    def _turn(self, message: Message, tracker: Tracker, key: str | None) -> tuple[list[Reply], bool]:
        """The replies, and whether the turn ran (False: the database already held the
        answer to this message, given before a restart)."""
        now = self.clock()

        def parse_with(text: str, expected_slot: str | None) -> Parse:
            return Parse.from_nlu(text, self.nlu.parse(text, now=now, expected_slot=expected_slot))

        with self.unit_of_work() as session:
            opening = read_opening(session, key=key, conversation_id=tracker.conversation_id)
            if opening.answer is not None:
                logger.info("duplicate delivery %s: answer recorded in the database", key)
                return [decode(item) for item in opening.answer], False
            provider = message.metadata.get("provider")  # domestic SMS: how to opt back in there
            ctx = TurnContext(session=session, now=now, tracker=tracker, provider=provider)
            quiet = self.policy.quiet(ctx, event=message.event, opening=opening)
            parse = None
            if not quiet:
                location = (message.location.lat, message.location.lon) if message.location else None
                parse = self.policy.turn(
                    ctx,
                    message.text,
                    parse_with,
                    event=message.event,
                    location=location,
                    media=tuple(media_item(m) for m in message.media),
                )
                ctx.flush_prefix()
            ctx.mark_fallback()
            self._record(ctx, message, parse, quiet=quiet)
            if key is not None:
                delivery_records.record_answer(
                    session, key=key, answer=[encode(r) for r in ctx.replies], ttl_seconds=self.answer_ttl_seconds
                )
            self._sweep(session)
        tracker.remember(
            user=message.text,
            intent=parse.intent if parse else message.event,
            bot=[r.text for r in ctx.replies],
        )
        return ctx.replies, True

    def _sweep(self, session: Session) -> None:
        if time.monotonic() - self._last_sweep >= SWEEP_EVERY_SECONDS:
            self._last_sweep = time.monotonic()
            delivery_records.sweep(session)

    @staticmethod
    def _record(ctx: TurnContext, message: Message, parse: Parse | None, *, quiet: bool) -> None:
        """Append the turn to the conversation log (what the agent console shows)."""
        common = {
            "conversation_id": message.conversation_id,
            "channel": message.channel,
            "sender": message.sender,
        }
        data: dict[str, Any] = {"message_id": message.message_id}
        if message.metadata.get("provider"):  # domestic SMS: agents' replies go back through it
            data["provider"] = message.metadata["provider"]
        if parse is not None:
            data["confidence"] = parse.confidence
            data["entities"] = [{"entity": e.entity, "value": e.value} for e in parse.entities]
        if message.event:
            data["event"] = message.event
        if message.media:
            data["media"] = [media_item(m) for m in message.media]
        if quiet:
            data["during_handoff"] = True
        events: list[dict[str, Any]] = [
            {"type": "user", "text": message.text, "intent": parse.intent if parse else None, "data": data}
        ]
        events += [{"type": "action", "action": a["action"], "data": a["data"]} for a in ctx.actions]
        events += [{"type": "bot", "text": r.text, "action": r.action, "data": encode(r)} for r in ctx.replies]
        conversations.record_events(ctx.session, ({**event, "ts": ctx.now, **common} for event in events))


def media_item(media: Media) -> dict[str, str]:
    """A picture or recording as the dialogs and the complaint keep it: its kind, and its
    url and/or media_id."""
    item = {"kind": media.kind, "url": media.url, "media_id": media.media_id}
    return {key: value for key, value in item.items() if value}


def dedup_key(message: Message) -> str | None:
    return f"{message.conversation_id}:{message.message_id}" if message.message_id else None


def encode(reply: Reply) -> dict[str, Any]:
    return {
        "text": reply.text,
        "buttons": [{"title": b.title, "payload": b.payload} for b in reply.buttons],
        "card": reply.card,
        "action": reply.action,
    }


def decode(data: dict[str, Any]) -> Reply:
    return Reply(
        text=data["text"],
        buttons=tuple(Button(title=b["title"], payload=b["payload"]) for b in data.get("buttons") or ()),
        card=data.get("card"),
        action=data.get("action"),
    )
