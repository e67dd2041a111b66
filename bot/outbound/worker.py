"""The outbound worker: takes jobs from the queue and sends the messages they name.

For each job the row is claimed in one UPDATE (`queued` and due -> `sending`, attempts
+1, a lease until which no one else may take it), so two workers, or a job queued twice,
never send one message twice. Then: an SMS notice to a number that has opted out is
`suppressed` (answers to the citizen's own message and verification codes still go); otherwise the channel's sender is called, and the row becomes `sent` (with
the provider's id), or goes back to `queued` with a backoff delay when the failure may
pass, or `failed` (with the error) when it will not or attempts are used up. A one-time
code is stored masked and put into the text only here, just before sending.

Every `sweep_every` seconds the worker also queues rows that are due but not on the
queue (notices written by services, holds that ended, rows of a crashed process) and
returns rows whose lease ran out to `queued`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from backend.models import Citizen, utcnow
from backend.models.outbound import OutboundMessage, OutboundPart
from backend.services.agents import handoff_watch
from backend.services.citizens import verification
from backend.services.notices.outbox import OPT_OUT_EXEMPT_KINDS
from bot.outbound.base import OutboundJob, OutboundQueue, Outgoing, Sender, SendError

logger = logging.getLogger(__name__)

BACKOFF_SECONDS = (10.0, 60.0, 300.0, 1800.0)
MAX_ATTEMPTS = 5
LEASE = timedelta(minutes=10)
SWEEP_BATCH = 200
REQUEUE_QUIET_SECONDS = 60.0

CODE_KEY_ERROR = "验证码无法生成：发送进程与网页进程的 VERIFICATION_SECRET 不一致"

UnitOfWork = Callable[[], AbstractContextManager[Session]]


class OutboundWorker:
    def __init__(
        self,
        *,
        unit_of_work: UnitOfWork,
        queue: OutboundQueue,
        senders: dict[str, Sender],
        max_attempts: int = MAX_ATTEMPTS,
        backoff_seconds: tuple[float, ...] = BACKOFF_SECONDS,
        sweep_every: float = 5.0,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._uow = unit_of_work
        self._queue = queue
        self._senders = senders
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self._sweep_every = sweep_every
        self._clock = clock
        self._recently_queued: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- running -------------------------------------------------------------------
    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name="outbound-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def run(self) -> None:
        next_sweep = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() >= next_sweep:
                    self.sweep()
                    next_sweep = time.monotonic() + self._sweep_every
                job = self._queue.reserve(timeout_seconds=min(1.0, self._sweep_every))
                if job is not None:
                    self.process(job)
            except Exception:  # keep the worker alive through a database or Redis hiccup
                logger.exception("outbound worker loop error")
                self._stop.wait(1.0)

    def drain(self) -> list[str | None]:
        """Process every job that is due now, in this thread (tests; a shared connection)."""
        results = []
        while (job := self._queue.reserve(timeout_seconds=0.0)) is not None:
            results.append(self.process(job))
        return results

    # -- one job -------------------------------------------------------------------
    def process(self, job: OutboundJob) -> str | None:
        """Send the job's message if it is still to be sent; the row's new status, or None."""
        now = self._clock()
        with self._uow() as session:
            claimed = self._claim(session, job.record_id, now)
            if not claimed:
                self._requeue_if_held(session, job, now)
                return None
            row = session.get(OutboundMessage, job.record_id)
            assert row is not None
            body = verification.message_text(session, kind=row.kind, event_key=row.event_key, body=row.body)
            outgoing = Outgoing(row.channel, row.to, body or "", row.kind, row.event_key, row.via)
            attempts = row.attempts
            opted_out = (
                row.channel == "sms" and row.kind not in OPT_OUT_EXEMPT_KINDS and self._opted_out(session, row.to)
            )
        if opted_out:
            return self._finish(job, status="suppressed", error="已退订短信")
        if body is None:
            return self._finish(job, status="failed", error=CODE_KEY_ERROR)
        sender = self._senders.get(outgoing.channel)
        if sender is None:
            return self._finish(job, status="failed", error=f"没有 {outgoing.channel} 渠道的发送器")
        try:
            provider_id = sender.send(outgoing)
        except SendError as exc:
            return self._failed(job, str(exc), retryable=exc.retryable, attempts=attempts)
        except Exception as exc:  # an unexpected provider error is retried, then recorded
            logger.exception("sender %s crashed on %s", outgoing.channel, outgoing.event_key)
            return self._failed(job, f"{type(exc).__name__}: {exc}", retryable=True, attempts=attempts)
        return self._finish(job, status="sent", provider_id=provider_id)

    def _claim(self, session: Session, record_id: int, now: datetime) -> bool:
        result = session.execute(
            update(OutboundMessage)
            .where(
                OutboundMessage.id == record_id,
                OutboundMessage.status == "queued",
                or_(OutboundMessage.send_after.is_(None), OutboundMessage.send_after <= now),
            )
            .values(status="sending", attempts=OutboundMessage.attempts + 1, send_after=now + LEASE)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1

    def _requeue_if_held(self, session: Session, job: OutboundJob, now: datetime) -> None:
        row = session.get(OutboundMessage, job.record_id)
        if row is not None and row.status == "queued" and row.send_after is not None and row.send_after > now:
            self._queue.put(OutboundJob(job.record_id), delay_seconds=(row.send_after - now).total_seconds())
        self._queue.ack(job)

    @staticmethod
    def _opted_out(session: Session, mobile: str) -> bool:
        flag = session.scalars(select(Citizen.sms_opt_out).where(Citizen.mobile == mobile)).first()
        return bool(flag)

    def _failed(self, job: OutboundJob, error: str, *, retryable: bool, attempts: int) -> str:
        if retryable and attempts < self._max_attempts:
            delay = self._backoff[min(attempts - 1, len(self._backoff) - 1)]
            logger.warning(
                "outbound %s failed (attempt %s), retry in %ss: %s", job.record_id, attempts, delay, error
            )
            status = self._finish(job, status="queued", error=error, retry_in=delay)
            self._queue.put(OutboundJob(job.record_id), delay_seconds=delay)
            return status
        logger.error("outbound %s failed for good after %s attempts: %s", job.record_id, attempts, error)
        return self._finish(job, status="failed", error=error)

    def _finish(
        self,
        job: OutboundJob,
        *,
        status: str,
        provider_id: str | list[str] | None = None,
        error: str | None = None,
        retry_in: float | None = None,
    ) -> str:
        now = self._clock()
        with self._uow() as session:
            row = session.get(OutboundMessage, job.record_id)
            assert row is not None
            row.status = status
            row.error = error[:1000] if error else None
            row.send_after = now + timedelta(seconds=retry_in) if retry_in is not None else None
            if status == "sent":
                ids = provider_id if isinstance(provider_id, list) else None
                row.provider_id = (ids[0] if ids else None) if ids is not None else provider_id
                row.sent_at = now
                for position, part_id in enumerate(ids or [], start=1):  # one receipt per SMS
                    session.add(OutboundPart(message_id=row.id, position=position, provider_id=part_id[:128]))
        self._queue.ack(job)
        return status

    # -- sweep ---------------------------------------------------------------------
    def sweep(self) -> int:
        """Queue due rows not queued lately; free rows whose lease ran out. Returns how many were queued."""
        now = self._clock()
        with self._uow() as session:
            session.execute(
                update(OutboundMessage)
                .where(OutboundMessage.status == "sending", OutboundMessage.send_after <= now)
                .values(status="queued", send_after=None)
                .execution_options(synchronize_session=False)
            )
            due = session.scalars(
                select(OutboundMessage.id)
                .where(
                    OutboundMessage.status == "queued",
                    or_(OutboundMessage.send_after.is_(None), OutboundMessage.send_after <= now),
                )
                .order_by(OutboundMessage.id)
                .limit(SWEEP_BATCH)
            ).all()
        self._watch_handoffs(now)
        return sum(self.enqueue(record_id) for record_id in due)

    def _watch_handoffs(self, now: datetime) -> None:
        """Idle agents' conversations back to the queue, waiting citizens told (handoff_watch)."""
        try:
            with self._uow() as session:
                handoff_watch.watch(session, now=now)
        except Exception:  # the outbound messages still go out
            logger.exception("hand-off watch failed")

    def enqueue(self, record_id: int) -> bool:
        """Put a row's job on the queue unless that was done in the last minute."""
        moment = time.monotonic()
        self._recently_queued = {
            k: v for k, v in self._recently_queued.items() if moment - v < REQUEUE_QUIET_SECONDS
        }
        if record_id in self._recently_queued:
            return False
        self._recently_queued[record_id] = moment
        self._queue.put(OutboundJob(record_id))
        return True
