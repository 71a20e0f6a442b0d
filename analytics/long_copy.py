"""The long microdata CSV from PostgreSQL as Arrow batches: no Python object per answer.

Tens of millions of answer rows are too many to turn into Python objects and back into text
(about eight minutes for a million respondents that way). Here each interview's packed
answers (``interview_answers``, ``analytics.answer_packs``) come through the binary COPY
protocol as Arrow record batches (ADBC, as ``analytics.store`` reads the records): one row
per interview, whose bytes become the answers' columns with one ``frombuffer``. They go to
Arrow's CSV writer, the same writer and the same column types as the generic path
(``analytics.microdata``), in interview and answer order. A test holds the two paths to the
same bytes.

What is the same for all answers of an interview or of a question is read once
(``analytics.long_interviews``), and so is what chooses each person's latest interview, and
the answer rows of the few interviews without a usable record ("strays"), which are merged
into the stream in interview order.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import numpy as np
import pyarrow
import pyarrow.compute as pc
from sqlalchemy import Engine, select
from tqdm import tqdm

from analytics.answer_packs import ANSWER_LAYOUT, NO_CODE, NO_TIME
from analytics.errors import OUT_OF_STEP, RecordsOutOfStep
from analytics.load import Period
from analytics.long_interviews import Interviews, read_interviews
from analytics.microdata import LONG_COLUMNS, write_csv_batches, write_long_codebook
from analytics.postgres_arrow import snapshot
from analytics.read_ahead import read_ahead
from bot.models import InterviewAnswers

EXPORT_WORK_MEM = "256MB"  # for this export's transaction only
READ_AHEAD = 2  # batches decoded while the one before is joined and written
# Interviews per table handed to the writer (about 115,000 answers, 25 MB): the driver's
# batches are larger, and the writer holds a few tables at a time.
PACKS_PER_TABLE = 4096
_PACKS = InterviewAnswers.__table__.c


def _batches(engine: Engine, period: Period, include_test: bool) -> Iterator[pyarrow.Table]:
    # The records and the answers are read in one snapshot, whatever the bot writes.
    with snapshot(engine) as reading:
        # Finding the people on more than one record groups a million keys, which the
        # server's default 4 MB per hash would spill to disk.
        reading.run(f"SET LOCAL work_mem = '{EXPORT_WORK_MEM}'")
        interviews = read_interviews(reading, period, include_test)
        strays = interviews.stray_rows(period, include_test)
        stray_at = strays.column("conversation").to_numpy()
        merged, met = 0, 0
        query = select(_PACKS.conversation_id, _PACKS.answers).order_by(_PACKS.conversation_id)
        # Closed before the snapshot is: its thread must stop reading the connection first.
        with (
            closing(read_ahead(reading.batches(query), READ_AHEAD, "answer-reader")) as packs,
            tqdm(unit=" answers", desc="writing", disable=None) as bar,
        ):
            for batch in _slices(packs):
                conversation = batch.column(0).to_numpy()
                chosen = interviews.packed(conversation)
                met += int(chosen.sum())
                rows = _unpacked(batch.filter(pyarrow.array(chosen)), interviews, period)
                # The strays up to this batch's last interview go in among its rows.
                upto = int(np.searchsorted(stray_at, conversation[-1], side="right"))
                rows = _merged(rows, strays.slice(merged, upto - merged))
                merged = upto
                bar.update(rows.num_rows)
                if rows.num_rows:
                    yield rows
            if met != interviews.packs_expected:
                raise RecordsOutOfStep(OUT_OF_STEP)
            rest = _stray_table(strays.slice(merged))  # already in interview order
            bar.update(rest.num_rows)
            if rest.num_rows:
                yield rest


def _slices(batches: Iterator[pyarrow.RecordBatch]) -> Iterator[pyarrow.RecordBatch]:
    """Yield the batches' rows in slices of at most ``PACKS_PER_TABLE``."""
    for batch in batches:
        for start in range(0, batch.num_rows, PACKS_PER_TABLE):
            yield batch.slice(start, PACKS_PER_TABLE)


