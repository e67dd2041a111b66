"""knowledge: 取件码丢了怎么办 says what the service does (a tracking number re-sends the code
to the recipient's phone; a phone tail finds parcels only for its verified owner). A base
loaded from the pilot file before keeps the old answer, which offered a re-send by 手机尾号;
it is replaced only where staff have not edited it, with an audit row as the console writes.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-04 18:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUESTION = "取件码丢了怎么办"
OLD = (
    "说“查快递”并告诉我快递单号或手机尾号，我可以把取件码再发给您；也可以带身份证到服务站，报收件手机号取件。",
    "说“查快递”报单号或手机尾号可重发取件码；也可带身份证到服务站报手机号取件。",
)
NEW = (
    "取件码只短信发到收件人的手机上。说“查快递”并告诉我快递单号，我把取件码重新发到收件人手机"
    "（同一个快递一小时最多重发一次）；您是收件人的话，发您的11位手机号，验证后就能看到取件码。"
    "也可以带身份证到服务站，报收件手机号取件。",
    "说“查快递”报单号，取件码会重发到收件人手机；也可带身份证到服务站报手机号取件。",
)

entries = sa.table(
    "knowledge_entries",
    sa.column("id", sa.Integer),
    sa.column("question", sa.String),
    sa.column("variants", sa.JSON),
    sa.column("answer", sa.Text),
    sa.column("short_answer", sa.String),
    sa.column("tags", sa.JSON),
    sa.column("valid_from", sa.Date),
    sa.column("valid_to", sa.Date),
    sa.column("active", sa.Boolean),
    sa.column("updated_at", sa.DateTime),
    sa.column("updated_by", sa.String),
)
audit = sa.table(
    "knowledge_audit",
    sa.column("entry_id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("by", sa.String),
    sa.column("at", sa.DateTime),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
)


def _snapshot(row: sa.Row, answer: str, short: str) -> dict[str, object]:
    return {
        "question": row.question,
        "variants": list(row.variants or []),
        "answer": answer,
        "short_answer": short,
        "tags": list(row.tags or []),
        "valid_from": row.valid_from.isoformat() if row.valid_from else None,
        "valid_to": row.valid_to.isoformat() if row.valid_to else None,
        "active": row.active,
    }


def _replace(old: tuple[str, str], new: tuple[str, str]) -> None:
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(entries).where(
            entries.c.question == QUESTION, entries.c.answer == old[0], entries.c.short_answer == old[1]
        )
    ).all()
    now = datetime.now(UTC).replace(tzinfo=None)  # UTCDateTime keeps naive UTC
    for row in rows:
        bind.execute(
            entries.update()
            .where(entries.c.id == row.id)
            .values(answer=new[0], short_answer=new[1], updated_at=now, updated_by="system")
        )
        bind.execute(
            audit.insert().values(
                entry_id=row.id, action="updated", by="system", at=now,
                before=_snapshot(row, *old), after=_snapshot(row, *new),
            )
        )  # fmt: skip


def upgrade() -> None:
    _replace(OLD, NEW)


def downgrade() -> None:
    _replace(NEW, OLD)
