"""Writing simulated interviews to the database: registry departments, fast bulk writes.

Rows go in with ids taken up front, so that conversations, answers and topic codes can
refer to each other without reading anything back: PostgreSQL gets them through COPY (a
million people in minutes), SQLite through executemany. Each batch is one transaction; on
PostgreSQL two batches are written at once, on connections of their own, while the next
batch is interviewed, so that the survey engine and the database work side by side.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, insert, select, text

from analytics.errors import InputError
from analytics.records import rebuild_records
from analytics.simulate import FLOW_FILE, POPULATION, SyntheticBatch, synthetic_batches
from bot.models import (
    Answer,
    Conversation,
    Decline,
    DepartmentRecord,
    DepartmentServiceArea,
    Respondent,
    TopicCode,
)
from survey_flows.definition import load_flow

# Connections that write batches at once on PostgreSQL: each keeps a server process busy
# (indexes, the foreign key check per answer), so two use a two-core server while the
# interviews of the next batches are simulated here.
WRITERS = 2
TOPICS = ("topic_waiting_time", "topic_staff_attitude", "topic_cost", "topic_distance")
EMPTY_REGISTRY = (
    "the department registry is empty, and simulated people arrive through department links. "
    "Run `flask --app wsgi db upgrade` (it imports the default departments) or add one: "
    "flask --app wsgi departments add CODE --name NAME --ministry MINISTRY --service-area AREA"
)


def registry_departments(engine: Engine) -> list[tuple[str, str | None]]:
    """Return the active departments of the registry with the service area asked first."""
    first_area = (
        select(DepartmentServiceArea.service_area)
        .where(DepartmentServiceArea.department_code == DepartmentRecord.code)
        .order_by(DepartmentServiceArea.position)
        .limit(1)
        .scalar_subquery()
    )
    query = (
        select(DepartmentRecord.code, first_area)
        .where(DepartmentRecord.active.is_(True))
        .order_by(DepartmentRecord.code)
    )
    with engine.connect() as connection:
        found = [(str(code), area) for code, area in connection.execute(query)]
    if not found:
        raise InputError(EMPTY_REGISTRY)
    return found


def _reserve_ids(connection: Connection, table: str, n: int) -> int:
    """Take ``n`` consecutive ids of a table for rows written with explicit ids; return the first.

    On PostgreSQL the table is locked against other writers until the transaction ends and
    its sequence is moved past the block; SQLite has a single writer anyway.
    """
    if connection.dialect.name != "postgresql":
        return int(
            connection.execute(text(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")).one()[0]
        )
    connection.execute(text(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))
    sequence = connection.execute(text(f"SELECT pg_get_serial_sequence('{table}', 'id')")).one()[0]
    first = int(connection.execute(text(f"SELECT nextval('{sequence}')")).one()[0])
    if n > 1:
        connection.execute(text(f"SELECT setval('{sequence}', {first + n - 1})"))
    return first


def _copy(connection: Connection, table: str, frame: pd.DataFrame) -> None:
    """Write a frame through COPY (PostgreSQL) or executemany (SQLite)."""
    if frame.empty:
        return
    if connection.dialect.name == "postgresql":
        columns = ", ".join(frame.columns)
        raw = connection.connection.driver_connection
        statement = f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv)"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            copy.write(csv_text(frame))
        return
    model = {
        "respondents": Respondent,
        "conversations": Conversation,
        "answers": Answer,
        "topic_codes": TopicCode,
    }[table]
    connection.execute(insert(model), _records(frame))


def _quoted(value: object) -> str:
    return '"' + str(value).replace('"', '""') + '"'


def _csv_column(values: pd.Series) -> list[str]:
    """Return a column as CSV fields (NULL as an empty field), computed column-wise."""
    if isinstance(values.dtype, pd.CategoricalDtype) or not (
        pd.api.types.is_numeric_dtype(values)
        or pd.api.types.is_datetime64_any_dtype(values)
        or pd.api.types.is_bool_dtype(values)
    ):
        categorical = pd.Categorical(values)
        fields = np.array([*map(_quoted, categorical.categories), ""], dtype=object)
        return fields[categorical.codes].tolist()  # code -1 (missing) picks the empty last field
    missing = values.isna().to_numpy()
    if pd.api.types.is_bool_dtype(values):
        text_values = np.where(values.to_numpy(dtype=bool), "t", "f")
    elif pd.api.types.is_datetime64_any_dtype(values):
        text_values = np.datetime_as_string(values.to_numpy(dtype="datetime64[s]"), unit="s")
    elif pd.api.types.is_integer_dtype(values):
        text_values = values.fillna(0).to_numpy(dtype=np.int64).astype(str)
    else:
        text_values = values.to_numpy(dtype=float).astype(str)
    if missing.any():
        text_values = np.where(missing, "", text_values)
    return text_values.tolist()


def csv_text(frame: pd.DataFrame) -> str:
    """Return a frame as CSV for COPY, rendered column by column, then joined per row."""
    columns = [_csv_column(frame[name]) for name in frame.columns]
    return "\n".join(map(",".join, zip(*columns, strict=True))) + "\n"


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Return rows as dicts of plain Python values, with None for every missing value."""
    columns = {}
    for name in frame.columns:
        values = frame[name]
        if pd.api.types.is_datetime64_any_dtype(values):
            values = pd.Series(values.dt.to_pydatetime(), dtype=object)
        plain = values.astype(object)
        columns[name] = plain.where(plain.notna(), None).tolist()
    if "block_order" in columns:  # JSON columns take Python lists and dicts
        columns["block_order"] = [json.loads(v) for v in columns["block_order"]]
        columns["state"] = [json.loads(v) for v in columns["state"]]
    return [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]


