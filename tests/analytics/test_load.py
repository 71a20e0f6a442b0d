"""The database loader streams the period's answers, leaves test rows out, reads paradata."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import func, insert, select

from analytics.errors import InputError
from analytics.load import (
    Period,
    count_answers,
    csv_chunks,
    database_chunks,
    load_conversations,
    load_topic_counts,
)
from analytics.report import completion
from analytics.synthetic_store import insert_synthetic
from analytics.tidy import collect
from bot.models import Answer, Conversation, Decline, Respondent
from tests.analytics.helpers import answer, register_departments

START = datetime(2026, 3, 2)


def add_real_respondent(engine, key: str, when: datetime, sex: int, overall: int) -> None:
    """Store one non-test respondent with one demographic and one rating answer."""
    with engine.begin() as connection:
        respondent = connection.execute(
            insert(Respondent.__table__).returning(Respondent.__table__.c.id),
            {"key": key, "page_id": "p", "psid": "secret-psid", "created_at": when},
        ).scalar_one()
        conversation = connection.execute(
            insert(Conversation.__table__).returning(Conversation.__table__.c.id),
            {
                "respondent_id": respondent,
                "flow_id": "f",
                "flow_version": "2",
                "lang": "en",
                "status": "completed",
                "state": {},
                "started_at": when,
                "last_input_at": when,
                "completed_at": when + timedelta(minutes=9),
            },
        ).scalar_one()
        rows = [
            answer(key, "sex", sex, answered_at=when - timedelta(days=40)),
            answer(key, "hc_overall", overall, answered_at=when),
        ]
        for row in rows:
            row.pop("id")
            row["conversation_id"] = conversation
        connection.execute(insert(Answer.__table__), rows)


def test_test_rows_are_left_out_unless_asked_for(engine):
    register_departments(engine)
    simulated = insert_synthetic(engine, 40, seed=2, start=START, days=7, batch_size=15)
    add_real_respondent(engine, "real", START + timedelta(days=1), sex=2, overall=3)
    period = Period(date(2026, 3, 2), date(2026, 3, 8))

    real = collect(database_chunks(engine, period, chunk_rows=500), period)
    assert list(real.respondents.index) == ["real"]
    assert real.respondents.loc["real", "sex"] == 2  # demographics from an earlier interview

    everyone = collect(database_chunks(engine, period, include_test=True, chunk_rows=500), period)
    assert len(everyone) == simulated + 1  # those who declined or were under 18 left no record
    total = count_answers(engine, period, include_test=True)
    assert total == sum(len(c) for c in database_chunks(engine, period, True, chunk_rows=97))
    with engine.connect() as connection:
        stored = connection.scalar(select(func.count()).select_from(Answer))
    assert total == stored  # every simulated answer falls inside the period


def test_conversations_and_topics_of_the_period_load_with_the_test_rule(engine):
    register_departments(engine)
    insert_synthetic(engine, 30, seed=3, start=START, days=7, batch_size=30)
    add_real_respondent(engine, "real", START, sex=1, overall=2)
    period = Period(date(2026, 3, 2), date(2026, 3, 8))

    conversations = load_conversations(engine, period)
    assert list(conversations["status"]) == ["completed"]
    assert (conversations["completed_at"] - conversations["started_at"]).iloc[0] == pd.Timedelta(
        minutes=9
    )
    simulated = load_conversations(engine, period, include_test=True)
    ends = {"completed", "expired", "stopped", "screened_out"}
    assert len(simulated) == 31 and set(simulated["status"]) <= ends
    assert load_topic_counts(engine, period).empty
    assert load_topic_counts(engine, period, include_test=True)["answers"].sum() > 0


def test_refusals_of_consent_count_as_declined_conversations_of_their_day(engine):
    add_real_respondent(engine, "real", START, sex=1, overall=2)
    with engine.begin() as connection:
        for day, is_test in ((date(2026, 3, 2), False), (date(2026, 3, 8), False),
                             (date(2026, 3, 9), False), (date(2026, 3, 3), True)):  # fmt: skip
            connection.execute(
                insert(Decline).values(
                    department="moh", consent_version="1", declined_on=day, is_test=is_test
                )
            )
    conversations = load_conversations(engine, Period(date(2026, 3, 2), date(2026, 3, 8)))
    assert sorted(conversations["status"]) == ["completed", "declined", "declined"]
    status, _breaks = completion(conversations)
    assert dict(zip(status["status"], status["n"], strict=True)) == {"declined": 2, "completed": 1}


def test_a_csv_without_the_contract_columns_is_refused(tmp_path):
    path = tmp_path / "answers.csv"
    pd.DataFrame({"respondent_key": ["a"], "code": [1]}).to_csv(path, index=False)
    with pytest.raises(InputError, match="lacks the column"):
        list(csv_chunks(path, Period()))
