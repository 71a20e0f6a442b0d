"""The period's respondents from the database: one record per interview, answers where needed.

Each interview's record (``interview_records``, built by ``analytics.records``) already says
what its answers say, so the loader reads one fixed-width binary payload per interview and
turns the lot into numpy arrays with one ``frombuffer``; on PostgreSQL through an
Arrow-native driver (ADBC), a million interviews in about a second. The period, the test
rule and the department scope run in SQL.

A record stands for its interview in a period only when all of the interview's answers lie
inside it. The few that cannot stand are read from their answer rows and reduced by the
same ``summarise`` the records are built with:

- interviews that cross the period's edge (their answers inside count, and their
  demographics from any date);
- inexact records (``exact`` false);
- interviews without a record at all (answers written by something other than the bot's
  turn, the simulator or the backfill).

Then each respondent's latest interview with an answer in the period is their record, as
``analytics.load`` describes, and ``analytics.tidy.survey_data`` derives the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, exists, false, func, not_, or_, select, true, union_all
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from analytics.codebook import NOT_ASKED
from analytics.errors import OUT_OF_STEP, RecordsOutOfStep
from analytics.load import Period
from analytics.postgres_arrow import Snapshot
from analytics.records import BATCH, ROW_COLUMNS, payload_type, summarise
from analytics.scope import Scope
from analytics.tidy import LANG_CODES, SurveyData, no_answers, survey_data
from bot.models import (
    Answer,
    Conversation,
    InterviewRecord,
    InterviewValue,
    RecordLabel,
    RecordQuestion,
)

HEAD = payload_type(0).itemsize
Query = Select[*tuple[Any, ...]]


class Reader(Protocol):
    """Runs queries inside one snapshot of the database."""

    dialect: str

    def frame(self, statement: Query) -> pd.DataFrame: ...

    def payloads(self, statement: Query, size: int) -> bytes | np.ndarray: ...


def packed(column: Any, size: int) -> bytes | np.ndarray:
    """Return an Arrow column of binary payloads of ``size`` bytes each as one buffer."""
    column = column.combine_chunks()
    if len(column) == 0:
        return b""
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)[
        column.offset : column.offset + len(column) + 1
    ]
    if not (np.diff(offsets) == size).all():
        raise RecordsOutOfStep(OUT_OF_STEP)
    data = np.frombuffer(column.buffers()[2], dtype=np.uint8)
    return data[offsets[0] : offsets[-1]]  # no copy: a million payloads are 250 MB


class _AdbcReader:
    """PostgreSQL through ADBC: Arrow columns straight from the binary COPY protocol."""

    dialect = "postgresql"

    def __init__(self, engine: Engine) -> None:
        self._snapshot = Snapshot(engine)

    def frame(self, statement: Query) -> pd.DataFrame:
        return self._snapshot.table(statement).to_pandas()

    def payloads(self, statement: Query, size: int) -> bytes | np.ndarray:
        return packed(self._snapshot.table(statement).column(0), size)

    def close(self) -> None:
        self._snapshot.close()


class _SqlAlchemyReader:
    """Any other database (SQLite, the embedded default) through SQLAlchemy."""

    def __init__(self, engine: Engine) -> None:
        self.dialect = engine.dialect.name
        self._connection = engine.connect()

    def frame(self, statement: Query) -> pd.DataFrame:
        result = self._connection.execute(statement)
        return pd.DataFrame.from_records(result.all(), columns=list(result.keys()))

    def payloads(self, statement: Query, size: int) -> bytes | np.ndarray:
        rows = self._connection.execute(statement).scalars()
        return b"".join(bytes(payload).ljust(size, b"\xff") for payload in rows)

    def close(self) -> None:
        self._connection.close()


@contextmanager
def reader(engine: Engine) -> Iterator[Reader]:
    """Give a reader for the engine's database, closed afterwards."""
    chosen = _AdbcReader(engine) if engine.dialect.name == "postgresql" else None
    used: _AdbcReader | _SqlAlchemyReader = chosen or _SqlAlchemyReader(engine)
    try:
        yield used
    finally:
        used.close()


def _inside(period: Period) -> ColumnElement[bool]:
    """Records whose answers all lie inside the period."""
    table = InterviewRecord.__table__
    conditions: list[ColumnElement[bool]] = [table.c.first_at.is_not(None)]
    if period.lower is not None:
        conditions.append(table.c.first_at >= period.lower)
    if period.upper is not None:
        conditions.append(table.c.last_at < period.upper)
    return and_(*conditions)


def _overlapping(period: Period) -> ColumnElement[bool]:
    """Records with answers on both sides of an edge or inside: maybe in the period."""
    table = InterviewRecord.__table__
    conditions: list[ColumnElement[bool]] = [table.c.first_at.is_not(None)]
    if period.upper is not None:
        conditions.append(table.c.first_at < period.upper)
    if period.lower is not None:
        conditions.append(table.c.last_at >= period.lower)
    return and_(*conditions)


