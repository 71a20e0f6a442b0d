"""The long microdata CSV from PostgreSQL as Arrow batches: no Python object per answer.

Tens of millions of answer rows are too many to turn into Python objects and back into text
(about eight minutes for a million respondents that way), and even PostgreSQL's text COPY
hands the client one row per call. Here the query's rows come through the binary COPY
protocol as Arrow record batches (ADBC, as ``analytics.store`` reads the records) and go
straight to Arrow's CSV writer, the same writer and the same column types as the generic
path (``analytics.microdata``), in answer order and with the same filter as
``analytics.load``. A test holds the two paths to the same bytes.

Every value sent costs the server and the client alike, so the stream carries only what
varies from answer to answer. The respondent key, the questionnaire and the test flag are
the same on every answer of an interview whose record is exact (``analytics.records``), so
they are read once per interview from the records and joined to the stream here. The answers
of the few interviews without such a record bring their own values, matched by answer id.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow
import pyarrow.compute as pc
from sqlalchemy import Engine, SmallInteger, cast, exists, func, select
from sqlalchemy.sql.elements import ColumnElement
from tqdm import tqdm

from analytics.load import Period, answer_filter
from analytics.microdata import LONG_COLUMNS, write_csv_batches, write_long_codebook
from analytics.records import BATCH, payload_type
from analytics.store import adbc_connect, driver_errors, literal_sql, packed
from bot.models import Answer, Conversation, InterviewRecord, RecordLabel

EXPORT_WORK_MEM = "256MB"  # for this export's transaction only
RECORD = payload_type(0)  # the fixed head of a record's payload
KEY_BYTES = RECORD["key"].itemsize
_AT = {name: offset for name, (_, offset, *_) in (RECORD.fields or {}).items()}
_ANSWERS = Answer.__table__.c
# What an exact record says once for all of its interview's answers, by long-form column.
PER_INTERVIEW = {
    "respondent": _ANSWERS.respondent_key,
    "flow_id": _ANSWERS.flow_id,
    "flow_version": _ANSWERS.flow_version,
    "is_test": _ANSWERS.is_test,
}
_PER_INTERVIEW_SCHEMA = pyarrow.schema(
    [
        ("respondent", pyarrow.string()),
        ("flow_id", pyarrow.string()),
        ("flow_version", pyarrow.string()),
        ("is_test", pyarrow.bool_()),
    ]
)
_STRAY_SCHEMA = pyarrow.schema([("id", pyarrow.int64()), *_PER_INTERVIEW_SCHEMA])
PER_ANSWER = {
    "conversation": _ANSWERS.conversation_id,
    "service_area": _ANSWERS.service_area,
    "question_id": _ANSWERS.question_id,
    "item": _ANSWERS.item,
    "attribute": _ANSWERS.attribute,
    "code": cast(_ANSWERS.code, SmallInteger),  # as the generic path's Int16
    "value": _ANSWERS.value,
    "label": _ANSWERS.label,
    "method": _ANSWERS.method,
    "lang": _ANSWERS.lang,
    "department": _ANSWERS.department,
    "answered_at": _ANSWERS.answered_at,
    "asked_at": _ANSWERS.asked_at,  # becomes seconds_to_answer in _seconds_to_answer
    "reasks": _ANSWERS.reasks,
}


class _Interviews:
    """The per-interview columns: one row per exact record, then the stray answers' own.

    ``take`` gives them for a batch of the stream: an answer of an interview with a usable
    record takes its record's row, any other answer its own row, found by its id.
    """

    def __init__(self, conversations: np.ndarray, records: pyarrow.Table, strays: pyarrow.Table):
        self._conversations = conversations  # sorted
        self._stray_ids = strays.column("id").to_numpy()  # sorted
        # One chunk: Arrow's take joins a table's chunks again on every call.
        together = pyarrow.concat_tables([records, strays.drop_columns(["id"])])
        self._columns = together.combine_chunks()

    @property
    def has_strays(self) -> bool:
        return len(self._stray_ids) > 0

    def take(self, batch: pyarrow.RecordBatch) -> pyarrow.Table:
        conversation = batch.column("conversation").to_numpy()
        position = np.searchsorted(self._conversations, conversation)
        found = np.zeros(len(conversation), dtype=bool)
        inside = position < len(self._conversations)
        found[inside] = self._conversations[position[inside]] == conversation[inside]
        if not found.all():
            # Same snapshot: an answer without a usable record is one of the strays.
            ids = batch.column("id").to_numpy()[~found]
            position[~found] = len(self._conversations) + np.searchsorted(self._stray_ids, ids)
        return self._columns.take(pyarrow.array(position))


def _interviews(cursor: Any, engine: Engine) -> _Interviews:
    """Read the per-interview columns of every exact record, and of the stray answers."""
    records = InterviewRecord.__table__.c
    cursor.execute(
        literal_sql(
            engine,
            select(
                records.conversation_id,
                records.is_test,
                *(_field(records.payload, name) for name in ("key", "flow")),
            )
            .where(records.exact)
            .order_by(records.conversation_id),
        )
    )
    table = cursor.fetch_arrow_table()
    conversations = table.column(0).to_numpy()
    keys = np.frombuffer(packed(table.column(2), KEY_BYTES), np.uint8).reshape(-1, KEY_BYTES)
    flow = np.frombuffer(packed(table.column(3), RECORD["flow"].itemsize), RECORD["flow"])
    cursor.execute(
        literal_sql(
            engine, select(RecordLabel.id, RecordLabel.name).where(RecordLabel.kind == "flow")
        )
    )
    flows = {int(number): str(name) for number, name in cursor.fetchall()}
    usable, names = _usable(flow, keys, flows)
    numbers = sorted(names)
    flow_of = pyarrow.array(np.searchsorted(numbers, flow[usable]))
    flow_ids, versions = (
        pyarrow.array([names[n][part] for n in numbers], pyarrow.string()) for part in (0, 1)
    )
    on_record = pyarrow.table(
        {
            "respondent": _strings(keys if usable.all() else keys[usable]),
            "flow_id": flow_ids.take(flow_of),
            "flow_version": versions.take(flow_of),
            "is_test": table.column(1).filter(pyarrow.array(usable)),
        },
        schema=_PER_INTERVIEW_SCHEMA,
    )
    strays = _stray_answers(cursor, engine, conversations[~usable].tolist())
    return _Interviews(conversations[usable], on_record, strays)


def _field(payload: Any, name: str) -> Any:
    """Return the bytes of one field of a record's payload (SQL: 1-based positions)."""
    return func.substring(payload, _AT[name] + 1, RECORD[name].itemsize)