def _unpacked(
    batch: pyarrow.RecordBatch,
    interviews: Interviews,
    period: Period,
) -> pyarrow.Table:
    """Return the answers that count of a batch of packed interviews, in the long form."""
    answers, counts = _entries(batch.column(1))
    conversation = np.repeat(batch.column(0).to_numpy(), counts)
    answered = answers["answered_at"]
    slot = answers["slot"].astype(np.int64)
    kept = period.contains_micros(answered) | interviews.demographic(slot)
    if not kept.all():
        answers, conversation, slot = answers[kept], conversation[kept], slot[kept]
        answered = answers["answered_at"]
    code, asked = answers["code"], answers["asked_at"]
    columns = {
        "conversation": pyarrow.array(conversation),
        "code": pyarrow.array(code.astype(np.int32), mask=code == NO_CODE),
        "value": pyarrow.array(answers["value"], from_pandas=True),  # NaN is none
        "label": interviews.named("label", answers["label"]),  # NO_LABEL (-1): none
        "method": interviews.named("method", answers["method"]),
        "answered_at": pyarrow.array(answered, pyarrow.timestamp("us")),
        "seconds_to_answer": _seconds(answered, asked),
        "reasks": pyarrow.array(answers["reasks"].astype(np.int32)),
    }
    shared = interviews.columns(conversation, slot)
    columns.update(zip(shared.column_names, shared.columns, strict=True))
    return pyarrow.table({name: columns[name] for name in LONG_COLUMNS})


def _entries(packs: pyarrow.Array) -> tuple[np.ndarray, np.ndarray]:
    """Return the answers of a column of packs as one array, and how many each pack holds."""
    offsets = np.frombuffer(packs.buffers()[1], dtype=np.int32)
    offsets = offsets[packs.offset : packs.offset + len(packs) + 1]
    sizes = np.diff(offsets)
    if (sizes % ANSWER_LAYOUT.itemsize).any():
        raise RecordsOutOfStep(OUT_OF_STEP)
    if len(packs) == 0 or offsets[-1] == offsets[0]:
        return np.empty(0, ANSWER_LAYOUT), sizes
    data = np.frombuffer(packs.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    return np.frombuffer(data, ANSWER_LAYOUT), sizes // ANSWER_LAYOUT.itemsize


def _seconds(answered: np.ndarray, asked: np.ndarray) -> pyarrow.Array:
    """Return the seconds each answer took, from the times (microseconds) asked and answered.

    Whole microseconds over a million, divided in floating point, give the same nearest
    double as PostgreSQL's decimal epoch of the interval, and as pandas' seconds.
    """
    with np.errstate(over="ignore"):  # where nothing was asked: left out below
        seconds = (answered - asked).astype(np.float64) / 1_000_000.0
    return pyarrow.array(seconds, mask=asked == NO_TIME)


def _merged(rows: pyarrow.Table, strays: pyarrow.Table) -> pyarrow.Table:
    """Put strays' answers among packed ones, in interview order (answer order within)."""
    if strays.num_rows == 0:
        return rows
    together = pyarrow.concat_tables([rows, _stray_table(strays).cast(rows.schema)])
    order = np.argsort(together.column("conversation").to_numpy(), kind="stable")
    return together.take(pyarrow.array(order))


def _stray_table(strays: pyarrow.Table) -> pyarrow.Table:
    """Return strays' answer rows in the long form."""
    columns = dict(zip(strays.column_names, strays.columns, strict=True))
    answered, asked = (
        pc.cast(columns[name], pyarrow.int64()).fill_null(NO_TIME).to_numpy()
        for name in ("answered_at", "asked_at")
    )
    columns["seconds_to_answer"] = _seconds(answered, asked)
    return pyarrow.table({name: columns[name] for name in LONG_COLUMNS})


def copy_long_csv(engine: Engine, period: Period, include_test: bool, path: str | Path) -> int:
    """Write the long form as CSV with its codebook beside it; return the number of rows."""
    path = Path(path)
    # The writer's read_ahead closes the batches, and so cancels the query, if it fails.
    rows = write_csv_batches(_batches(engine, period, include_test), path)
    write_long_codebook(path)
    return rows