def _record_filter(
    period: Period, include_test: bool, scope: Scope, department_ids: list[int]
) -> ColumnElement[bool]:
    table = InterviewRecord.__table__
    test_rule = true() if include_test else table.c.is_test.is_(False)
    if scope.national:
        in_scope: ColumnElement[bool] = true()
    else:
        # A person's record is that of their latest interview, whatever department an
        # earlier one came through: those are read whatever their department, and the
        # scope is applied once the latest is known.
        chosen = table.c.department.in_(department_ids) if department_ids else false()
        in_scope = or_(chosen, table.c.earlier_interviews)
    return and_(_inside(period), table.c.exact, test_rule, in_scope)


def _unusable(period: Period) -> Query:
    """The interviews whose record cannot stand for them in the period, or that have none."""
    records = InterviewRecord.__table__
    conversations = Conversation.__table__
    unusable = select(records.c.conversation_id).where(
        _overlapping(period), or_(not_(records.c.exact), not_(_inside(period)))
    )
    unrecorded = select(conversations.c.id).where(
        ~exists().where(records.c.conversation_id == conversations.c.id)
    )
    return union_all(unusable, unrecorded)  # type: ignore[return-value]


def _answer_rows(ids: list[int], period: Period, include_test: bool) -> Query:
    """The answer rows of some interviews that the record rule keeps in the period."""
    conversations = Conversation.__table__
    answers = Answer.__table__
    in_period = period.clause(answers.c.answered_at)
    test_rule = true() if include_test else answers.c.is_test.is_(False)
    return (
        select(*(answers.c[name] for name in ROW_COLUMNS), conversations.c.respondent_id)
        .join(conversations, conversations.c.id == answers.c.conversation_id)
        .where(
            answers.c.conversation_id.in_(ids),
            answers.c.superseded_at.is_(None),
            test_rule,
            or_(in_period, answers.c.service_area == "demographics"),
        )
        .order_by(answers.c.conversation_id, answers.c.id)
    )


def load_survey(
    engine: Engine, period: Period, include_test: bool = False, scope: Scope | None = None
) -> SurveyData:
    """Return the tidy respondent-level data of a period (and scope) from the database.

    Without a scope, a period without answers is an error (``NoDataError``); with one, the
    data may be empty and the caller says which department had nobody.
    """
    scope = scope or Scope.everything()
    with reader(engine) as read:
        slots = read.frame(select(RecordQuestion.slot, RecordQuestion.question_id))
        named = read.frame(select(RecordLabel.id, RecordLabel.kind, RecordLabel.name))
        width = int(slots["slot"].max()) if len(slots) else 0
        department_ids = [
            int(number)
            for number, kind, name in named.itertuples(index=False)
            if kind == "department" and scope.allows(name)
        ]
        where = _record_filter(period, include_test, scope, department_ids)
        buffer = read.payloads(_payload_query(width, read.dialect).where(where), HEAD + width)
        records = np.frombuffer(buffer, dtype=payload_type(width))
        values = read.frame(
            select(InterviewValue.conversation_id, InterviewValue.slot, InterviewValue.value)
            .join(
                InterviewRecord,
                InterviewRecord.conversation_id == InterviewValue.conversation_id,
            )
            .where(where)
        )
        # Two steps, not one query: the planner may not know yet how few these are.
        ids = sorted(int(i) for i in read.frame(_unusable(period)).iloc[:, 0])
        rows = pd.concat(
            [
                read.frame(_answer_rows(ids[start : start + BATCH], period, include_test))
                for start in range(0, len(ids), BATCH)
            ]
            or [pd.DataFrame(columns=[*ROW_COLUMNS, "respondent_id"])],
            ignore_index=True,
        )
    questions = dict(zip(slots["slot"], slots["question_id"], strict=True))
    label_names = {
        int(number): (kind, name) for number, kind, name in named.itertuples(index=False)
    }
    data = _assemble(records, values, rows, questions, label_names, width, period, scope)
    if len(data) == 0 and scope.national:
        raise no_answers(period)
    return data


def _payload_query(width: int, dialect: str) -> Query:
    payload = InterviewRecord.__table__.c.payload
    if dialect != "postgresql":
        return select(payload)
    # Records written before a question slot existed are shorter: pad them with -1 bytes
    # (not asked) so that every payload has the same size.
    padding = func.decode(func.repeat("ff", width), "hex")
    return select(func.substring(payload.op("||")(padding), 1, HEAD + width))


