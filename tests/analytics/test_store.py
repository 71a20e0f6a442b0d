"""The record store gives exactly the tables the answer rows give, on SQLite and PostgreSQL.

``analytics.store.load_survey`` reads one record per interview; the reference is the answer
rows read through ``database_chunks`` and reduced by ``collect``. The data mixes simulated
interviews (records written by the simulator) with hand-made ones that exercise the record
rule: a restart, a person interviewed twice, an interview across the period's edge, test
rows, an interview still in progress, one whose answers were stored without a record, and
an inexact record.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from analytics.breakdowns import STANDARD
from analytics.codebook import NOT_ASKED
from analytics.estimates import indicator_tables
from analytics.load import Period, database_chunks
from analytics.records import rebuild_records
from analytics.scope import Scope
from analytics.simulate import population_margins
from analytics.store import load_survey
from analytics.synthetic_store import insert_synthetic
from analytics.tidy import SurveyData, collect
from analytics.weights import rake
from bot import repository
from bot.models import Answer, Conversation, InterviewRecord, Respondent
from tests.analytics.helpers import answer, register_departments

START = datetime(2026, 3, 2)
EDGE = datetime(2026, 3, 20, 23, 50)  # an interview that runs past midnight into the 21st
PERIODS = [
    Period(),
    Period(date(2026, 3, 1), date(2026, 3, 20)),
    Period(date(2026, 3, 21), date(2026, 4, 30)),
]


def _person(connection, key: str) -> int:
    return connection.execute(
        insert(Respondent.__table__).returning(Respondent.__table__.c.id),
        {"key": key, "page_id": "p", "psid": f"psid-{key}", "created_at": START},
    ).scalar_one()


def _interview(
    connection,
    person: int,
    key: str,
    when: datetime,
    rows: list[dict],
    department: str | None = "dept-a",
    status: str = "completed",
    is_test: bool = False,
) -> int:
    conversation = connection.execute(
        insert(Conversation.__table__).returning(Conversation.__table__.c.id),
        {
            "respondent_id": person,
            "flow_id": "sdg16_6_2",
            "flow_version": "1",
            "lang": "en",
            "department": department,
            "status": status,
            "state": {},
            "started_at": when,
            "last_input_at": when,
            "is_test": is_test,
        },
    ).scalar_one()
    for minute, row in enumerate(rows):
        row.pop("id")
        row.setdefault("superseded_at", None)
        row["department"] = row["department"] or department
        row["is_test"] = is_test
        row.update(conversation_id=conversation)
        if row["answered_at"] == answer(key, "sex", 1)["answered_at"]:
            row["answered_at"] = when + timedelta(minutes=minute)
    if rows:
        connection.execute(insert(Answer.__table__), rows)
    return conversation


def _ratings(key: str, codes: tuple[int, ...], **extra) -> list[dict]:
    questions = ("hc_need", "hc_got_care", "hc_accessibility", "hc_affordability", "hc_overall")
    return [answer(key, q, c, **extra) for q, c in zip(questions, codes, strict=True)]


def _fill(engine) -> None:
    register_departments(engine, [("dept-a", "healthcare"), ("dept-b", "healthcare")])
    insert_synthetic(engine, 400, 5, START, days=40, batch_size=150)
    recorded: list[int] = []
    with engine.begin() as connection:
        # A restart: the first answers are superseded, the later ones count.
        person = _person(connection, "restart")
        recorded.append(
            _interview(
                connection,
                person,
                "restart",
                START + timedelta(days=3),
                [
                    answer("restart", "sex", 1, superseded_at=START),
                    *_ratings("restart", (1, 1, 0, 0, 0), superseded_at=START),
                    answer("restart", "sex", 2),
                    *_ratings("restart", (1, 1, 3, 3, 3)),
                ],
            )
        )
        # Two interviews of one person, through two departments, weeks apart.
        person = _person(connection, "twice")
        for when, department, code in (
            (START, "dept-a", 0),
            (START + timedelta(days=25), "dept-b", 3),
        ):
            recorded.append(
                _interview(
                    connection,
                    person,
                    "twice",
                    when,
                    [answer("twice", "sex", 1), *_ratings("twice", (1, 1, code, code, code))],
                    department=department,
                )
            )
        # Across the edge of the first period: demographics before midnight, ratings after.
        person = _person(connection, "edge")
        rows = [answer("edge", "sex", 2, answered_at=EDGE)] + [
            {**row, "answered_at": EDGE + timedelta(minutes=20 + k)}
            for k, row in enumerate(_ratings("edge", (1, 1, 2, 1, 3)))
        ]
        recorded.append(_interview(connection, person, "edge", EDGE, rows))
        # Test rows only.
        person = _person(connection, "tester")
        recorded.append(
            _interview(
                connection,
                person,
                "tester",
                START,
                _ratings("tester", (1, 1, 3, 3, 3)),
                is_test=True,
            )
        )
        # In progress: two answers so far, recorded as the bot does after each one.
        person = _person(connection, "busy")
        recorded.append(
            _interview(
                connection, person, "busy", START + timedelta(days=30),
                [answer("busy", "sex", 1), answer("busy", "hc_need", 1)], status="active",
            )
        )  # fmt: skip
        # Inexact: answers under two questionnaire versions in one interview.
        person = _person(connection, "mixed")
        rows = _ratings("mixed", (1, 1, 2, 2, 2))
        rows[-1]["flow_version"] = "2"
        recorded.append(_interview(connection, person, "mixed", START, rows))
        # Stored without a record (not through the bot): read from its answers.
        person = _person(connection, "bare")
        _interview(connection, person, "bare", START, _ratings("bare", (1, 1, 0, 1, 2)))
        rebuild_records(connection, recorded)


def _same(old: SurveyData, new: SurveyData) -> None:
    for part in ("respondents", "codes", "values"):
        pd.testing.assert_frame_equal(getattr(old, part), getattr(new, part), check_exact=True)
    assert old.flow_versions == new.flow_versions


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the frame with categories as plain values (a subset keeps all of the whole's)."""
    return frame.astype({name: object for name in frame.select_dtypes("category").columns})