@dataclass(frozen=True)
class FirstIds:
    """The first of the ids taken for one batch, per table (each table's block is consecutive)."""

    respondents: int
    conversations: int
    answers: int
    topic_codes: int


def _free_text(batch: SyntheticBatch) -> np.ndarray:
    """Return which answer rows are comments (the free text that gets topic codes)."""
    return (batch.templates["method"].to_numpy() == "text")[batch.template]


@dataclass
class IdBlocks:
    """Ids taken for a whole run at its start, handed to the batches in arrival order.

    Taking them up front keeps the table locks of ``_reserve_ids`` out of the way of the
    batches being written: a lock taken while another batch is being written would wait for
    it. The blocks are sized for the most the engine can record (every question for every
    person), so most answer ids of a block stay unused, a gap in the sequence.
    """

    next_id: dict[str, int]
    end: dict[str, int]  # per table, one past the last id taken

    @classmethod
    def take(cls, engine: Engine, sizes: dict[str, int]) -> IdBlocks:
        """Take a block of ids of each size, in one short transaction."""
        with engine.begin() as connection:
            first = {table: _reserve_ids(connection, table, n) for table, n in sizes.items()}
        return cls(first, {table: first[table] + n for table, n in sizes.items()})

    def first(self, table: str, n: int) -> int:
        """Return the first of the next ``n`` ids of a table."""
        start = self.next_id[table]
        if start + n > self.end[table]:
            raise RuntimeError(f"the simulation needs more {table} ids than it took at its start")
        self.next_id[table] = start + n
        return start

    def for_batch(self, batch: SyntheticBatch) -> FirstIds:
        return FirstIds(
            respondents=self.first("respondents", len(batch.keys)),
            conversations=self.first("conversations", len(batch.keys)),
            answers=self.first("answers", len(batch.template)),
            topic_codes=self.first("topic_codes", int(_free_text(batch).sum())),
        )


