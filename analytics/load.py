"""Loaders at the edge: answers from the database (in chunks) or from an exported long CSV.

Every loader yields frames with the columns of ``ANSWER_COLUMNS`` (the ``answers`` table
without free text and NLU paradata), ordered by answer id so that a later answer to the same
question wins. Test rows (``is_test``) are left out unless ``include_test`` is set.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, and_, func, or_, select, true
from sqlalchemy.sql.elements import ColumnElement

from analytics.errors import InputError
from bot.models import Answer, Conversation, Decline, TopicCode

if TYPE_CHECKING:
    from analytics.scope import Scope

ANSWER_COLUMNS = (
    "id",
    "respondent_key",
    "conversation_id",
    "flow_id",
    "flow_version",
    "lang",
    "department",
    "service_area",
    "item",
    "attribute",
    "question_id",
    "code",
    "value",
    "label",
    "method",
    "asked_at",
    "answered_at",
    "reasks",
    "is_test",
)
# The long microdata export names two columns differently; it reads back as answers.
CSV_ALIASES = {"respondent": "respondent_key", "conversation": "conversation_id"}
REQUIRED_CSV_COLUMNS = ("respondent_key", "service_area", "question_id", "code", "answered_at")
DEFAULT_CHUNK_ROWS = 200_000


@dataclass(frozen=True)
class Period:
    """Calendar days from ``start`` to ``end``, both included (UTC); open when None."""

    start: date | None = None
    end: date | None = None

    @property
    def lower(self) -> datetime | None:
        """Return the first instant of the period."""
        return datetime.combine(self.start, time()) if self.start else None

    @property
    def upper(self) -> datetime | None:
        """Return the first instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), time()) if self.end else None

    def label(self) -> str:
        """Return the period as text, e.g. ``2026-03-01 to 2026-03-31``."""
        return f"{self.start or 'the beginning'} to {self.end or 'the latest answer'}"

    def clause(self, column: ColumnElement[datetime]) -> ColumnElement[bool]:
        """Return a SQL condition that keeps timestamps inside the period."""
        conditions = []
        if self.lower is not None:
            conditions.append(column >= self.lower)
        if self.upper is not None:
            conditions.append(column < self.upper)
        return and_(true(), *conditions)

    def contains(self, stamps: pd.Series) -> pd.Series:
        """Return which timestamps fall inside the period."""
        inside = pd.Series(True, index=stamps.index)
        if self.lower is not None:
            inside &= stamps >= pd.Timestamp(self.lower)
        if self.upper is not None:
            inside &= stamps < pd.Timestamp(self.upper)
        return inside

    def contains_micros(self, micros: np.ndarray) -> np.ndarray:
        """Return which times, in microseconds since 1970, fall inside the period: the rule
        of ``contains`` on plain integers, for the long export's millions of answers."""
        inside = np.ones(len(micros), dtype=bool)
        if self.lower is not None:
            inside &= micros >= np.datetime64(self.lower, "us").astype(np.int64)
        if self.upper is not None:
            inside &= micros < np.datetime64(self.upper, "us").astype(np.int64)
        return inside

    @classmethod
    def previous(cls, kind: str, today: date) -> Period:
        """Return the last complete ISO week (Monday-Sunday) or calendar month before today."""
        if kind == "week":
            monday = today - timedelta(days=today.weekday() + 7)
            return cls(monday, monday + timedelta(days=6))
        last_of_previous = today.replace(day=1) - timedelta(days=1)
        return cls(last_of_previous.replace(day=1), last_of_previous)

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        """Return the ISO week or the calendar month that contains ``day``."""
        if kind == "week":
            monday = day - timedelta(days=day.weekday())
            return cls(monday, monday + timedelta(days=6))
        last = calendar.monthrange(day.year, day.month)[1]
        return cls(day.replace(day=1), day.replace(day=last))


def answer_filter(period: Period, include_test: bool) -> ColumnElement[bool]:
    """Keep the answers of each respondent's latest interview with an answer in the period.

    Answers a restart abandoned (``superseded_at``) never count. Demographics of that same
    interview count even when given outside the period (an interview across its edge).
    """
    table = Answer.__table__
    latest = (
        select(func.max(table.c.conversation_id))
        .where(period.clause(table.c.answered_at), _test_rule(include_test), _current())
        .group_by(table.c.respondent_key)
    )
    # "IS TRUE" (the same rows) keeps PostgreSQL from turning the IN into a join: as a
    # hashed filter on a scan of the primary key the rows come in answer order, without
    # sorting tens of millions of wide rows on disk (that halved the long export of a
    # million respondents).
    chosen = table.c.conversation_id.in_(latest).is_(true())
    return and_(interview_rows(period, include_test), chosen)


def interview_rows(period: Period, include_test: bool) -> ColumnElement[bool]:
    """Keep the answers that count for an interview chosen for the period (any interview).

    ``answer_filter`` adds the choice of each person's latest interview; a reader that knows
    the interviews (``analytics.long_copy``) makes that choice itself.
    """
    table = Answer.__table__
    rule = and_(_test_rule(include_test), _current())
    if period.start is None and period.end is None:
        return rule
    demographics = table.c.service_area == "demographics"
    return and_(rule, or_(period.clause(table.c.answered_at), demographics))


def _test_rule(include_test: bool) -> ColumnElement[bool]:
    return true() if include_test else Answer.__table__.c.is_test.is_(False)


def _current() -> ColumnElement[bool]:
    return Answer.__table__.c.superseded_at.is_(None)


def count_answers(engine: Engine, period: Period, include_test: bool = False) -> int:
    """Return how many answer rows ``database_chunks`` will yield (for a progress bar)."""
    statement = select(func.count()).select_from(Answer).where(answer_filter(period, include_test))
    with engine.connect() as connection:
        return int(connection.scalar(statement) or 0)


