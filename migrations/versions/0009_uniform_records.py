"""uniform records: what the long export may take once per interview and once per question

record_questions learns the service area, item and attribute each question's first answer was
stored with, and interview_records whether every current answer of the interview has the
record's language and department and its question's parts. The long microdata export then
reads those once, not on each of tens of millions of answers. The records are rebuilt by
migration 0010, which changes them again: the rebuild writes today's columns.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PARTS = (("service_area", 40), ("item", 20), ("attribute", 40))


def upgrade() -> None:
    with op.batch_alter_table("record_questions") as table:
        for name, length in _PARTS:
            table.add_column(sa.Column(name, sa.String(length=length), nullable=True))
    with op.batch_alter_table("interview_records") as table:
        table.add_column(
            sa.Column("uniform", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("interview_records") as table:
        table.drop_column("uniform")
    with op.batch_alter_table("record_questions") as table:
        for name, _ in reversed(_PARTS):
            table.drop_column(name)
