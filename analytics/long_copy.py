"""The long microdata CSV straight from PostgreSQL: the server writes it, we only pass it on.

Tens of millions of answer rows are too many to turn into Python objects and back into text
(about eight minutes for a million respondents that way). PostgreSQL's ``COPY ... TO
STDOUT`` formats the rows itself, on the server, and the client writes the blocks to the
file as they come. The query keeps the same rows as ``analytics.load`` (the same filter, in
answer order) and writes each column exactly as ``analytics.microdata`` does through Arrow:
text quoted, blanks empty and unquoted, times with microseconds, ``true``/``false``. A test
holds the two paths to the same bytes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, case, cast, extract, func, literal, select
from sqlalchemy.dialects import postgresql
from tqdm import tqdm

from analytics.errors import NoDataError
from analytics.export import atomic_output
from analytics.load import Period, answer_filter
from analytics.microdata import LONG_COLUMNS, write_long_codebook
from bot.models import Answer

# The long form's text columns: quoted in every non-blank cell, as Arrow writes strings.
TEXT_COLUMNS = (
    "respondent",
    "service_area",
    "question_id",
    "item",
    "attribute",
    "label",
    "method",
    "lang",
    "department",
    "flow_id",
    "flow_version",
)


def _long_form(period: Period, include_test: bool) -> str:
    """Return the SELECT of the long form, its parameters written in (COPY takes none)."""
    table = Answer.__table__
    c = table.c
    seconds = extract("epoch", c.answered_at - c.asked_at)
    columns = {
        "respondent": c.respondent_key,
        "conversation": c.conversation_id,
        "service_area": c.service_area,
        "question_id": c.question_id,
        "item": c.item,
        "attribute": c.attribute,
        "code": c.code,
        "value": c.value,
        "label": c.label,
        "method": c.method,
        "lang": c.lang,
        "department": c.department,
        "flow_id": c.flow_id,
        "flow_version": c.flow_version,
        "answered_at": func.to_char(c.answered_at, "YYYY-MM-DD HH24:MI:SS.US"),
        "seconds_to_answer": cast(seconds, postgresql.DOUBLE_PRECISION),
        "reasks": c.reasks,
        "is_test": case((c.is_test, literal("true")), else_=literal("false")),
    }
    statement = (
        select(*(expression.label(name) for name, expression in columns.items()))
        .where(answer_filter(period, include_test))
        .order_by(c.id)
    )
    compiled = statement.compile(
        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
    )
    return str(compiled)


def copy_long_csv(engine: Engine, period: Period, include_test: bool, path: str | Path) -> int:
    """Write the long form as CSV with its codebook beside it; return the number of rows."""
    path = Path(path)
    header = ",".join(f'"{name}"' for name in LONG_COLUMNS) + "\n"
    quoted = ", ".join(TEXT_COLUMNS)
    sql = (
        f"COPY ({_long_form(period, include_test)}) TO STDOUT (FORMAT csv, FORCE_QUOTE ({quoted}))"
    )
    connection = engine.raw_connection()
    driver: Any = connection.driver_connection  # psycopg's own connection: it speaks COPY
    try:
        with atomic_output(path) as temporary, open(temporary, "wb") as handle:
            handle.write(header.encode())
            with driver.cursor() as cursor:
                with (
                    cursor.copy(sql) as copy,
                    tqdm(unit=" answers", desc="writing", disable=None) as bar,
                ):
                    for block in copy:
                        handle.write(block)
                        bar.update(bytes(block).count(b"\n"))
                rows = int(cursor.rowcount)  # exact, unlike the bar (a label may hold a newline)
            if rows <= 0:
                raise NoDataError("no answers to export for this period")
    finally:
        connection.close()
    write_long_codebook(path)
    return rows
