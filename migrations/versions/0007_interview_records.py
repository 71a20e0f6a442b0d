"""one record per interview: superseded answers, screen-outs kept only as a tally

answers.superseded_at marks an answer that a restart abandoned: it stays stored but is never
counted. The backfill marks what the stored rows can show: in a conversation where the first
question after a restart (age_band) was answered more than once, every answer but consent
and language given before its latest answer was abandoned by a restart, and so is any
answer to a question answered again later in the same conversation.

declines.reason tells a refused consent ("declined") from a person screened out as under 18
("screened_out"). Screened-out people are not respondents: the answers of interviews that
ended at the screen are deleted (the conversation row stays to be counted, as before).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# survey_flows.record.RESTART_KEEPS, copied: a migration must not change when the code does.
KEPT = "('consent', 'language')"
FIRST_AFTER_RESTART = "age_band"


def upgrade() -> None:
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("superseded_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("declines", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reason", sa.String(length=20), server_default="declined", nullable=False)
        )
    op.execute(
        "UPDATE answers SET superseded_at = CURRENT_TIMESTAMP "
        f"WHERE question_id NOT IN {KEPT} AND ("
        " EXISTS (SELECT 1 FROM answers later"
        "  WHERE later.conversation_id = answers.conversation_id"
        "  AND later.question_id = answers.question_id AND later.id > answers.id)"
        " OR answers.answered_at < (SELECT max(restarted.answered_at) FROM answers restarted"
        "  WHERE restarted.conversation_id = answers.conversation_id"
        f"  AND restarted.question_id = '{FIRST_AFTER_RESTART}'"
        "  AND (SELECT count(*) FROM answers again"
        "   WHERE again.conversation_id = restarted.conversation_id"
        f"   AND again.question_id = '{FIRST_AFTER_RESTART}') > 1))"
    )
    screened = "SELECT id FROM conversations WHERE status = 'screened_out'"
    op.execute(
        "DELETE FROM topic_codes WHERE answer_id IN "
        f"(SELECT id FROM answers WHERE conversation_id IN ({screened}))"
    )
    op.execute(f"DELETE FROM answers WHERE conversation_id IN ({screened})")


def downgrade() -> None:
    # The deleted answers of screened-out people are not restored: they were never data.
    op.execute("DELETE FROM declines WHERE reason <> 'declined'")
    with op.batch_alter_table("declines", schema=None) as batch_op:
        batch_op.drop_column("reason")
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("superseded_at")
