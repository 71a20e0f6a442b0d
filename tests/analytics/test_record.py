"""Each respondent's row is one interview's record: the latest, routed, nothing superseded."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import insert

from analytics.codebook import NOT_ASKED
from analytics.load import Period, csv_chunks, database_chunks
from analytics.tidy import collect
from bot.models import Answer, Conversation, Respondent
from tests.analytics.helpers import answer, frame

FIRST = datetime(2025, 3, 10, 9, 0)
SECOND = FIRST + timedelta(days=400)


def _interview(connection, respondent: int, key: str, when: datetime, rows: list[dict]) -> None:
    conversation = connection.execute(
        insert(Conversation.__table__).returning(Conversation.__table__.c.id),
        {
            "respondent_id": respondent,
            "flow_id": "sdg16_6_2",
            "flow_version": "1",
            "lang": "en",
            "status": "completed",
            "state": {},
            "started_at": when,
            "last_input_at": when,
        },
    ).scalar_one()
    for row in rows:
        row.pop("id")
        row.update(conversation_id=conversation, answered_at=when)
        row.setdefault("superseded_at", None)
    connection.execute(insert(Answer.__table__), rows)


def test_the_database_gives_the_latest_interview_without_superseded_answers(engine):
    with engine.begin() as connection:
        person = connection.execute(
            insert(Respondent.__table__).returning(Respondent.__table__.c.id),
            {"key": "k", "page_id": "p", "psid": "s", "created_at": FIRST},
        ).scalar_one()
        _interview(
            connection,
            person,
            "k",
            FIRST,
            [answer("k", "hc_need", 1), answer("k", "hc_got_care", 1), answer("k", "hc_overall", 3),
             answer("k", "ed_children", 1), answer("k", "sex", 2)],
        )  # fmt: skip
        _interview(
            connection,
            person,
            "k",
            SECOND,
            [answer("k", "hc_need", 1, superseded_at=SECOND),
             answer("k", "hc_got_care", 1, superseded_at=SECOND),
             answer("k", "hc_overall", 0, superseded_at=SECOND),
             answer("k", "hc_need", 2)],
        )  # fmt: skip
    everything = collect(database_chunks(engine, Period()), Period())
    record = everything.codes.loc["k"]
    assert record["hc_need"] == 2  # the second interview, as it stands after the restart
    assert record.get("hc_overall", NOT_ASKED) == NOT_ASKED  # the abandoned rating: not counted
    assert record.get("ed_children", NOT_ASKED) == NOT_ASKED  # no merge with the first interview
    assert pd.isna(everything.respondents.loc["k", "sex"])
    first_year = Period(date(2025, 1, 1), date(2025, 12, 31))
    earlier = collect(database_chunks(engine, first_year), first_year).codes.loc["k"]
    assert (earlier["hc_overall"], earlier["ed_children"]) == (3, 1)


def test_an_exported_csv_gives_the_latest_interview_too(tmp_path):
    rows = [
        answer("k", "hc_need", 1, conversation_id=1, answered_at=FIRST),
        answer("k", "hc_got_care", 1, conversation_id=1, answered_at=FIRST),
        answer("k", "hc_overall", 3, conversation_id=1, answered_at=FIRST),
        answer("k", "hc_need", 2, conversation_id=2, answered_at=SECOND),
    ]
    path = tmp_path / "answers.csv"
    frame(rows).to_csv(path, index=False)
    record = collect(csv_chunks(path, Period()), Period()).codes.loc["k"]
    assert (record["hc_need"], record.get("hc_overall", NOT_ASKED)) == (2, NOT_ASKED)


def test_answers_off_the_route_of_the_final_answers_are_not_counted():
    rows = [
        answer("moved", "hc_need", 2),
        answer("moved", "hc_overall", 0),  # left from a route the person left
        answer("stayed", "hc_need", 1),
        answer("stayed", "hc_got_care", 1),
        answer("stayed", "hc_overall", 3),
        answer("without", "hc_need", 1),
        answer("without", "hc_got_care", 2),
        answer("without", "hc_any_care", 2),
        answer("without", "hc_overall", 2),  # not applicable: they got no care at all
    ]
    codes = collect([frame(rows)], Period()).codes["hc_overall"]
    assert codes.to_dict() == {"moved": NOT_ASKED, "stayed": 3, "without": 97}
