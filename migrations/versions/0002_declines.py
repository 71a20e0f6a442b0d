"""declines: an anonymous tally of refused consent

A person who declines is now erased like one who asks for deletion; only this tally
(department, day, consent version) remains, for response rates.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 09:19:49
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "declines",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("department", sa.String(length=250), nullable=True),
        sa.Column("consent_version", sa.String(length=40), nullable=False),
        sa.Column("declined_on", sa.Date(), nullable=False),
        sa.Column("is_test", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_declines")),
    )
    with op.batch_alter_table("declines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_declines_declined_on"), ["declined_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("declines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_declines_declined_on"))
    op.drop_table("declines")