def _assemble(
    records: np.ndarray,
    values: pd.DataFrame,
    rows: pd.DataFrame,
    questions: dict[int, str],
    label_names: dict[int, tuple[str, str]],
    width: int,
    period: Period,
    scope: Scope,
) -> SurveyData:
    """Join the records and the interviews read from answers; keep each person's latest."""
    fallback = summarise(rows[list(ROW_COLUMNS)], period.contains(rows["answered_at"]).to_numpy())
    seen = np.flatnonzero(~np.isnat(fallback.first_at))  # no answer inside: not in the period
    respondent_of = dict(zip(rows["conversation_id"], rows["respondent_id"], strict=False))
    n_records = len(records)

    conversation = np.concatenate([records["conversation_id"], fallback.conversation_id[seen]])
    respondent = np.concatenate(
        [
            records["respondent_id"],
            np.array([respondent_of[c] for c in fallback.conversation_id[seen]], dtype=np.int64),
        ]
    )
    # Label numbers for both parts: the fallback's names get numbers after the stored ones.
    names = dict(label_names)
    number_of = {label: number for number, label in names.items()}
    for kind, found in (("department", fallback.department), ("lang", fallback.lang)):
        for name in found[seen]:
            if name is not None and (kind, name) not in number_of:
                number_of[kind, name] = max(names, default=0) + 1
                names[number_of[kind, name]] = (kind, name)
    department = np.concatenate(
        [
            records["department"],
            [number_of.get(("department", d), -1) for d in fallback.department[seen]],
        ]
    ).astype(np.int64)
    lang = np.concatenate(
        [records["lang"], [number_of.get(("lang", v), -1) for v in fallback.lang[seen]]]
    ).astype(np.int64)

    # Each person's latest interview with an answer in the period, then the scope.
    by_person = np.lexsort((conversation, respondent))
    ordered = respondent[by_person]
    last = np.ones(len(ordered), dtype=bool)
    last[:-1] = ordered[1:] != ordered[:-1]
    chosen = by_person[last]
    if not scope.national:
        allowed = [
            n for n, (kind, name) in names.items() if kind == "department" and scope.allows(name)
        ]
        chosen = chosen[np.isin(department[chosen], allowed)]
    first_answer = np.concatenate([records["first_answer_id"], fallback.first_answer_id[seen]])
    chosen = chosen[np.argsort(first_answer[chosen], kind="stable")]  # the order of first sight
    from_records, from_answers = (
        chosen[chosen < n_records],
        seen[chosen[chosen >= n_records] - n_records],
    )

    flow_versions = {names[int(f)][1] for f in np.unique(records["flow"][from_records]) if f >= 0}
    for k in from_answers:
        flow_versions |= fallback.flows_inside[k]

    extra = [q for q in fallback.questions if q not in set(questions.values())]
    column_of = {q: slot - 1 for slot, q in questions.items()}
    column_of.update({q: width + k for k, q in enumerate(extra)})
    # Column-major: every later step reads one question at a time.
    matrix = np.full((len(chosen), width + len(extra)), NOT_ASKED, dtype=np.int16, order="F")
    is_record = chosen < n_records
    matrix[is_record, :width] = records["codes"][from_records]
    fallback_columns = np.array([column_of[q] for q in fallback.questions], dtype=np.intp)
    matrix[np.ix_(~is_record, fallback_columns)] = fallback.codes[from_answers]
    code_columns = {
        q: matrix[:, column]
        for q, column in column_of.items()
        if (matrix[:, column] != NOT_ASKED).any()
    }

    # Values (times, costs) belong to a few questions: a column each only for those.
    position = pd.Index(conversation[chosen]).get_indexer(
        values["conversation_id"].to_numpy(dtype=np.int64)
    )
    found = position >= 0
    slot = values["slot"].to_numpy(dtype=np.int64)[found]
    amount = values["value"].to_numpy(dtype=float)[found]
    question_of = {column: q for q, column in column_of.items()}
    value_columns: dict[str, np.ndarray] = {}
    for column in np.unique(slot - 1):
        taken = slot - 1 == column
        value_columns[question_of[int(column)]] = np.full(len(chosen), np.nan)
        value_columns[question_of[int(column)]][position[found][taken]] = amount[taken]
    for k, column in enumerate(fallback_columns):  # interviews read from answers: theirs
        q = question_of[int(column)]
        value_columns.setdefault(q, np.full(len(chosen), np.nan))[~is_record] = fallback.values[
            from_answers, k
        ]
    value_columns = {q: v for q, v in value_columns.items() if (~np.isnan(v)).any()}

    keys = np.empty(len(chosen), dtype=object)
    # bytes -> str one by one: numpy's own decode is four times slower on a million keys.
    keys[is_record] = [key.decode() for key in records["key"][from_records].tolist()]
    keys[~is_record] = fallback.respondent_key[from_answers]
    first_at = np.concatenate([records["first_at"], fallback.first_at[seen].view(np.int64)])
    used = np.unique(department[chosen])
    categories = sorted(names[int(n)][1] for n in used if n >= 0)
    category_of = np.full(max(names, default=0) + 2, -1, dtype=np.int64)  # index -1: none
    category_of[[number_of["department", c] for c in categories]] = np.arange(len(categories))
    spoken = np.zeros(max(names, default=0) + 2, dtype=np.int8)
    for number, (kind, name) in names.items():
        if kind == "lang":
            spoken[number] = LANG_CODES.get(name, 0)
    return survey_data(
        keys=keys,
        codes=code_columns,
        values=value_columns,
        first_at=first_at[chosen].view("datetime64[ns]"),
        department=pd.Categorical.from_codes(category_of[department[chosen]], categories),
        lang=spoken[lang[chosen]],
        flow_versions=flow_versions,
        period=period,
    )
