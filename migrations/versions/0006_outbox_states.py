"""outbox states, page pauses, interviews the bot ended

Delivery claims, sends and marks each outbox row in transactions of its own, so a row now
carries an explicit status (queued, sending, unconfirmed, held, sent, failed), when it was
claimed, the end of the person's 24-hour window, why it was given up, and how often it was
resent after an unknown outcome. page_pauses holds a Page's rate-limit or outage pause, shared
by every worker. conversations.end_reason says why the bot closed an interview.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=20), server_default="queued", nullable=False)
        )
        batch_op.add_column(sa.Column("claimed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("failure_reason", sa.String(length=40), nullable=True))
        batch_op.add_column(
            sa.Column("unknown_errors", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("resends", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("echoed_at", sa.DateTime(), nullable=True))
        batch_op.drop_index("ix_outbox_pending")
    window = (
        "datetime(created_at, '+24 hours')"
        if op.get_bind().dialect.name == "sqlite"
        else "created_at + interval '24 hours'"
    )
    op.execute(
        "UPDATE outbox_messages SET status = CASE WHEN sent_at IS NOT NULL THEN 'sent' "
        "WHEN failed_at IS NOT NULL THEN 'failed' ELSE 'queued' END, "
        f"expires_at = {window}"
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.alter_column("expires_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index("ix_outbox_person", ["page_id", "psid", "id"], unique=False)

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("end_reason", sa.String(length=60), nullable=True))

    op.create_table(
        "page_pauses",
        sa.Column("page_id", sa.String(length=64), nullable=False),
        sa.Column("paused_until", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("strikes", sa.Integer(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("page_id", name=op.f("pk_page_pauses")),
    )


def downgrade() -> None:
    op.drop_table("page_pauses")
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_column("end_reason")
    # Undelivered rows of every kind (queued, sending, unconfirmed, held) become 0002's one
    # "not sent yet" state: sent_at and failed_at, which 0003 keeps up to date, say the rest.
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_person")
        batch_op.drop_index("ix_outbox_due")
        batch_op.drop_column("echoed_at")
        batch_op.drop_column("resends")
        batch_op.drop_column("unknown_errors")
        batch_op.drop_column("failure_reason")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("status")
        batch_op.create_index(
            "ix_outbox_pending", ["sent_at", "failed_at", "next_attempt_at"], unique=False
        )