def _write(connection: Connection, batch: SyntheticBatch, ids: FirstIds, seed: int) -> None:
    size = len(batch.keys)
    started = pd.Series(batch.started_at.astype("datetime64[us]"))
    respondent_id = np.arange(ids.respondents, ids.respondents + size)
    _copy(
        connection,
        "respondents",
        pd.DataFrame(
            {
                "id": respondent_id,
                "key": batch.keys,
                "page_id": "simulated",
                "psid": [f"simulated-{key[:20]}" for key in batch.keys],
                "created_at": started,
                "is_test": True,
            }
        ),
    )
    conversation_id = np.arange(ids.conversations, ids.conversations + size)
    last_input = pd.Series(batch.last_input_at.astype("datetime64[us]"))
    _copy(
        connection,
        "conversations",
        pd.DataFrame(
            {
                "id": conversation_id,
                "respondent_id": respondent_id,
                "flow_id": batch.answers["flow_id"].iloc[0] if len(batch.answers) else "",
                "flow_version": batch.answers["flow_version"].iloc[0] if len(batch.answers) else "",
                "lang": batch.lang,
                "department": batch.department,
                "status": batch.status,
                "current_question": batch.current_question,
                "block_order": [json.dumps(order) for order in batch.block_order],
                "state": "{}",
                "started_at": started,
                "last_input_at": last_input,
                "completed_at": last_input.where(pd.Series(batch.status == "completed")),
                "is_test": True,
            }
        ),
    )
    answer_id = np.arange(ids.answers, ids.answers + len(batch.template))
    if connection.dialect.name == "postgresql":
        _copy_answers(connection, batch, answer_id, conversation_id)
    else:
        rows = batch.answers.drop(columns="respondent").assign(
            id=answer_id, conversation_id=conversation_id[batch.answers["respondent"].to_numpy()]
        )
        _copy(connection, "answers", rows)
    free_text = answer_id[_free_text(batch)]
    topic = np.random.default_rng([seed, ids.answers]).integers(0, len(TOPICS), len(free_text))
    _copy(
        connection,
        "topic_codes",
        pd.DataFrame(
            {
                "id": np.arange(ids.topic_codes, ids.topic_codes + len(free_text)),
                "answer_id": free_text,
                "topic": np.asarray(TOPICS)[topic],
                "confidence": 0.9,
                "source": "nlu",
            }
        ),
    )
    rebuild_records(connection, conversation_id.tolist())


# PostgreSQL's binary COPY: the answers go in as the server keeps them, so that it parses no
# text, numbers or times for the tens of millions of rows of a large simulation.
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # signature, no flags, no extension
COPY_TRAILER = b"\xff\xff"
TIME_ZERO = np.datetime64("2000-01-01T00:00:00", "us")  # binary timestamps count from here
NULL_FIELD = b"\xff\xff\xff\xff"
# The answers columns sent as numbers in binary (big-endian, of the column's type); every
# other column is text.
BINARY_TYPES = {
    "id": ">i8",
    "conversation_id": ">i8",
    "code": ">i4",
    "value": ">f8",
    "confidence": ">f8",
    "reasks": ">i4",
    "is_test": "?",
}


def _binary_field(name: str, value: object) -> bytes:
    """Return one field of a binary COPY row: its length, then its bytes."""
    if pd.isna(value):
        return NULL_FIELD
    kind = BINARY_TYPES.get(name)
    data = np.array(value, dtype=kind).tobytes() if kind else str(value).encode()
    return len(data).to_bytes(4, "big") + data


def _binary_rows(frame: pd.DataFrame) -> list[bytes]:
    """Return each row of a (small) frame as its binary COPY fields."""
    columns = list(frame.columns)
    return [
        b"".join(_binary_field(name, value) for name, value in zip(columns, row, strict=True))
        for row in frame.itertuples(index=False)
    ]