def database_chunks(
    engine: Engine,
    period: Period,
    include_test: bool = False,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """Yield the period's answers from the database, ``chunk_rows`` rows at a time."""
    table = Answer.__table__
    statement = (
        select(*(table.c[name] for name in ANSWER_COLUMNS))
        .where(answer_filter(period, include_test))
        .order_by(table.c.conversation_id, table.c.id)  # an interview's answers together
    )
    with engine.connect() as connection:
        # yield_per streams from a server-side cursor on PostgreSQL instead of buffering all rows.
        result = connection.execution_options(yield_per=chunk_rows).execute(statement)
        for rows in result.partitions():
            yield pd.DataFrame.from_records(rows, columns=list(ANSWER_COLUMNS))


def csv_chunks(
    path: str | Path,
    period: Period,
    include_test: bool = False,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """Yield the period's answers from an exported long CSV, ``chunk_rows`` rows at a time.

    As from the database, only each respondent's latest interview with an answer in the
    period is kept (a first pass over the file finds it).
    """
    latest: dict[Any, Any] = {}
    for chunk in _csv_reader(path, period, include_test, chunk_rows):
        inside = chunk.loc[period.contains(chunk["answered_at"])]
        for key, interview in inside.groupby("respondent_key")["conversation_id"].max().items():
            if not pd.isna(interview) and (key not in latest or interview > latest[key]):
                latest[key] = interview
    for chunk in _csv_reader(path, period, include_test, chunk_rows):
        chosen = chunk["respondent_key"].map(latest)
        keep = chosen.isna() | (chunk["conversation_id"] == chosen)
        yield chunk.loc[keep]


def _csv_reader(
    path: str | Path, period: Period, include_test: bool, chunk_rows: int
) -> Iterator[pd.DataFrame]:
    try:
        reader = pd.read_csv(path, chunksize=chunk_rows, low_memory=False)
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read the answers CSV {path}: {error}") from error
    with reader:
        for chunk in reader:
            chunk = chunk.rename(columns=CSV_ALIASES)
            missing = [name for name in REQUIRED_CSV_COLUMNS if name not in chunk.columns]
            if missing:
                raise InputError(
                    f"{path} lacks the column(s) {', '.join(missing)}; export it with "
                    "`analytics microdata --format csv` or from the answers table"
                )
            current = (
                chunk["superseded_at"].isna()
                if "superseded_at" in chunk.columns
                else pd.Series(True, index=chunk.index)
            )
            for name in ANSWER_COLUMNS:
                if name not in chunk.columns:
                    chunk[name] = pd.NA
            chunk = chunk[list(ANSWER_COLUMNS)]
            answered = pd.to_datetime(chunk["answered_at"], format="ISO8601")
            is_test = chunk["is_test"].astype(str).str.lower().isin(["true", "1", "t", "yes"])
            # Keep demographics from any date: the collector keeps them only for respondents
            # who answered inside the period, as the database loader does.
            keep = current & (period.contains(answered) | (chunk["service_area"] == "demographics"))
            if not include_test:
                keep &= ~is_test
            yield chunk.loc[keep].assign(answered_at=answered[keep], is_test=is_test[keep])


def load_conversations(engine: Engine, period: Period, include_test: bool = False) -> pd.DataFrame:
    """Return the conversations started in the period: status, break-off point, timings."""
    table = Conversation.__table__
    columns = ("id", "status", "current_question", "department", "flow_version", "lang")
    statement = select(
        *(table.c[name] for name in columns),
        table.c.started_at,
        table.c.completed_at,
        table.c.last_input_at,
    ).where(period.clause(table.c.started_at))
    if not include_test:
        statement = statement.where(table.c.is_test.is_(False))
    with engine.connect() as connection:
        rows = [*connection.execute(statement).all(), *_declines(connection, period, include_test)]
    frame = pd.DataFrame.from_records(
        rows, columns=[*columns, "started_at", "completed_at", "last_input_at"]
    )
    for name in ("started_at", "completed_at", "last_input_at"):
        frame[name] = pd.to_datetime(frame[name])
    return frame


def _declines(connection: Connection, period: Period, include_test: bool) -> list[Any]:
    """Return refusals of consent and screen-outs (under 18) as conversation rows, with the
    status ``declined`` or ``screened_out``: only their day and department remain."""
    table = Decline.__table__
    statement = select(table.c.reason, table.c.department, table.c.declined_on)
    if period.start:
        statement = statement.where(table.c.declined_on >= period.start)
    if period.end:
        statement = statement.where(table.c.declined_on <= period.end)
    if not include_test:
        statement = statement.where(table.c.is_test.is_(False))
    return [
        (None, reason, None, department, None, None, datetime.combine(day, time()), None, None)
        for reason, department, day in connection.execute(statement)
    ]


def load_topic_counts(
    engine: Engine, period: Period, include_test: bool = False, scope: Scope | None = None
) -> pd.DataFrame:
    """Return how many improvement answers of the period (and scope) were coded per topic."""
    answers = Answer.__table__
    topics = TopicCode.__table__
    statement = (
        select(topics.c.topic, func.count().label("answers"))
        .join(answers, answers.c.id == topics.c.answer_id)
        .where(period.clause(answers.c.answered_at))
        .group_by(topics.c.topic)
        .order_by(func.count().desc(), topics.c.topic)
    )
    if scope is not None:
        statement = statement.where(scope.clause(answers.c.department))
    if not include_test:
        statement = statement.where(answers.c.is_test.is_(False))
    with engine.connect() as connection:
        rows = connection.execute(statement).all()
    return pd.DataFrame.from_records(rows, columns=["topic", "answers"])
