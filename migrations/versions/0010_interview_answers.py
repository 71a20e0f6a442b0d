"""interview answers: each interview's current answers packed beside its record

interview_answers holds, per interview, its current answers in answer order, packed in a
fixed binary layout (analytics.records.ANSWER_LAYOUT). The long microdata export reads one
such row per interview instead of each answer row. record_labels also names answer labels
and methods. The backfill builds every record with analytics.records.rebuild_every_record,
which empties the derived tables and calls rebuild_records, the function the bot and the
simulator call as answers change, so the rows it writes are the ones they would write. (A
later migration that changes the records' columns must move this call to itself: it
writes today's columns.)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-27 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "interview_answers",
        sa.Column("conversation_id", Id, nullable=False),
        sa.Column("answers", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_interview_answers_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_interview_answers")),
    )
    # Imported here, not at the top: the rest of the chain must not need the analytics.
    from analytics.records import rebuild_every_record

    rebuild_every_record(op.get_bind())


def downgrade() -> None:
    op.drop_table("interview_answers")
    op.execute("DELETE FROM record_labels WHERE kind IN ('label', 'method')")