def _usable(
    flow: np.ndarray, keys: np.ndarray, flows: dict[int, str]
) -> tuple[np.ndarray, dict[int, tuple[str, str]]]:
    """Return which exact records can give their columns, and each flow's id and version.

    A record names its questionnaire ``flow_id@flow_version``: a name with more than one
    ``@`` does not say where the id ends. A key of the payload's full width that is not
    ASCII may have been cut short. Their interviews' answers bring their own values.
    """
    names: dict[int, tuple[str, str]] = {}
    for number, name in flows.items():
        if name.count("@") == 1:
            flow_id, version = name.split("@")
            names[number] = (flow_id, version)
    cut = (keys[:, -1] != 0) & (keys.max(axis=1, initial=0) >= 0x80)
    return np.isin(flow, list(names)) & ~cut, names


def _strings(raw: np.ndarray) -> pyarrow.Array:
    """Return rows of NUL-padded UTF-8 bytes as Arrow strings, without a Python object each.

    A key holds no NUL (PostgreSQL text cannot), so its bytes are the non-NUL ones of its row;
    keys of the full width (the bot's) are the block itself.
    """
    count, width = raw.shape
    if count == 0 or raw[:, -1].all():
        lengths: np.ndarray = np.full(count, width)
        data = raw
    else:
        kept = raw != 0
        lengths, data = kept.sum(axis=1), raw[kept]
    offsets = np.zeros(count + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pyarrow.StringArray.from_buffers(
        count, pyarrow.py_buffer(offsets), pyarrow.py_buffer(np.ascontiguousarray(data))
    )


def _stray_answers(cursor: Any, engine: Engine, unusable: list[int]) -> pyarrow.Table:
    """Read the answers of interviews without a usable record, with their own columns.

    Two steps, not one query: with the few interviews named, their answers come through the
    index on the interview, where a subquery may lead the planner to scan every answer.
    """
    records = InterviewRecord.__table__.c
    conversations = Conversation.__table__.c
    without = select(conversations.id).where(
        ~exists().where(records.conversation_id == conversations.id, records.exact)
    )
    cursor.execute(literal_sql(engine, without))
    ids = sorted({int(row[0]) for row in cursor.fetchall()} | set(unusable))
    columns = [_ANSWERS.id, *(column.label(name) for name, column in PER_INTERVIEW.items())]
    parts = []
    for start in range(0, len(ids), BATCH):
        cursor.execute(
            literal_sql(
                engine,
                select(*columns).where(
                    _ANSWERS.superseded_at.is_(None),
                    _ANSWERS.conversation_id.in_(ids[start : start + BATCH]),
                ),
            )
        )
        parts.append(cursor.fetch_arrow_table().cast(_STRAY_SCHEMA))
    strays = pyarrow.concat_tables(parts) if parts else _STRAY_SCHEMA.empty_table()
    return strays.sort_by("id")


def _long_form(engine: Engine, period: Period, include_test: bool, with_ids: bool) -> str:
    """Return the SELECT of the stream, its parameters written in.

    The answer id comes along only when some answers must be matched to their own columns.
    """
    columns: list[ColumnElement[Any]] = [e.label(name) for name, e in PER_ANSWER.items()]
    if with_ids:
        columns.append(_ANSWERS.id)
    statement = select(*columns).where(answer_filter(period, include_test)).order_by(_ANSWERS.id)
    return literal_sql(engine, statement)


def _batches(engine: Engine, period: Period, include_test: bool) -> Iterator[pyarrow.Table]:
    with (
        driver_errors(),
        adbc_connect(engine) as connection,
        connection.cursor() as cursor,
    ):
        # The records and the answers are read in one snapshot, whatever the bot writes.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        # Picking each person's latest interview groups tens of millions of answers, and the
        # server's default 4 MB per sort or hash spills it to disk (about twice as slow).
        cursor.execute(f"SET LOCAL work_mem = '{EXPORT_WORK_MEM}'")
        interviews = _interviews(cursor, engine)
        cursor.execute(_long_form(engine, period, include_test, interviews.has_strays))
        with tqdm(unit=" answers", desc="writing", disable=None) as bar:
            for batch in cursor.fetch_record_batch():
                bar.update(batch.num_rows)
                yield _long_rows(batch, interviews.take(batch))


def _long_rows(batch: pyarrow.RecordBatch, interview: pyarrow.Table) -> pyarrow.Table:
    """Put a batch and its interviews' columns together in the long form's order."""
    columns = dict(zip(batch.schema.names, batch.columns, strict=True))
    columns["seconds_to_answer"] = _seconds_to_answer(columns["answered_at"], columns["asked_at"])
    for name in PER_INTERVIEW:
        columns[name] = interview.column(name)
    return pyarrow.table({name: columns[name] for name in LONG_COLUMNS})


def _seconds_to_answer(answered: pyarrow.Array, asked: pyarrow.Array) -> pyarrow.Array:
    """Return the seconds each answer took, from the times asked and answered.

    PostgreSQL's epoch of an interval is a decimal, slow to make for every answer (about a
    seventh of the server's work here). Whole microseconds over a million, divided in
    floating point, give the same nearest double as the decimal, and as pandas' seconds.
    """
    micros = pc.cast(pc.cast(pc.subtract(answered, asked), pyarrow.int64()), pyarrow.float64())
    return pc.divide(micros, 1_000_000.0)


def copy_long_csv(engine: Engine, period: Period, include_test: bool, path: str | Path) -> int:
    """Write the long form as CSV with its codebook beside it; return the number of rows."""
    path = Path(path)
    rows = write_csv_batches(_batches(engine, period, include_test), path)
    write_long_codebook(path)
    return rows
