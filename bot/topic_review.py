"""`flask --app wsgi nlu review`: analysts confirm or correct machine-coded topics.

The analyst sees the stored text, which is masked (phone numbers, e-mail addresses, ID
numbers); it is masked again on display, so a row from before masking shows nothing either.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from bot import repository
from bot.clock import utcnow
from nlu.review import review
from survey_flows.redaction import mask_text


def review_topics(sessions: sessionmaker[Session], limit: int) -> int:
    """Walk the analyst through unreviewed topic codes; store each decision; return how many."""
    with sessions() as session, session.begin():
        pending = repository.topic_codes_for_review(session, limit)
        if not pending:
            print("nothing to review: every coded improvement answer has been reviewed")
            return 0
        items = [
            (code.id, mask_text(answer.raw_text or ""), code.topic, code.confidence)
            for code, answer in pending
        ]
        decisions = dict(review(items, input, print))
        now = utcnow()
        for code, _answer in pending:
            if code.id in decisions:
                if decisions[code.id] != code.topic:
                    code.topic, code.source = decisions[code.id], "analyst"
                code.reviewed_at = now
    return len(decisions)
