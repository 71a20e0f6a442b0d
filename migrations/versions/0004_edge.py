"""edge: malformed events kept apart, worker heartbeats, masked free text

- `malformed_events`: webhook items that did not validate, as raw JSON with the reason.
- `worker_heartbeats`: the NLU state each worker last saw, for /healthz in the web process.
- `answers.raw_text_unmasked`: the typed original, kept only where the retention setting
  allows. Existing free text is masked here; the originals move to the new column, and the
  worker's retention sweep drops them unless UNMASKED_TEXT_RETENTION_DAYS keeps them.
  The typed text of processed inbox events is masked too (it is no longer needed).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 04:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from survey_flows.redaction import mask_text

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000
UNMASKED = sa.text("raw_text_unmasked IS NOT NULL")


def upgrade() -> None:
    op.create_table(
        "malformed_events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("page_id", sa.String(length=64), nullable=True),
        sa.Column("psid", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_malformed_events")),
        sa.UniqueConstraint("digest", name=op.f("uq_malformed_events_digest")),
    )
    with op.batch_alter_table("malformed_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_malformed_events_received_at"), ["received_at"], unique=False
        )
    op.create_table(
        "worker_heartbeats",
        sa.Column("worker", sa.String(length=120), nullable=False),
        sa.Column("nlu", sa.String(length=20), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("worker", name=op.f("pk_worker_heartbeats")),
    )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("raw_text_unmasked", sa.Text(), nullable=True))
        batch_op.create_index(
            "ix_answers_unmasked_kept",
            ["answered_at"],
            unique=False,
            postgresql_where=UNMASKED,
            sqlite_where=UNMASKED,
        )
    _mask_answers()
    _mask_processed_inbox()


def _mask_answers() -> None:
    bind = op.get_bind()
    answers = sa.table(
        "answers",
        sa.column("id", sa.BigInteger()),
        sa.column("raw_text", sa.Text()),
        sa.column("raw_text_unmasked", sa.Text()),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(answers.c.id, answers.c.raw_text)
            .where(answers.c.id > last, answers.c.raw_text.is_not(None))
            .order_by(answers.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for answer_id, typed in rows:
            masked = mask_text(typed)
            if masked != typed:
                bind.execute(
                    answers.update()
                    .where(answers.c.id == answer_id)
                    .values(raw_text=masked, raw_text_unmasked=typed)
                )
        last = rows[-1][0]


def _mask_processed_inbox() -> None:
    bind = op.get_bind()
    inbox = sa.table(
        "inbox_events",
        sa.column("id", sa.BigInteger()),
        sa.column("event", sa.JSON()),
        sa.column("processed_at", sa.DateTime()),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(inbox.c.id, inbox.c.event)
            .where(inbox.c.id > last, inbox.c.processed_at.is_not(None))
            .order_by(inbox.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        for event_id, event in rows:
            typed = event.get("text") if isinstance(event, dict) else None
            if isinstance(typed, str) and mask_text(typed) != typed:
                bind.execute(
                    inbox.update()
                    .where(inbox.c.id == event_id)
                    .values(event={**event, "text": mask_text(typed)})
                )
        last = rows[-1][0]


def downgrade() -> None:
    # Originals still kept come back; those the retention sweep dropped are gone for good.
    answers = sa.table(
        "answers", sa.column("raw_text", sa.Text()), sa.column("raw_text_unmasked", sa.Text())
    )
    op.get_bind().execute(
        answers.update()
        .where(answers.c.raw_text_unmasked.is_not(None))
        .values(raw_text=answers.c.raw_text_unmasked)
    )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_answers_unmasked_kept", postgresql_where=UNMASKED, sqlite_where=UNMASKED
        )
        batch_op.drop_column("raw_text_unmasked")
    op.drop_table("worker_heartbeats")
    with op.batch_alter_table("malformed_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_malformed_events_received_at"))
    op.drop_table("malformed_events")
