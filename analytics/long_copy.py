"""The long microdata CSV from PostgreSQL as Arrow batches: no Python object per answer.

Tens of millions of answer rows are too many to turn into Python objects and back into text
(about eight minutes for a million respondents that way), and even PostgreSQL's text COPY
hands the client one row per call. Here the query's rows come through the binary COPY
protocol as Arrow record batches (ADBC, as ``analytics.store`` reads the records) and go
straight to Arrow's CSV writer, the same writer and the same column types as the generic
path (``analytics.microdata``), in answer order and with the same filter as
``analytics.load``. A test holds the two paths to the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow
import pyarrow.compute as pc
from sqlalchemy import Engine, SmallInteger, cast, select
from tqdm import tqdm

from analytics.load import Period, answer_filter
from analytics.microdata import write_csv_batches, write_long_codebook
from analytics.store import adbc_connect, driver_errors, literal_sql
from bot.models import Answer

EXPORT_WORK_MEM = "256MB"  # for this export's transaction only


def _long_form(engine: Engine, period: Period, include_test: bool) -> str:
    """Return the SELECT of the long form, its parameters written in."""
    c = Answer.__table__.c
    columns = {
        "respondent": c.respondent_key,
        "conversation": c.conversation_id,
        "service_area": c.service_area,
        "question_id": c.question_id,
        "item": c.item,
        "attribute": c.attribute,
        "code": cast(c.code, SmallInteger),  # as the generic path's Int16
        "value": c.value,
        "label": c.label,
        "method": c.method,
        "lang": c.lang,
        "department": c.department,
        "flow_id": c.flow_id,
        "flow_version": c.flow_version,
        "answered_at": c.answered_at,
        "asked_at": c.asked_at,  # becomes seconds_to_answer in _seconds_to_answer
        "reasks": c.reasks,
        "is_test": c.is_test,
    }
    statement = (
        select(*(expression.label(name) for name, expression in columns.items()))
        .where(answer_filter(period, include_test))
        .order_by(c.id)
    )
    return literal_sql(engine, statement)


def _batches(engine: Engine, sql: str) -> Iterator[pyarrow.RecordBatch]:
    with (
        driver_errors(),
        adbc_connect(engine) as connection,
        connection.cursor() as cursor,
        tqdm(unit=" answers", desc="writing", disable=None) as bar,
    ):
        # Picking each person's latest interview groups tens of millions of answers, and the
        # server's default 4 MB per sort or hash spills it to disk (about twice as slow).
        cursor.execute(f"SET LOCAL work_mem = '{EXPORT_WORK_MEM}'")
        cursor.execute(sql)
        for batch in cursor.fetch_record_batch():
            bar.update(batch.num_rows)
            yield _seconds_to_answer(batch)


def _seconds_to_answer(batch: pyarrow.RecordBatch) -> pyarrow.RecordBatch:
    """Replace the time asked by the seconds it took to answer.

    PostgreSQL's epoch of an interval is a decimal, slow to make for every answer (about a
    seventh of the server's work here). Whole microseconds over a million, divided in
    floating point, give the same nearest double as the decimal, and as pandas' seconds.
    """
    index = batch.schema.get_field_index("asked_at")
    waited = pc.subtract(batch.column("answered_at"), batch.column(index))
    micros = pc.cast(pc.cast(waited, pyarrow.int64()), pyarrow.float64())
    seconds = pc.divide(micros, 1_000_000.0)
    return batch.set_column(index, "seconds_to_answer", seconds)


def copy_long_csv(engine: Engine, period: Period, include_test: bool, path: str | Path) -> int:
    """Write the long form as CSV with its codebook beside it; return the number of rows."""
    path = Path(path)
    rows = write_csv_batches(_batches(engine, _long_form(engine, period, include_test)), path)
    write_long_codebook(path)
    return rows
