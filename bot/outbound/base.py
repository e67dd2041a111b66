"""Contracts of outbound sending (STYLE.md §3): the queue that carries send jobs to a
worker, and the sender that hands one message to a provider.

A job names an `OutboundMessage` row and nothing else: the row is the truth (what, to
whom, status, attempts), so a job delivered twice or re-queued by a sweep is harmless:
the worker claims the row atomically before it sends.
"""

from __future__ import annotations

import abc
import json
import uuid
from dataclasses import dataclass, field
from typing import ClassVar


@dataclass(frozen=True)
class OutboundJob:
    record_id: int
    job_id: str = field(default_factory=lambda: uuid.uuid4().hex)

    def dumps(self) -> str:
        return json.dumps({"record_id": self.record_id, "job_id": self.job_id})

    @classmethod
    def loads(cls, raw: str | bytes) -> OutboundJob:
        data = json.loads(raw)
        return cls(record_id=int(data["record_id"]), job_id=str(data["job_id"]))


@dataclass(frozen=True)
class Outgoing:
    """What a sender needs to know about one message."""

    channel: str
    to: str
    body: str
    kind: str
    event_key: str
    via: str | None = None  # domestic SMS: the provider to send through (None: the default)


class SendError(Exception):
    """The provider did not take the message; `retryable` says whether trying later may help."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class OutboundQueue(abc.ABC):
    @abc.abstractmethod
    def put(self, job: OutboundJob, *, delay_seconds: float = 0.0) -> None:
        """Make the job available now, or after `delay_seconds`."""

    @abc.abstractmethod
    def reserve(self, *, timeout_seconds: float) -> OutboundJob | None:
        """The next due job (now owned by the caller until `ack`), or None after the timeout."""

    @abc.abstractmethod
    def ack(self, job: OutboundJob) -> None:
        """The job is done (sent, failed for good, or re-queued with a delay)."""

    def close(self) -> None:  # noqa: B027  (optional hook)
        """Release connections."""


class Sender(abc.ABC):
    channel: ClassVar[str]

    @abc.abstractmethod
    def send(self, message: Outgoing) -> str | list[str] | None:
        """Hand the message to the provider; return its id for the message (a list: one id per
        SMS, when it went out as several, each with its own delivery receipt); SendError if refused."""

    def close(self) -> None:  # noqa: B027  (optional hook)
        """Release connections."""
