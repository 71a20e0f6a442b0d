"""interview records: one narrow row per interview for the analyses, beside its answers

interview_records holds each interview's record as the analyses count it (the last current
answer to each question, one byte per question slot, and the paradata), interview_values its
numeric answers; record_questions and record_labels number the question ids, departments,
languages and questionnaire versions the records refer to. Migration 0009 builds the record
of every stored interview (it once happened here, but the records' columns have changed
since: only the last migration that changes them may call today's code to write them).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "interview_records",
        sa.Column("conversation_id", Id, nullable=False),
        sa.Column("respondent_id", sa.BigInteger(), nullable=False),
        sa.Column("first_at", sa.DateTime(), nullable=True),
        sa.Column("last_at", sa.DateTime(), nullable=True),
        sa.Column("department", sa.Integer(), nullable=True),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.Column("exact", sa.Boolean(), nullable=False),
        sa.Column("earlier_interviews", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_interview_records_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_interview_records")),
    )
    op.create_table(
        "interview_values",
        sa.Column("conversation_id", Id, nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_interview_values_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", "slot", name=op.f("pk_interview_values")),
    )
    op.create_table(
        "record_questions",
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("slot", name=op.f("pk_record_questions")),
        sa.UniqueConstraint("question_id", name=op.f("uq_record_questions_question_id")),
    )
    op.create_table(
        "record_labels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=250), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_labels")),
        sa.UniqueConstraint("kind", "name", name="uq_record_labels_kind_name"),
    )


def downgrade() -> None:
    for table in ("record_labels", "record_questions", "interview_values", "interview_records"):
        op.drop_table(table)
