"""On PostgreSQL the long microdata CSV comes from the server as Arrow batches (ADBC); it must
be, byte for byte, the file the generic path writes from answer rows, codebook included.

The stream carries the respondent key, questionnaire, test flag, language and department
once per interview, from its record, and a question's area, item and attribute once per
question, and each person's latest interview is chosen from the records on the client.
The data mix interviews with exact records, inexact ones, ones without a record, records
that cannot give those columns (a questionnaire name with two ``@``, a key that fills the
record's width with letters beyond ASCII), people interviewed more than once, and
interviews whose answers differ in language, department or a question's parts, or whose
every answer was abandoned.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pyarrow
import pytest
from click.testing import CliRunner
from sqlalchemy import delete, func, select, text, update

import analytics.long_copy
from analytics.commands import make_group
from analytics.errors import DatabaseError, NoDataError, OutputError
from analytics.load import Period, database_chunks
from analytics.long_copy import copy_long_csv
from analytics.microdata import write_long
from analytics.records import rebuild_records
from analytics.synthetic_store import insert_synthetic
from bot.models import Answer, Conversation, InterviewAnswers, InterviewRecord, Respondent
from tests.analytics.helpers import answer, register_departments
from tests.analytics.test_store import PERIODS, START, _fill, _interview, _person, _ratings


@pytest.fixture
def engine(postgres_engine):
    """These tests read through PostgreSQL's binary COPY, which SQLite does not have."""
    return postgres_engine


def _awkward(engine) -> None:
    """Rows that test the formatting: quotes and commas, fractions, blanks, microseconds,
    waits whose seconds are no exact double (a tenth, days and a millisecond), numbers whose
    shortest text has seventeen digits, and an empty label beside missing ones."""
    when = START + timedelta(days=4)
    asked = START + timedelta(days=4, hours=1)
    with engine.begin() as connection:
        person = _person(connection, "awkward")
        rows = [
            answer("awkward", "hc_need", 1, label='He said "fine", then left'),
            answer(
                "awkward",
                "hc_tc_hours",
                2,
                value=1 / 3,
                asked_at=asked,
                answered_at=asked + timedelta(seconds=0.1),
            ),
            answer(
                "awkward",
                "hc_tc_cost",
                1,
                value=0.1 + 0.2,
                asked_at=asked,
                answered_at=asked + timedelta(days=3, seconds=7, microseconds=1_001),
            ),
            answer("awkward", "sex", None, asked_at=None, department=None, label=""),
            answer("awkward", "hc_overall", 3, label="Agree\nmostly", value=2.75),
        ]
        _interview(connection, person, "awkward", when, rows, department=None)
        late = answer("awkward", "age_band", 2, answered_at=datetime(2026, 3, 9, 8, 1, 2, 345678))
        _interview(connection, person, "awkward", when, [late], is_test=True)
        # The same kinds of value in an interview with a record: read from its packed answers.
        key = "awkward-packed"
        rows = [
            answer(key, "sex", 1, label=""),
            answer(key, "hc_tc_hours", 2, value=1 / 3, label="Agree\nmostly"),
            answer(key, "hc_tc_cost", 1, value=0.1 + 0.2, label='He said "fine", then left'),
        ]
        recorded = _interview(connection, _person(connection, key), key, when, rows)
        rebuild_records(connection, [recorded])


def _unusable_records(engine) -> None:
    """Exact records whose questionnaire or key the export cannot take from the record."""
    when = START + timedelta(days=5)
    key = "é" * 64  # 128 bytes in UTF-8: a record keeps the first 64
    with engine.begin() as connection:
        recorded = []
        for person, name, flow_id in (("at", "at-flow", "sdg@16"), ("wide", key, "sdg16_6_2")):
            rows = [answer(name, q, 1, flow_id=flow_id) for q in ("hc_need", "sex")]
            recorded.append(_interview(connection, _person(connection, person), name, when, rows))
        rebuild_records(connection, recorded)