def _copy_answers(
    connection: Connection,
    batch: SyntheticBatch,
    answer_id: np.ndarray,
    conversation_id: np.ndarray,
) -> None:
    """COPY answer rows in binary, rendering what is the same for many rows only once: the
    columns that come from the engine once per template, those of the person once per person.
    """
    templates = batch.templates.assign(is_test=True)
    people = pd.DataFrame(
        {
            "respondent_key": batch.keys,
            "conversation_id": conversation_id,
            "department": pd.Series(batch.department, dtype=object),
        }
    )
    asked, answered = (
        batch.answers[name].to_numpy(dtype="datetime64[us]") - TIME_ZERO
        for name in ("asked_at", "answered_at")
    )
    own = np.empty(
        len(answer_id),
        dtype=[
            ("fields", ">i2"),
            ("id_size", ">i4"),
            ("id", ">i8"),
            ("asked_at_size", ">i4"),
            ("asked_at", ">i8"),
            ("answered_at_size", ">i4"),
            ("answered_at", ">i8"),
        ],
    )
    own["fields"] = 3 + len(people.columns) + len(templates.columns)
    own["id_size"] = own["asked_at_size"] = own["answered_at_size"] = 8
    own["id"] = answer_id
    own["asked_at"] = asked.astype(np.int64)
    own["answered_at"] = answered.astype(np.int64)
    rows: list[bytes | None] = [None] * (3 * len(answer_id))
    rows[0::3] = own.view(f"V{own.dtype.itemsize}").tolist()
    rows[1::3] = np.array(_binary_rows(people), dtype=object)[batch.answers["respondent"]].tolist()
    rows[2::3] = np.array(_binary_rows(templates), dtype=object)[batch.template].tolist()
    names = ["id", "asked_at", "answered_at", *people.columns, *templates.columns]
    statement = f"COPY answers ({', '.join(names)}) FROM STDIN WITH (FORMAT binary)"
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
        copy.write(COPY_HEADER + b"".join(rows) + COPY_TRAILER)  # type: ignore[arg-type]


def _declines(connection: Connection, batch: SyntheticBatch) -> None:
    """Keep the anonymous tally of the people who declined or were screened out, as the bot
    does."""
    rows = [
        {
            "department": department,
            "consent_version": batch.consent_version,
            "declined_on": day,
            "is_test": True,
            "reason": reason,
        }
        for department, day, reason in zip(
            batch.declined, batch.declined_on, batch.declined_reason, strict=True
        )
    ]
    if rows:
        connection.execute(insert(Decline), rows)


def _store(engine: Engine, batch: SyntheticBatch, ids: FirstIds, seed: int) -> SyntheticBatch:
    """Write one batch in a transaction of its own; return it (for the count)."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Simulated rows can be written again: no need to wait for each commit's flush.
            connection.execute(text("SET LOCAL synchronous_commit = off"))
        if batch.keys:
            _write(connection, batch, ids, seed)
        _declines(connection, batch)
    return batch


def insert_synthetic(
    engine: Engine,
    n: int,
    seed: int,
    start: datetime,
    days: int = 56,
    batch_size: int = 20_000,
    advance: Callable[[int], object] = lambda _count: None,
    sample_urban_share: float = POPULATION["urban_rural"][1],
) -> int:
    """Interview ``n`` simulated people (is_test) and store what the engine recorded.

    People who decline leave only the anonymous tally, as in the bot. Return how many
    respondents were stored.
    """
    departments = registry_departments(engine)
    batches = synthetic_batches(n, seed, start, days, batch_size, sample_urban_share, departments)
    questions = load_flow(FLOW_FILE).questions
    ids = IdBlocks.take(
        engine,
        {
            "respondents": n,
            "conversations": n,
            "answers": n * len(questions),
            "topic_codes": n * sum(q.kind == "text" for q in questions),
        },
    )
    # PostgreSQL takes batches on several connections at once while the next ones are being
    # interviewed here; SQLite has one writer.
    writers = WRITERS if engine.dialect.name == "postgresql" else 1
    stored = 0
    with ThreadPoolExecutor(writers) as pool:
        pending: deque[Future[SyntheticBatch]] = deque()
        try:
            for batch in batches:
                while pending and (len(pending) >= writers or pending[0].done()):
                    stored += _finished(pending.popleft(), advance)
                pending.append(pool.submit(_store, engine, batch, ids.for_batch(batch), seed))
            while pending:
                stored += _finished(pending.popleft(), advance)
        except BaseException:
            pool.shutdown(cancel_futures=True)
            raise
    return stored


def _finished(write: Future[SyntheticBatch], advance: Callable[[int], object]) -> int:
    """Wait for a batch's write (raising its error); report progress; return the respondents."""
    batch = write.result()
    advance(len(batch.keys) + len(batch.declined))
    return len(batch.keys)
