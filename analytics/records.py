"""Each interview's record, built from its answer rows: the analysis table beside the answers.

``rebuild_records`` turns the current answers of some interviews (or of all) into their
``interview_records``, ``interview_values`` and ``interview_answers`` rows
(``analytics.answer_packs``). The bot calls it in the transaction that changes an
interview's answers, the simulator after each batch, and migration 0010 (through
``rebuild_every_record``) for the answers stored before it, so the tables always say what
the answers say.

``summarise`` is the reduction itself, pure: the loader also uses it for the few interviews
whose stored record cannot stand for them in a period (one that crosses the period's edge,
or an inexact record), so both read an interview the same way.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import (
    Boolean,
    Connection,
    DateTime,
    Select,
    Table,
    and_,
    case,
    delete,
    distinct,
    exists,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from analytics.answer_packs import PACK_COLUMNS, pack_answers, texts, with_labels
from analytics.codebook import NO_ANSWER, NOT_ASKED, UNCODED
from bot.models import (
    Answer,
    Conversation,
    InterviewAnswers,
    InterviewRecord,
    InterviewValue,
    RecordLabel,
    RecordQuestion,
)

# The answer columns a record is built from (free text, labels and NLU paradata never count).
ROW_COLUMNS = (
    "id",
    "conversation_id",
    "respondent_key",
    "is_test",
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
    "method",
    "answered_at",
)
BATCH = 10_000  # interviews per read: SQLite takes at most 32,766 bound values
NEVER = np.iinfo(np.int64).max  # a first-answer time for 'no answer inside the period'
_BYTE = (-128, 127)
# The fixed head of a record's payload (little-endian); the codes, one byte per slot, follow.
PAYLOAD = [
    ("conversation_id", "<i8"),
    ("respondent_id", "<i8"),  # the conversation's: it stands for the answers' key
    ("first_answer_id", "<i8"),
    ("first_at", "<i8"),  # nanoseconds since 1970 (UTC, naive like every timestamp here)
    ("department", "<i4"),  # record_labels ids, -1 for none
    ("lang", "<i4"),
    ("flow", "<i4"),
    ("key", "S64"),  # the respondent key, NUL-padded
]


def stored_codes(code: np.ndarray, method: pd.Series, item: pd.Series) -> np.ndarray:
    """Return the code matrix value of each answer row: its code, else a sentinel.

    A NULL code is no answer on rating items and after a give-up; elsewhere the answer is
    a number or free text, so no code is expected.
    """
    no_code = _is_one_of(method, ["gave_up"]) | _is_one_of(item, ["attribute", "overall"])
    return np.where(
        np.isnan(code), np.where(no_code, NO_ANSWER, UNCODED), np.nan_to_num(code)
    ).astype(np.int16)


def _is_one_of(column: pd.Series, values: list[str]) -> np.ndarray:
    """Return which rows hold one of ``values``, comparing each distinct value once."""
    codes, uniques = pd.factorize(column)
    wanted = set(values)
    return np.isin(codes, [k for k, value in enumerate(uniques) if value in wanted])


def last_rows(groups: np.ndarray, size: int) -> np.ndarray:
    """Return the position of the last row of each group 0..size-1 (-1 when it has none)."""
    last = np.full(size, -1, dtype=np.int64)
    np.maximum.at(last, groups, np.arange(len(groups)))
    return last


def flow_names(rows: pd.DataFrame) -> pd.Series:
    """Return each row's questionnaire as ``flow_id@flow_version`` (empty when missing)."""
    return (
        rows["flow_id"].fillna("").astype(str) + "@" + rows["flow_version"].fillna("").astype(str)
    )


Parts = tuple[str | None, str | None, str | None]
PART_COLUMNS = ("service_area", "item", "attribute")


@dataclass(frozen=True)
class Summary:
    """Interviews reduced from their answer rows, one entry per conversation id (sorted)."""

    conversation_id: np.ndarray  # int64
    respondent_key: np.ndarray  # object
    first_answer_id: np.ndarray  # int64: the smallest answer id, the order of first sight
    first_at: np.ndarray  # datetime64[ns] of the first answer inside; NaT when none is
    last_at: np.ndarray  # datetime64[ns] of the last answer
    department: np.ndarray  # object: of the last answer inside with one, else None
    lang: np.ndarray  # object: of the last answer inside, else None
    flow: np.ndarray  # object: flow_id@flow_version of the last answer
    flows_inside: list[set[str]]  # every questionnaire of the answers inside
    is_test: np.ndarray  # bool: of the last answer
    exact: np.ndarray  # bool: one key, one test flag, one questionnaire, codes within a byte
    questions: list[str]
    codes: np.ndarray  # int16, interviews x questions, NOT_ASKED where no answer
    values: np.ndarray  # float, interviews x questions, NaN where no number

    def __len__(self) -> int:
        return len(self.conversation_id)