def _latest_interview_cases(engine) -> None:
    """People with several interviews: test rows, records and strays mixed, two keys in one."""
    with engine.begin() as connection:
        person = _person(connection, "retest")
        recorded = [
            _interview(connection, person, "retest", START + timedelta(days=day), rows, **flag)
            for day, rows, flag in (
                (6, _ratings("retest", (1, 1, 2, 2, 2)), {}),
                (7, _ratings("retest", (1, 1, 0, 0, 0)), {"is_test": True}),
            )
        ]
        rebuild_records(connection, recorded)
        # A person's recorded interview, then one stored without a record: the later counts.
        person = _person(connection, "half")
        early = _interview(
            connection, person, "half", START + timedelta(days=6), [answer("half", "sex", 2)]
        )
        rebuild_records(connection, [early])
        _interview(
            connection, person, "half", START + timedelta(days=7), _ratings("half", (1, 1, 3, 3, 3))
        )
        # One interview whose answers carry two keys (no record): it is the latest of the
        # second key's person, so all of its answers count, though the first has a later one.
        person = _person(connection, "two-keys")
        rows = [answer("two-keys", "sex", 1), answer("other-key", "hc_need", 1)]
        _interview(connection, person, "two-keys", START + timedelta(days=8), rows)
        later = [answer("two-keys", "age_band", 3)]
        _interview(connection, person, "two-keys", START + timedelta(days=9), later)


def _mixed_interviews(engine) -> list[str]:
    """Interviews whose answers differ in what a record would otherwise give once: the
    language changes mid-way, a department on some answers only or an empty one, and a
    question stored with other parts than it was first. Return their keys."""
    when = START + timedelta(days=10)
    cases = {
        "switch": [answer("switch", "sex", 1), *_ratings("switch", (1, 1, 2, 2, 2), lang="tn")],
        "some-dept": [
            answer("some-dept", "sex", 2, department="dept-b"),
            answer("some-dept", "age_band", 3),
        ],
        "empty-dept": [answer("empty-dept", "sex", 1), answer("empty-dept", "age_band", 2)],
        "moved": [answer("moved", "hc_need", 1, service_area="primary_education", item="filter")],
    }
    with engine.begin() as connection:
        recorded = {
            key: _interview(connection, _person(connection, key), key, when, rows, department=None)
            for key, rows in cases.items()
        }
        connection.execute(
            update(Answer)
            .where(Answer.conversation_id == recorded["empty-dept"])
            .values(department="")
        )
        rebuild_records(connection, list(recorded.values()))
    return list(cases)


def _abandoned(engine) -> None:
    """Two interviews whose every answer a restart abandoned: their records are empty."""
    with engine.begin() as connection:
        recorded = [
            _interview(
                connection,
                _person(connection, key),
                key,
                START + timedelta(days=11),
                [answer(key, "sex", 1, superseded_at=START + timedelta(days=11))],
            )
            for key in ("left-1", "left-2")
        ]
        rebuild_records(connection, recorded)


def _beyond_the_pack(engine) -> int:
    """An exact interview with a count outside the pack's 16 bits (a runaway re-ask loop)."""
    with engine.begin() as connection:
        key = "many-reasks"
        rows = [answer(key, "sex", 1), answer(key, "hc_need", 1, reasks=40_000)]
        when = START + timedelta(days=12)
        conversation = _interview(connection, _person(connection, key), key, when, rows)
        rebuild_records(connection, [conversation])
    return conversation


def _same_files(engine, tmp_path, period: Period, include_test: bool) -> None:
    copied, written = tmp_path / "copied.csv", tmp_path / "written.csv"
    rows = copy_long_csv(engine, period, include_test, copied)
    expected = write_long(database_chunks(engine, period, include_test), written, "csv")
    assert rows == expected > 0
    assert copied.read_bytes() == written.read_bytes(), (period, include_test)
    book = copied.with_name("copied.codebook.csv").read_bytes()
    assert book == written.with_name("written.codebook.csv").read_bytes()


def test_the_server_written_long_csv_equals_the_generic_one(engine, tmp_path, monkeypatch):
    # Small slices of the stream, so that strays fall between them as well as inside.
    monkeypatch.setattr(analytics.long_copy, "PACKS_PER_TABLE", 7)
    _fill(engine)
    _awkward(engine)
    _unusable_records(engine)
    _latest_interview_cases(engine)
    _mixed_interviews(engine)
    _abandoned(engine)
    _beyond_the_pack(engine)
    for period in PERIODS:
        for include_test in (False, True):
            _same_files(engine, tmp_path, period, include_test)


