"""The answer recorded for an inbound message (backend/services/notices/delivery_records.py):
the first live answer stays, an expired one is replaced, in one statement per turn."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from backend.models.base import utcnow
from backend.services.notices import delivery_records


def test_the_first_answer_stays_while_it_lives(session: Session) -> None:
    now = utcnow()
    delivery_records.record_answer(session, key="rest:a:m1", answer=[{"text": "一"}], ttl_seconds=60, now=now)
    delivery_records.record_answer(session, key="rest:a:m1", answer=[{"text": "二"}], ttl_seconds=60, now=now)
    assert delivery_records.answer_for(session, key="rest:a:m1", now=now) == [{"text": "一"}]
    assert delivery_records.answer_for(session, key="rest:a:m2", now=now) is None


def test_an_expired_answer_reads_as_none_and_is_replaced(session: Session) -> None:
    then = utcnow() - timedelta(hours=2)
    delivery_records.record_answer(session, key="rest:b:m1", answer=[{"text": "旧"}], ttl_seconds=60, now=then)
    now = utcnow()
    assert delivery_records.answer_for(session, key="rest:b:m1", now=now) is None
    delivery_records.record_answer(session, key="rest:b:m1", answer=[{"text": "新"}], ttl_seconds=60, now=now)
    assert delivery_records.answer_for(session, key="rest:b:m1", now=now) == [{"text": "新"}]
    assert delivery_records.get(session, key="answer:rest:b:m1", now=now) == '[{"text": "新"}]'