def _per_group_differs(values: pd.Series, starts: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Return which groups hold more than one distinct value (missing counts as one)."""
    codes, _ = pd.factorize(values, use_na_sentinel=False)
    return np.minimum.reduceat(codes, starts) != np.maximum.reduceat(codes, starts)


def summarise(rows: pd.DataFrame, inside: np.ndarray) -> Summary:
    """Reduce answer rows (sorted by conversation, then id) to one summary per interview.

    The last answer to a question wins. Paradata (first time, department, language,
    questionnaires) come from the rows ``inside`` the period only; codes from every row
    given, as the record rule keeps an interview's demographics from any date.
    """
    if rows.empty:
        return _empty()
    conversation = rows["conversation_id"].to_numpy(dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, conversation[1:] != conversation[:-1]])
    group = np.cumsum(np.r_[True, conversation[1:] != conversation[:-1]]) - 1
    n = len(starts)
    ids = rows["id"].to_numpy(dtype=np.int64)
    stamps = pd.to_datetime(rows["answered_at"]).to_numpy(dtype="datetime64[ns]").view(np.int64)
    first = np.full(n, NEVER)
    np.minimum.at(first, group[inside], stamps[inside])

    department = rows["department"].to_numpy(dtype=object)
    known = inside & pd.notna(department)
    last_known = last_rows(group[known], n)
    department_of = np.full(n, None, dtype=object)
    has = last_known >= 0
    department_of[has] = department[np.flatnonzero(known)[last_known[has]]]
    last_inside = last_rows(group[inside], n)
    lang_of = np.full(n, None, dtype=object)
    has = last_inside >= 0
    lang_of[has] = rows["lang"].to_numpy(dtype=object)[np.flatnonzero(inside)[last_inside[has]]]

    flows = flow_names(rows)
    flows_inside: list[set[str]] = [set() for _ in range(n)]
    pairs = pd.DataFrame({"g": group[inside], "f": flows.to_numpy()[inside]}).drop_duplicates()
    for g, name in zip(pairs["g"], pairs["f"], strict=True):
        flows_inside[g].add(name)

    question, questions = pd.factorize(rows["question_id"])
    width = len(questions)
    code = pd.to_numeric(rows["code"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    value = pd.to_numeric(rows["value"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    stored = stored_codes(code, rows["method"], rows["item"])
    slot = group * width + question
    last = last_rows(slot, n * width)
    keep = last[slot] == np.arange(len(slot))
    codes = np.full((n, width), NOT_ASKED, dtype=np.int16)
    codes[group[keep], question[keep]] = stored[keep]
    values = np.full((n, width), np.nan)
    values[group[keep], question[keep]] = value[keep]

    ends = np.r_[starts[1:], len(rows)] - 1
    is_test = rows["is_test"].astype(bool).to_numpy()
    outside_byte = np.zeros(n, dtype=bool)
    np.logical_or.at(outside_byte, group, (stored < _BYTE[0]) | (stored > _BYTE[1]))
    exact = ~(
        _per_group_differs(rows["respondent_key"], starts, group)
        | _per_group_differs(flows, starts, group)
        | (np.minimum.reduceat(is_test, starts) != np.maximum.reduceat(is_test, starts))
        | outside_byte
    )
    return Summary(
        conversation_id=conversation[starts],
        respondent_key=rows["respondent_key"].to_numpy(dtype=object)[starts],
        first_answer_id=np.minimum.reduceat(ids, starts),
        first_at=np.where(first == NEVER, np.iinfo(np.int64).min, first).view("datetime64[ns]"),
        last_at=np.maximum.reduceat(stamps, starts).view("datetime64[ns]"),
        department=department_of,
        lang=lang_of,
        flow=flows.to_numpy(dtype=object)[ends],
        flows_inside=flows_inside,
        is_test=is_test[ends],
        exact=exact,
        questions=[str(q) for q in questions],
        codes=codes,
        values=values,
    )


def _empty() -> Summary:
    nothing = np.empty(0, dtype=object)
    return Summary(
        conversation_id=np.empty(0, dtype=np.int64),
        respondent_key=nothing,
        first_answer_id=np.empty(0, dtype=np.int64),
        first_at=np.empty(0, dtype="datetime64[ns]"),
        last_at=np.empty(0, dtype="datetime64[ns]"),
        department=nothing,
        lang=nothing,
        flow=nothing,
        flows_inside=[],
        is_test=np.empty(0, dtype=bool),
        exact=np.empty(0, dtype=bool),
        questions=[],
        codes=np.empty((0, 0), dtype=np.int16),
        values=np.empty((0, 0)),
    )


# --- reading answer rows -----------------------------------------------------------------


def read_frame(
    connection: Connection, statement: Select[Any], columns: Sequence[str]
) -> pd.DataFrame:
    """Run a query and return its rows as a frame; PostgreSQL sends them through COPY.

    Row by row through the driver costs seconds per million answers; COPY as CSV, parsed
    by pandas, a fraction of that.
    """
    if connection.dialect.name != "postgresql":
        return pd.DataFrame.from_records(connection.execute(statement).all(), columns=list(columns))
    compiled = statement.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    buffer = io.BytesIO()
    raw = connection.connection.driver_connection
    sql = f"COPY ({compiled}) TO STDOUT WITH (FORMAT csv)"
    with raw.cursor() as cursor, cursor.copy(sql, compiled.params) as copy:  # type: ignore[union-attr]
        for block in copy:
            buffer.write(block)
    buffer.seek(0)
    if not buffer.getbuffer().nbytes:
        return pd.DataFrame(columns=list(columns))
    frame = pd.read_csv(
        buffer,
        header=None,
        names=list(columns),
        keep_default_na=False,
        na_values={name: [""] for name in columns},
        low_memory=False,
    )
    for name, column in zip(columns, statement.selected_columns, strict=True):
        if isinstance(column.type, DateTime):
            # PostgreSQL leaves out a zero fraction ("13:47:01" beside "13:47:01.5"); one
            # format inferred from the first row would refuse the other.
            frame[name] = pd.to_datetime(frame[name], format="ISO8601")
        elif isinstance(column.type, Boolean):
            frame[name] = frame[name].map({"t": True, "f": False})
    return frame


def answer_rows(
    conversations: Select[Any] | Sequence[int], extra: dict[str, ColumnElement[Any]] | None = None
) -> Select[Any]:
    """Return the query of the current answers of some interviews, in conversation, id order,
    with ``extra`` columns after ``ROW_COLUMNS``."""
    table = Answer.__table__
    more = [column.label(name) for name, column in (extra or {}).items()]
    return (
        select(*(table.c[name] for name in ROW_COLUMNS), *more)
        .where(table.c.conversation_id.in_(conversations), table.c.superseded_at.is_(None))
        .order_by(table.c.conversation_id, table.c.id)
    )


# --- the dictionaries: question slots and labels -----------------------------------------


def _add_missing(connection: Connection, table: Any, rows: Sequence[dict[str, str | None]]) -> None:
    """Insert dictionary rows, leaving alone any that another writer added meanwhile."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
    connection.execute(upsert(table).on_conflict_do_nothing(), rows)


def question_slots(connection: Connection) -> dict[str, int]:
    """Return each question id's slot (its byte is at slot - 1 in a record's codes)."""
    table = RecordQuestion.__table__
    return {
        qid: slot for slot, qid in connection.execute(select(table.c.slot, table.c.question_id))
    }


def _first_parts(rows: pd.DataFrame) -> dict[str, Parts]:
    """Return each question's service area, item and attribute as its first row has them."""
    first = rows.drop_duplicates("question_id")[["question_id", *PART_COLUMNS]]
    first = first.astype(object).where(first.notna(), None)
    return {
        str(q): (area, item, attribute)
        for q, area, item, attribute in first.itertuples(index=False)
    }


def _number_questions(connection: Connection, parts: dict[str, Parts]) -> dict[str, int]:
    """Give the batch's new questions a slot, note the parts of those whose parts are not
    known yet (from their first row in the batch), and return each question's slot."""
    table = cast(Table, RecordQuestion.__table__)
    known = {
        question: (slot, area)
        for slot, question, area in connection.execute(
            select(table.c.slot, table.c.question_id, table.c.service_area)
        )
    }
    new = sorted(set(parts) - set(known))
    if new:
        rows: list[dict[str, str | None]] = [
            {"question_id": q, **_part_columns(parts[q])} for q in new
        ]
        _add_missing(connection, table, rows)
    for question in sorted(q for q, (_, area) in known.items() if area is None and q in parts):
        # Another writer may have noted them meanwhile: the first stays.
        connection.execute(
            update(table)
            .where(table.c.question_id == question, table.c.service_area.is_(None))
            .values(**_part_columns(parts[question]))
        )
    if new:
        return question_slots(connection)
    return {question: slot for question, (slot, _) in known.items()}


def _part_columns(parts: Parts) -> dict[str, str | None]:
    return dict(zip(PART_COLUMNS, parts, strict=True))


def _mixed(connection: Connection, batch: list[int]) -> set[int]:
    """Return the interviews of a batch that are not uniform: their current answers differ in
    language or department, or from their question's parts in ``record_questions``.

    Compared in SQL, where an empty text is not a missing one; an empty language or
    department, which a record cannot tell from none, counts as mixed too.
    """
    answers, questions = Answer.__table__.c, RecordQuestion.__table__.c
    differs = or_(
        *(answers[name].is_distinct_from(questions[name]) for name in PART_COLUMNS),
        answers.lang == "",
        answers.department == "",
    )
    department = func.count(answers.department)
    statement = (
        select(answers.conversation_id)
        .select_from(
            Answer.__table__.outerjoin(
                RecordQuestion.__table__, questions.question_id == answers.question_id
            )
        )
        .where(answers.conversation_id.in_(batch), answers.superseded_at.is_(None))
        .group_by(answers.conversation_id)
        .having(
            or_(
                func.count(distinct(answers.lang)) > 1,
                func.count(distinct(answers.department)) > 1,
                and_(department > 0, department < func.count()),
                func.max(case((differs, 1), else_=0)) == 1,
            )
        )
    )
    return set(connection.scalars(statement))


def labels(connection: Connection) -> dict[tuple[str, str], int]:
    """Return the number of each (kind, name): departments, languages, questionnaires,
    answer labels and methods."""
    table = RecordLabel.__table__
    rows = connection.execute(select(table.c.id, table.c.kind, table.c.name))
    return {(kind, name): number for number, kind, name in rows}


# --- writing records -----------------------------------------------------------------------


def _batches(connection: Connection, conversation_ids: Sequence[int] | None) -> Iterator[list[int]]:
    if conversation_ids is not None:
        ids = sorted(set(conversation_ids))
    else:
        ids = list(connection.scalars(select(Conversation.id).order_by(Conversation.id)))
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def rebuild_records(connection: Connection, conversation_ids: Sequence[int] | None = None) -> int:
    """Rebuild the records of these interviews (all when None) from their current answers.

    An interview without current answers gets an empty record, so that the loader knows it
    was seen; an interview that no longer exists loses its record. Return how many records
    were written.
    """
    written = 0
    for batch in _batches(connection, conversation_ids):
        rows = with_labels(
            read_frame(connection, answer_rows(batch, PACK_COLUMNS), [*ROW_COLUMNS, *PACK_COLUMNS])
        )
        summary = summarise(rows, np.ones(len(rows), dtype=bool))
        written += _write(connection, batch, summary, _first_parts(rows), rows)
    return written


def rebuild_every_record(connection: Connection) -> int:
    """Rebuild every record while nothing else writes: for migrations. Return the count.

    The records, values and packs are emptied first, on PostgreSQL with TRUNCATE, so that
    the rebuild writes into fresh pages. Deleting and rewriting each batch leaves every old
    row dead beside its new one: at a million interviews the records' table stayed at twice
    its size (483 MB against 241 MB) until a VACUUM FULL, and every read of it paid for the
    empty pages. TRUNCATE locks the tables until commit, so the live ``rebuild-records``
    command keeps to ``rebuild_records``.
    """
    models = (InterviewAnswers, InterviewValue, InterviewRecord)
    if connection.dialect.name == "postgresql":
        connection.execute(text("TRUNCATE " + ", ".join(m.__tablename__ for m in models)))
    else:
        for model in models:
            connection.execute(delete(model))
    return rebuild_records(connection)


def _people(connection: Connection, batch: list[int]) -> dict[int, tuple[int, bool]]:
    """Return each interview's respondent and whether the person had an earlier interview."""
    conversations = Conversation.__table__
    earlier = aliased(Conversation)
    statement = select(
        conversations.c.id,
        conversations.c.respondent_id,
        exists()
        .where(
            earlier.respondent_id == conversations.c.respondent_id, earlier.id < conversations.c.id
        )
        .label("earlier"),
    ).where(conversations.c.id.in_(batch))
    return {row[0]: (row[1], bool(row[2])) for row in connection.execute(statement)}


def _write(
    connection: Connection,
    batch: list[int],
    summary: Summary,
    parts: dict[str, Parts],
    answers: pd.DataFrame,
) -> int:
    slots = _number_questions(connection, parts)
    mixed = _mixed(connection, batch)
    numbers = labels(connection)
    named = {
        *(("department", d) for d in summary.department if d is not None),
        *(("lang", v) for v in summary.lang if v is not None),
        *(("flow", f) for f in summary.flow),
        *texts(answers),
    }
    new_labels = sorted(named - set(numbers))
    if new_labels:
        _add_missing(
            connection,
            RecordLabel.__table__,
            [{"kind": kind, "name": name} for kind, name in new_labels],
        )
        numbers = labels(connection)
    position = np.array([slots[q] - 1 for q in summary.questions], dtype=np.int64)
    people = _people(connection, batch)
    respondent = np.array([people.get(int(c), (-1, False))[0] for c in summary.conversation_id])
    payloads = pack(summary, respondent, numbers, position, max(slots.values(), default=0))
    packs = pack_answers(answers, slots, numbers)
    index = {int(c): k for k, c in enumerate(summary.conversation_id)}
    records, values, packed = [], [], []
    for conversation_id in batch:
        if conversation_id not in people:
            continue  # erased meanwhile: its record goes with the delete below
        respondent_id, earlier = people[conversation_id]
        record = {
            "conversation_id": conversation_id,
            "respondent_id": respondent_id,
            "first_at": None,
            "last_at": None,
            "department": None,
            "is_test": False,
            "exact": True,
            # The long export takes uniform interviews' answers from their pack.
            "uniform": conversation_id not in mixed and conversation_id in packs,
            "earlier_interviews": earlier,
            "payload": b"",
        }
        k = index.get(conversation_id)
        if k is not None:
            record.update(
                first_at=pd.Timestamp(summary.first_at[k]).to_pydatetime(),
                last_at=pd.Timestamp(summary.last_at[k]).to_pydatetime(),
                department=numbers.get(("department", summary.department[k])),
                is_test=bool(summary.is_test[k]),
                exact=bool(summary.exact[k]),
                payload=payloads[k],
            )
            if conversation_id in packs:
                packed.append(
                    {"conversation_id": conversation_id, "answers": packs[conversation_id]}
                )
            for j in np.flatnonzero(~np.isnan(summary.values[k])):
                values.append(
                    {
                        "conversation_id": conversation_id,
                        "slot": int(position[j]) + 1,
                        "value": float(summary.values[k, j]),
                    }
                )
        records.append(record)
    connection.execute(delete(InterviewRecord).where(InterviewRecord.conversation_id.in_(batch)))
    connection.execute(delete(InterviewValue).where(InterviewValue.conversation_id.in_(batch)))
    connection.execute(delete(InterviewAnswers).where(InterviewAnswers.conversation_id.in_(batch)))
    _insert(connection, InterviewRecord.__table__, records)
    _insert(connection, InterviewValue.__table__, values)
    _insert(connection, InterviewAnswers.__table__, packed)
    return len(records)


def payload_type(width: int) -> np.dtype:
    """Return the layout of a record's payload with ``width`` question slots."""
    return np.dtype([*PAYLOAD, ("codes", "i1", (width,))])


def pack(
    summary: Summary,
    respondent: np.ndarray,
    numbers: dict[tuple[str, str], int],
    position: np.ndarray,
    width: int,
) -> list[bytes]:
    """Return each summarised interview's payload: fixed fields, then a byte per slot."""
    packed = np.zeros(len(summary), dtype=payload_type(width))
    packed["conversation_id"] = summary.conversation_id
    packed["respondent_id"] = respondent
    packed["first_answer_id"] = summary.first_answer_id
    packed["first_at"] = summary.first_at.view(np.int64)
    for kind, names in (
        ("department", summary.department),
        ("lang", summary.lang),
        ("flow", summary.flow),
    ):
        packed[kind] = [numbers.get((kind, name), -1) for name in names]
    packed["key"] = [str(key).encode() for key in summary.respondent_key]
    codes = np.full((len(summary), width), NOT_ASKED, dtype=np.int8)
    codes[:, position] = np.clip(summary.codes, *_BYTE)
    packed["codes"] = codes
    return [row.tobytes() for row in packed]


def _insert(connection: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert rows, through COPY on PostgreSQL (a batch of the simulator at once)."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(insert(table), rows)
        return
    columns = list(rows[0])
    raw = connection.connection.driver_connection
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        for row in rows:
            copy.write_row(tuple(row.values()))
