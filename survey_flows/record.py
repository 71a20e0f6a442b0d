"""What one respondent interview's record holds: the rule shared by the engine and analytics.

The engine asks questions by these rules, and the analytics rebuild each interview's record
by the same ones, so a published table counts exactly the answers the survey's routing
would have asked for given the person's final answers:

- ``applies`` / ``not_applicable``: a question is on the path when its ``when`` holds and
  its ``unless`` does not; on the path, ``na_when`` makes it "not applicable" (97).
- ``path``: re-apply that routing, in questionnaire order, to an interview's final answers.
  An answer to a question off that path (left over from a route the person later changed)
  is not part of the record.
- ``RESTART_KEEPS``: a restart keeps consent and language; every other answer given before
  it is retired (kept in the answers table, marked superseded, never counted).
- ``is_new_interview``: a person interviewed less than the reference period ago (12 months)
  is not interviewed again; after it, a new interview is a new record. Where a period holds
  two interviews of one person, the latest one is their record (docs/analytics.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from datetime import datetime, timedelta

from survey_flows.definition import Condition, Flow, Question

NOT_APPLICABLE = 97
RESTART_KEEPS = ("consent", "language")


def _all(condition: Condition, answers: Mapping[str, int | None], unknown: Set[str]) -> bool:
    return all(answers.get(q) in codes or q in unknown for q, codes in condition.items())


def _any(condition: Condition, answers: Mapping[str, int | None], unknown: Set[str]) -> bool:
    return any(answers.get(q) in codes and q not in unknown for q, codes in condition.items())


def applies(
    question: Question, answers: Mapping[str, int | None], unknown: Set[str] = frozenset()
) -> bool:
    """Return whether routing puts this question on the path, given the earlier answers.

    A condition on a question in ``unknown`` is not judged (see ``path``).
    """
    if question.when and not _all(question.when, answers, unknown):
        return False
    return not (question.unless and _any(question.unless, answers, unknown))


def not_applicable(
    question: Question, answers: Mapping[str, int | None], unknown: Set[str] = frozenset()
) -> bool:
    """Return whether this question, on the path, is recorded 97 (not applicable)."""
    return bool(question.na_when and _any(question.na_when, answers, unknown))


def path(
    flow: Flow, answers: Mapping[str, int | None], unknown: Set[str] = frozenset()
) -> dict[str, int | None]:
    """Return the record that routing gives these final answers: question id -> code.

    Questions off the path are left out. A question on the path maps to its answer (None
    when it has none yet, or an answer without a code), or to 97 where ``na_when`` holds.
    Conditions only look at earlier questions, so the questionnaire order is enough (the
    drawn block order does not change the path).

    ``unknown`` names questions the record holds no row for at all, in rows that did not
    come through this flow's engine (a hand-made file, an earlier questionnaire version):
    a condition on them is not judged, so their other answers are kept as given. The engine
    itself never stores an answer whose conditions it could not judge.
    """
    record: dict[str, int | None] = {}
    for question in flow.questions:
        if question.optional and question.optional not in flow.optional_parts:
            continue
        if not applies(question, record, unknown):
            continue
        if not_applicable(question, record, unknown):
            record[question.id] = NOT_APPLICABLE
        else:
            record[question.id] = answers.get(question.id)
    return record


def is_new_interview(flow: Flow, last_completed_at: datetime | None, now: datetime) -> bool:
    """Return whether a person may be interviewed now (nobody within the reference period)."""
    if last_completed_at is None:
        return True
    return now - last_completed_at >= timedelta(days=flow.reference_period_days)
