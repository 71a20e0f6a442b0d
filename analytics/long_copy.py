"""The long microdata CSV from PostgreSQL as Arrow batches: no Python object per answer.

Tens of millions of answer rows are too many to turn into Python objects and back into text
(about eight minutes for a million respondents that way), and even PostgreSQL's text COPY
hands the client one row per call. Here the query's rows come through the binary COPY
protocol as Arrow record batches (ADBC, as ``analytics.store`` reads the records) and go
straight to Arrow's CSV writer, the same writer and the same column types as the generic
path (``analytics.microdata``), in answer order. A test holds the two paths to the same
bytes.

Every value sent costs the server and the client alike, so the stream carries only what
varies from answer to answer. What is the same for all answers of an interview or of a
question is read once (``analytics.long_interviews``), and so is what chooses each person's
latest interview: the server need not do that before it sends the first row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pyarrow
import pyarrow.compute as pc
from sqlalchemy import Engine, Select, SmallInteger, cast, select
from sqlalchemy.sql.elements import ColumnElement
from tqdm import tqdm

from analytics.load import Period, interview_rows
from analytics.long_interviews import Interviews, read_interviews
from analytics.microdata import LONG_COLUMNS, write_csv_batches, write_long_codebook
from analytics.postgres_arrow import snapshot
from analytics.read_ahead import read_ahead
from bot.models import Answer

EXPORT_WORK_MEM = "256MB"  # for this export's transaction only
READ_AHEAD = 2  # batches decoded while the one before is joined and written
_ANSWERS = Answer.__table__.c
PER_ANSWER = {
    "conversation": _ANSWERS.conversation_id,
    "question_id": _ANSWERS.question_id,
    "code": cast(_ANSWERS.code, SmallInteger),  # as the generic path's Int16
    "value": _ANSWERS.value,
    "label": _ANSWERS.label,
    "method": _ANSWERS.method,
    "answered_at": _ANSWERS.answered_at,
    "asked_at": _ANSWERS.asked_at,  # becomes seconds_to_answer in _seconds_to_answer
    "reasks": _ANSWERS.reasks,
}


def _long_form(period: Period, include_test: bool, with_ids: bool) -> Select[Any]:
    """Return the SELECT of the stream.

    The answer id comes along only when some answers must be matched to their own columns.
    """
    columns: list[ColumnElement[Any]] = [e.label(name) for name, e in PER_ANSWER.items()]
    if with_ids:
        columns.append(_ANSWERS.id)
    return select(*columns).where(interview_rows(period, include_test)).order_by(_ANSWERS.id)


def _batches(engine: Engine, period: Period, include_test: bool) -> Iterator[pyarrow.Table]:
    # The records and the answers are read in one snapshot, whatever the bot writes.
    with snapshot(engine) as reading:
        # Finding the people on more than one record groups a million keys, which the
        # server's default 4 MB per hash would spill to disk.
        reading.run(f"SET LOCAL work_mem = '{EXPORT_WORK_MEM}'")
        interviews = read_interviews(reading, period, include_test)
        query = _long_form(period, include_test, interviews.has_strays)
        # Closed before the snapshot is: its thread must stop reading the connection first.
        with (
            closing(read_ahead(reading.batches(query), READ_AHEAD, "answer-reader")) as answers,
            tqdm(unit=" answers", desc="writing", disable=None) as bar,
        ):
            for batch in answers:
                rows = _long_rows(batch, interviews)
                bar.update(rows.num_rows)
                yield rows


def _long_rows(batch: pyarrow.RecordBatch, interviews: Interviews) -> pyarrow.Table:
    """Keep a batch's answers of chosen interviews, with their interviews' columns, in order."""
    kept = interviews.keep(batch.column("conversation").to_numpy())
    if not kept.all():
        batch = batch.filter(pyarrow.array(kept))
    columns = dict(zip(batch.schema.names, batch.columns, strict=True))
    ids = columns.pop("id").to_numpy() if "id" in columns else None
    shared = interviews.columns(columns["conversation"].to_numpy(), columns["question_id"], ids)
    columns["seconds_to_answer"] = _seconds_to_answer(columns["answered_at"], columns["asked_at"])
    columns.update(zip(shared.column_names, shared.columns, strict=True))
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
    # The writer's read_ahead closes the batches, and so cancels the query, if it fails.
    rows = write_csv_batches(_batches(engine, period, include_test), path)
    write_long_codebook(path)
    return rows
