"""The knowledge base (知识库): entries kept in the database, changed only through these
functions so that every change leaves an audit row (who, when, before, after).

Entries are switched off, never deleted. `valid_on` says whether an entry may be used on
a day (inside `valid_from`..`valid_to`, both optional). `load_entries` reads the pilot's
`knowledge.yml` into an empty knowledge base.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from backend.errors import InvalidInput, NotFound
from backend.models.base import utcnow
from backend.models.knowledge import KnowledgeAudit, KnowledgeEntry

logger = logging.getLogger(__name__)

PILOT_FILE = Path(__file__).resolve().parents[2] / "pilot" / "knowledge.yml"
MAX_QUESTION = 200
MAX_ANSWER = 2000
MAX_SHORT = 140
MAX_VARIANTS = 30
MAX_TAGS = 10


@dataclass
class EntryDraft:
    """What an editor submits; `check` refuses it with a clear sentence or cleans it."""

    question: str
    answer: str
    short_answer: str
    variants: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    valid_from: date | None = None
    valid_to: date | None = None

    def check(self) -> EntryDraft:
        question = self.question.strip()
        answer = self.answer.strip()
        short = self.short_answer.strip()
        if not question or len(question) > MAX_QUESTION:
            raise InvalidInput(f"问题不能为空，且不超过{MAX_QUESTION}个字", field="question")
        if not answer or len(answer) > MAX_ANSWER:
            raise InvalidInput(f"答案不能为空，且不超过{MAX_ANSWER}个字", field="answer")
        if not short or len(short) > MAX_SHORT:
            raise InvalidInput(f"短答案（短信和电话用）不能为空，且不超过{MAX_SHORT}个字", field="short_answer")
        variants = _unique(v for v in self.variants if v.strip() and v.strip() != question)
        if len(variants) > MAX_VARIANTS or any(len(v) > MAX_QUESTION for v in variants):
            raise InvalidInput(f"其他问法最多{MAX_VARIANTS}条，每条不超过{MAX_QUESTION}个字", field="variants")
        tags = _unique(self.tags)
        if len(tags) > MAX_TAGS or any(len(t) > 20 for t in tags):
            raise InvalidInput(f"标签最多{MAX_TAGS}个，每个不超过20个字", field="tags")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise InvalidInput("有效期的结束日期不能早于开始日期", field="valid_to")
        return EntryDraft(question, answer, short, variants, tags, self.valid_from, self.valid_to)


def _unique(items: Any) -> list[str]:
    seen: list[str] = []
    for item in items:
        text = str(item).strip()
        if text and text not in seen:
            seen.append(text)
    return seen


def snapshot(entry: KnowledgeEntry) -> dict[str, Any]:
    return {
        "question": entry.question,
        "variants": list(entry.variants or []),
        "answer": entry.answer,
        "short_answer": entry.short_answer,
        "tags": list(entry.tags or []),
        "valid_from": entry.valid_from.isoformat() if entry.valid_from else None,
        "valid_to": entry.valid_to.isoformat() if entry.valid_to else None,
        "active": entry.active,
    }


def get_entry(session: Session, entry_id: int) -> KnowledgeEntry:
    entry = session.get(KnowledgeEntry, entry_id)
    if entry is None:
        raise NotFound(f"找不到知识库条目 {entry_id}", entry_id=entry_id)
    return entry


def create_entry(session: Session, *, draft: EntryDraft, by: str, now: datetime | None = None) -> KnowledgeEntry:
    clean = draft.check()
    moment = now or utcnow()
    entry = KnowledgeEntry(
        question=clean.question, variants=clean.variants, answer=clean.answer, short_answer=clean.short_answer,
        tags=clean.tags, valid_from=clean.valid_from, valid_to=clean.valid_to, active=True,
        created_at=moment, updated_at=moment, updated_by=by,
    )  # fmt: skip
    session.add(entry)
    session.flush()
    _audit(session, entry, "created", by, None, moment)
    return entry


def update_entry(
    session: Session, *, entry_id: int, draft: EntryDraft, by: str, now: datetime | None = None
) -> KnowledgeEntry:
    clean = draft.check()
    entry = get_entry(session, entry_id)
    before = snapshot(entry)
    entry.question, entry.variants, entry.answer = clean.question, clean.variants, clean.answer
    entry.short_answer, entry.tags = clean.short_answer, clean.tags
    entry.valid_from, entry.valid_to = clean.valid_from, clean.valid_to
    if snapshot(entry) == before:
        return entry
    moment = now or utcnow()
    entry.updated_at, entry.updated_by = moment, by
    _audit(session, entry, "updated", by, before, moment)
    return entry


def set_active(
    session: Session, *, entry_id: int, active: bool, by: str, now: datetime | None = None
) -> KnowledgeEntry:
    entry = get_entry(session, entry_id)
    if entry.active == active:
        return entry
    before = snapshot(entry)
    moment = now or utcnow()
    entry.active, entry.updated_at, entry.updated_by = active, moment, by
    _audit(session, entry, "enabled" if active else "disabled", by, before, moment)
    return entry


def _audit(
    session: Session, entry: KnowledgeEntry, action: str, by: str, before: dict[str, Any] | None, at: datetime
) -> None:
    session.add(KnowledgeAudit(entry_id=entry.id, action=action, by=by, at=at, before=before, after=snapshot(entry)))
    session.flush()
    logger.info("knowledge entry %s %s by %s", entry.id, action, by)


def history(session: Session, *, entry_id: int) -> list[KnowledgeAudit]:
    stmt = select(KnowledgeAudit).where(KnowledgeAudit.entry_id == entry_id).order_by(KnowledgeAudit.id.desc())
    return list(session.scalars(stmt))


def valid_on(entry: KnowledgeEntry, day: date) -> bool:
    return (entry.valid_from is None or entry.valid_from <= day) and (entry.valid_to is None or day <= entry.valid_to)


def list_entries(
    session: Session, *, query: str = "", include_inactive: bool = True, limit: int = 500
) -> list[KnowledgeEntry]:
    stmt = select(KnowledgeEntry).order_by(KnowledgeEntry.id).limit(limit)
    if not include_inactive:
        stmt = stmt.where(KnowledgeEntry.active.is_(True))
    words = query.strip()
    if words:
        like = f"%{words}%"
        stmt = stmt.where(or_(KnowledgeEntry.question.like(like), KnowledgeEntry.answer.like(like)))
    return list(session.scalars(stmt))


def usable_entries(session: Session, *, day: date) -> list[KnowledgeEntry]:
    """Active entries valid on `day` (what the bot and the canned replies may use)."""
    return [e for e in list_entries(session, include_inactive=False, limit=5000) if valid_on(e, day)]


def version(session: Session) -> tuple[int, str]:
    """Changes whenever an entry is added or changed (for caches of the search index)."""
    count, latest = session.execute(select(func.count(KnowledgeEntry.id), func.max(KnowledgeEntry.updated_at))).one()
    return int(count or 0), str(latest)


_FOLD = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def _unfold(text: str) -> str:
    """YAML folds long lines with a space; Chinese text has none next to a Chinese character."""
    return _FOLD.sub("", str(text).strip())


def load_entries(session: Session, *, path: Path = PILOT_FILE, by: str = "system") -> int:
    """Read the pilot's knowledge file into an empty knowledge base; returns how many were added."""
    if session.scalar(select(func.count(KnowledgeEntry.id))):
        return 0
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in data["entries"]:
        draft = EntryDraft(
            question=item["question"], answer=_unfold(item["answer"]), short_answer=_unfold(item["short"]),
            variants=list(item.get("variants") or []), tags=list(item.get("tags") or []),
            valid_from=item.get("valid_from"), valid_to=item.get("valid_to"),
        )  # fmt: skip
        create_entry(session, draft=draft, by=by)
    return len(data["entries"])