def test_only_interviews_whose_answers_agree_are_read_once_per_interview(engine):
    # The export reads language, department and each question's parts from the records of
    # uniform interviews only; the others' answers bring their own.
    _fill(engine)
    mixed = _mixed_interviews(engine)
    with engine.connect() as connection:
        uniform = dict(
            connection.execute(
                select(Respondent.key, InterviewRecord.uniform)
                .join(Conversation, Conversation.respondent_id == Respondent.id)
                .join(InterviewRecord, InterviewRecord.conversation_id == Conversation.id)
                .where(Respondent.key.in_([*mixed, "restart", "twice"]))
            ).all()
        )
        simulated = connection.scalars(
            select(InterviewRecord.uniform)
            .join(Conversation, Conversation.id == InterviewRecord.conversation_id)
            .where(Conversation.is_test)
        ).all()
    assert uniform == {key: key not in mixed for key in [*mixed, "restart", "twice"]}
    assert len(simulated) > 100 and all(simulated)


def test_an_interview_its_pack_cannot_hold_is_read_from_its_answer_rows(engine, tmp_path):
    _fill(engine)
    conversation = _beyond_the_pack(engine)
    with engine.connect() as connection:
        uniform = connection.scalar(
            select(InterviewRecord.uniform).where(InterviewRecord.conversation_id == conversation)
        )
        packs = connection.scalar(
            select(func.count())
            .select_from(InterviewAnswers)
            .where(InterviewAnswers.conversation_id == conversation)
        )
        simulated = connection.scalar(select(func.count()).select_from(InterviewAnswers))
    assert (uniform, packs) == (False, 0)
    assert simulated > 100  # every other interview has its pack
    _same_files(engine, tmp_path, Period(), include_test=True)
    assert ",40000," in (tmp_path / "copied.csv").read_text()


def test_a_missing_pack_stops_the_export_until_the_records_are_rebuilt(engine, tmp_path):
    # Answers changed by hand, past the bot: the export must not leave an interview out.
    _fill(engine)
    with engine.begin() as connection:
        first = connection.scalar(select(func.min(InterviewAnswers.conversation_id)))
        connection.execute(
            delete(InterviewAnswers).where(InterviewAnswers.conversation_id == first)
        )
    group = make_group(lambda: engine)
    out = tmp_path / "long.csv"
    refused = CliRunner().invoke(group, ["microdata", "--include-test", "--out", str(out)])
    assert refused.exit_code == 1
    assert "out of step" in refused.output and "analytics rebuild-records" in refused.output
    assert not out.exists()
    rebuilt = CliRunner().invoke(group, ["rebuild-records"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "rebuilt the records of" in rebuilt.output
    _same_files(engine, tmp_path, Period(), include_test=True)


def test_interviews_that_all_have_records_give_the_same_file(engine, tmp_path):
    # No answer needs its own columns: the stream then carries no answer ids at all.
    register_departments(engine, [("dept-a", "healthcare")])
    insert_synthetic(engine, 300, 5, START, days=40, batch_size=100)
    for period in PERIODS:
        _same_files(engine, tmp_path, period, include_test=True)


def test_an_empty_period_is_an_error_and_writes_no_file(engine, tmp_path):
    _fill(engine)
    out = tmp_path / "empty.csv"
    with pytest.raises(NoDataError):
        copy_long_csv(engine, Period(date(2030, 1, 1), date(2030, 1, 31)), True, out)
    assert not out.exists()


def test_a_connection_the_server_ends_mid_export_says_so_and_leaves_no_file(
    engine, tmp_path, monkeypatch
):
    # The server ends the export's connection once the interviews are read, before the
    # answers stream: the analyst is told what to do, and no half-written file remains.
    _fill(engine)
    read = analytics.long_copy.read_interviews

    def read_then_lose_the_connection(snapshot, *args):
        interviews = read(snapshot, *args)
        pid = snapshot.table("SELECT pg_backend_pid()").column(0)[0].as_py()
        with engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        return interviews

    monkeypatch.setattr(analytics.long_copy, "read_interviews", read_then_lose_the_connection)
    out = tmp_path / "long.csv"
    with pytest.raises(DatabaseError, match=r"could not be read.*nothing was written"):
        copy_long_csv(engine, Period(), True, out)
    assert list(tmp_path.iterdir()) == []


def test_a_full_disk_is_named_and_leaves_no_file(engine, tmp_path, monkeypatch):
    # /dev/full refuses every write as a full disk does, through the real system call.
    _fill(engine)
    real = pyarrow.OSFile
    monkeypatch.setattr(pyarrow, "OSFile", lambda path, mode: real("/dev/full", mode))
    out = tmp_path / "long.csv"
    with pytest.raises(
        OutputError, match=r"could not write .*long\.csv \(No space left on device\)"
    ):
        copy_long_csv(engine, Period(), True, out)
    assert list(tmp_path.iterdir()) == []