def _like(found: pd.DataFrame, expected: pd.DataFrame, part: str) -> pd.DataFrame:
    """Return ``found`` with the columns of ``expected``: a question nobody in the scope
    answered has no column of its own, as if it had never been stored."""
    fill = {"codes": NOT_ASKED, "values": np.nan}.get(part)
    return found.reindex(columns=expected.columns, fill_value=fill).astype(expected.dtypes)


def _tables(data: SurveyData) -> pd.DataFrame:
    margins = population_margins()
    weights, _ = rake(data.respondents, margins[margins["dimension"] == "sex"])
    return pd.concat(indicator_tables(data, list(STANDARD), weights), ignore_index=True)


@pytest.mark.parametrize("include_test", [False, True])
def test_the_records_give_the_answers_tables_exactly(engine, include_test):
    _fill(engine)
    for period in PERIODS:
        old = collect(database_chunks(engine, period, include_test), period)
        new = load_survey(engine, period, include_test)
        _same(old, new)
        pd.testing.assert_frame_equal(_tables(old), _tables(new), check_exact=True)


def test_a_department_scope_keeps_each_persons_latest_interview(engine):
    _fill(engine)
    for period in PERIODS:
        everyone = collect(database_chunks(engine, period), period)
        for codes in (["dept-a"], ["dept-b"], ["dept-a", "dept-b"]):
            scope = Scope.of(codes)
            expected = scope.respondents(everyone)
            found = load_survey(engine, period, scope=scope)
            for part in ("respondents", "codes", "values"):
                pd.testing.assert_frame_equal(
                    _plain(getattr(expected, part)),
                    _plain(_like(getattr(found, part), getattr(expected, part), part)),
                    check_exact=True,
                    check_index_type=False,
                )
    # The person interviewed twice counts once, with the later interview, in dept-b only.
    assert "twice" not in load_survey(engine, Period(), scope=Scope.of(["dept-a"])).codes.index
    later = load_survey(engine, Period(), scope=Scope.of(["dept-b"])).codes.loc["twice"]
    assert later["hc_overall"] == 3


def _as_bot_rows(conversation: int, rows: list[dict]) -> list[dict]:
    return [
        {k: v for k, v in row.items() if k != "id"} | {"conversation_id": conversation}
        for row in rows
    ]


def test_the_bot_keeps_the_record_in_step_with_the_answers(engine):
    with engine.begin() as connection:
        person = _person(connection, "k")
        conversation = _interview(connection, person, "k", START, [])
    with Session(engine) as session, session.begin():
        repository.add_answers(session, _as_bot_rows(conversation, _ratings("k", (1, 1, 0, 0, 0))))
    assert load_survey(engine, Period()).codes.loc["k", "hc_overall"] == 0
    with Session(engine) as session, session.begin():  # a restart, then a new first answer
        repository.supersede_answers(session, conversation, ["consent", "language"], START)
        repository.add_answers(session, _as_bot_rows(conversation, [answer("k", "hc_need", 2)]))
    codes = load_survey(engine, Period()).codes.loc["k"]
    assert codes["hc_need"] == 2 and "hc_overall" not in codes.index
    with Session(engine) as session, session.begin():
        respondent = session.get(Respondent, person)
        repository.erase_person(session, respondent.page_id, respondent.psid, respondent.key, 0)
    with engine.connect() as connection:
        assert connection.execute(select(InterviewRecord.conversation_id)).all() == []


def test_records_survive_a_rebuild_of_everything(engine):
    _fill(engine)
    before = load_survey(engine, Period(), include_test=True)
    with engine.begin() as connection:
        written = rebuild_records(connection)
        count = len(connection.execute(select(Conversation.id)).all())
    assert written == count
    _same(before, load_survey(engine, Period(), include_test=True))
    assert np.all(before.respondents.index == load_survey(engine, Period(), True).respondents.index)


def test_a_record_is_built_when_some_answer_times_have_no_fraction_of_a_second(engine):
    # PostgreSQL writes 13:47:01 beside 13:47:01.5; a whole second is one answer in a
    # thousand from Meta's millisecond timestamps, and it once failed the person's turn.
    stamps = [datetime(2026, 3, 2, 13, 47, 0, 500_000), datetime(2026, 3, 2, 13, 47, 1)]
    with engine.begin() as connection:
        person = _person(connection, "whole")
        rows = [
            answer("whole", q, 1, answered_at=t)
            for q, t in zip(("sex", "hc_need"), stamps, strict=True)
        ]
        late = datetime(2026, 3, 2, 13, 47, 2, 250_000)
        rows.append(answer("whole", "hc_overall", 2, asked_at=None, answered_at=late))
        conversation = _interview(connection, person, "whole", START, rows)
        assert rebuild_records(connection, [conversation]) == 1
    survey = load_survey(engine, Period())
    assert survey.codes.loc["whole", "hc_need"] == 1
    assert survey.respondents.loc["whole", "first_at"] == pd.Timestamp(stamps[0])
