"""Pseudonymous microdata, long (one row per answered item) and wide (one row per respondent).

Respondents appear only by ``respondent_key`` (an HMAC, never the PSID). Free text is never
exported: it can hold names and ID numbers; the coded topics stand for it. Every file comes
with a codebook: variable labels, value labels, question texts and routing, all read from the
flow file (analytics/codebook.py), embedded in SPSS and Stata files and written beside the
others. In the wide form a coded question not asked is 95 and one given up is 96.

CSV and Excel are written as the rows stream in: the long form chunk by chunk from the
database, the wide form in slices of respondents. SPSS and Stata files are written in one
call of pyreadstat, which cannot append, so their whole frame is held in memory then, in the
most compact column types the writer takes (codes as 4-byte floats: about 0.25 GB for the
codes of a million respondents).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, contextmanager
from itertools import chain
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
from pyreadstat.pyclasses import MissingRange

from analytics.codebook import (
    DIMENSIONS,
    DISABILITY,
    MISSING_CODES,
    NA,
    NO_ANSWER,
    NOT_ASKED,
    QUESTION_BY_ID,
    QUESTIONS,
    RA,
    Question,
    value_labels,
    variable_label,
)
from analytics.errors import (
    FREE_SPACE,
    InputError,
    NoDataError,
    output_error,
)
from analytics.export import atomic_output
from analytics.read_ahead import read_ahead
from analytics.tidy import SurveyData
from analytics.workbooks import saved_workbook

try:
    import pyarrow
    from pyarrow import csv as arrow_csv

    ARROW = True
except ImportError:  # pandas writes the CSV files instead, more slowly
    ARROW = False

LONG_COLUMNS = {
    "respondent": "Pseudonymous respondent key (HMAC of page and PSID)",
    "conversation": "Interview number",
    "service_area": "Service area",
    "question_id": "Question id (data contract)",
    "item": "Kind of item: attribute, overall, filter, demographic, time_cost, other",
    "attribute": "Attribute rated (attribute and overall items)",
    "code": "Answer code (see the question's value labels; 97 NA, 98 DK, 99 RA)",
    "value": "Numeric answer (time and cost items)",
    "label": "English label of the code",
    "method": "How the answer was read: button, nlu, keyword, confirmation, routing, gave_up",
    "lang": "Language of the interview at the answer (en, tn)",
    "department": "Referral code that brought the respondent",
    "flow_id": "Questionnaire (flow) id",
    "flow_version": "Questionnaire (flow) version",
    "answered_at": "Time of the answer (UTC)",
    "seconds_to_answer": "Seconds between the question and the answer",
    "reasks": "Times the question was asked again",
    "is_test": "Test or simulated data (excluded from estimates by default)",
}
RESPONDENT_COLUMNS = {
    "respondent": "Pseudonymous respondent key (HMAC of page and PSID)",
    "sex": "Sex",
    "age_band": "Age band",
    "district": "District",
    "urban_rural": "Urban or rural residence",
    "income_band": "Household income band",
    "disability": "Disability status (Washington Group: any domain a lot of difficulty or worse)",
    "language": "Interview language",
    "department": "Referral code that brought the respondent",
    "gov_online": "Applied online for the last government document",
    "week": "ISO week of the interview",
    "month": "Month of the interview",
    "first_at": "Time of the first answer in the period (UTC)",
    "weight": "Raking weight (population margins)",
}
# The wide form gives its own codes to the two kinds of blank of a coded question, so that an
# analyst can tell a question routed past from one the person could not answer. They are
# user-missing in SPSS with 97-99 (the flow validator keeps 95 and 96 free of options).
WIDE_NOT_ASKED, WIDE_GAVE_UP = 95, 96
WIDE_MISSING = {
    WIDE_NOT_ASKED: "Not asked (routed past, or the interview ended before it)",
    WIDE_GAVE_UP: "No answer (gave up after three re-asks)",
}
WRITE_AHEAD = 2  # tables made while the last one is written
# Arrow's CSV writer formats on one core; pieces of each table are formatted on two at once.
CSV_THREADS = 2
CSV_PIECE_ROWS = 32_768  # rows formatted at a time: about 7 MB of the long form's text
CSV_PIECES_AHEAD = 8  # formatted pieces waiting to be written, at most
_SHEET_ROWS = 1_048_575  # Excel's row limit, less the header
# Respondents per slice of the wide form written to CSV or Excel: about 10 MB of codes.
WIDE_SLICE_ROWS = 50_000
# SPSS and Stata files are written from one frame in memory; beyond this, CSV or --wide.
LABELLED_LONG_LIMIT = 5_000_000


def long_rows(chunk: pd.DataFrame) -> pd.DataFrame:
    """Return answer rows in the pseudonymous long form (no free text, no NLU paradata)."""
    answered = pd.to_datetime(chunk["answered_at"])
    asked = pd.to_datetime(chunk["asked_at"])
    return pd.DataFrame(
        {
            "respondent": chunk["respondent_key"],
            "conversation": chunk["conversation_id"],
            "service_area": chunk["service_area"],
            "question_id": chunk["question_id"],
            "item": chunk["item"],
            "attribute": chunk["attribute"],
            "code": pd.to_numeric(chunk["code"], errors="coerce").astype("Int16"),
            "value": pd.to_numeric(chunk["value"], errors="coerce"),
            "label": chunk["label"],
            "method": chunk["method"],
            "lang": chunk["lang"],
            "department": chunk["department"],
            "flow_id": chunk["flow_id"],
            "flow_version": chunk["flow_version"],
            "answered_at": answered,
            "seconds_to_answer": (answered - asked).dt.total_seconds(),
            "reasks": chunk["reasks"],
            "is_test": chunk["is_test"],
        }
    )


def wide_columns(data: SurveyData, weights: np.ndarray | None = None) -> list[str]:
    """Return the wide form's columns: breakdown variables, weight, then every coded answer.

    Decided on all respondents at once, so that every slice of the form has the same columns.
    """
    # language and gov_online are questions too: their raw answer column keeps 97-99.
    names = [
        name
        for name in RESPONDENT_COLUMNS
        if name == "respondent"
        or (name in data.respondents.columns and name not in data.codes.columns)
    ]
    if weights is not None:
        names.append("weight")
    for qid in data.codes.columns:
        # Free text and questions never answered have nothing to export.
        if qid in data.values.columns or (data.codes[qid].to_numpy() >= 0).any():
            names.append(qid)
    return names


def wide_column(
    data: SurveyData, weights: np.ndarray | None, name: str, rows: slice = slice(None)
) -> pd.Series:
    """Return one column of the wide form for a slice of respondents."""
    if name == "respondent":
        return pd.Series(data.respondents.index[rows].astype(str))
    if name == "weight":
        return pd.Series(np.asarray(weights)[rows])
    if name in data.values.columns:
        return data.values[name].iloc[rows].reset_index(drop=True)
    if name not in data.codes.columns:
        return data.respondents[name].iloc[rows].reset_index(drop=True)
    codes = data.codes[name].to_numpy()[rows]
    codes = np.select(
        [codes == NOT_ASKED, codes == NO_ANSWER], [WIDE_NOT_ASKED, WIDE_GAVE_UP], codes
    )
    return pd.Series(pd.arrays.IntegerArray(codes.astype(np.int16), mask=codes < 0))


def wide_frames(
    data: SurveyData, weights: np.ndarray | None = None, slice_rows: int = WIDE_SLICE_ROWS
) -> Iterator[pd.DataFrame]:
    """Yield the wide form (one row per respondent) in slices of ``slice_rows`` respondents."""
    names = wide_columns(data, weights)
    for start in range(0, len(data), slice_rows):
        rows = slice(start, start + slice_rows)
        yield pd.DataFrame({name: wide_column(data, weights, name, rows) for name in names})


def wide_frame(data: SurveyData, weights: np.ndarray | None = None) -> pd.DataFrame:
    """Return the whole wide form as one frame (to look at it; the writers take slices)."""
    return pd.concat(wide_frames(data, weights), ignore_index=True)


def _respondent_labels(name: str) -> dict[int, str]:
    if name == "disability":
        return dict(DISABILITY)
    return dict(DIMENSIONS.get(name) or {})


def codebook(columns: list[str], long_form: bool) -> pd.DataFrame:
    """Return the codebook of a microdata file: variable, label, value labels, texts, routing.

    Question labels, value labels, texts (English and Setswana) and routing notes come from
    the flow file (``analytics.codebook``). The long form's ``code`` means what the row's
    question says, so its codebook also lists every question of the flow with its own labels.
    """
    described = LONG_COLUMNS if long_form else RESPONDENT_COLUMNS
    rows: list[tuple[str, str, str, dict[int, str], Question | None]] = []
    for column in columns:
        question = None if long_form else QUESTION_BY_ID.get(column)
        if long_form:
            labels = dict(MISSING_CODES) if column == "code" else {}
            rows.append(("variable", column, described[column], labels, None))
        elif question is not None:
            labels = value_labels(column)
            if labels:  # a coded question: the wide form's two kinds of blank have codes
                labels |= WIDE_MISSING
            rows.append(("variable", column, variable_label(column), labels, question))
        else:
            labels = _respondent_labels(column)
            rows.append(("variable", column, described.get(column, column), labels, None))
    if long_form:
        rows += [("question", q.question_id, q.label, q.values, q) for q in QUESTIONS]
    frame = pd.DataFrame([row[:4] for row in rows], columns=["kind", "variable", "label", "values"])
    for lang in ("en", "tn"):
        frame[f"text_{lang}"] = [q.texts.get(lang, "") if q else "" for *_, q in rows]
    frame["routing"] = [q.routing if q else "" for *_, q in rows]
    frame["value_labels"] = frame.pop("values").map(
        lambda labels: "; ".join(f"{code} = {text}" for code, text in labels.items())
    )
    return frame


def _value_label_sets(book: pd.DataFrame, frame: pd.DataFrame) -> dict[str, dict[float, str]]:
    sets = {}
    columns = book[book["kind"] == "variable"]
    for variable, text in zip(columns["variable"], columns["value_labels"], strict=True):
        numeric = variable in frame.columns and pd.api.types.is_numeric_dtype(frame[variable])
        if text and numeric:
            pairs = (part.split(" = ", 1) for part in text.split("; "))
            sets[variable] = {float(code): label for code, label in pairs}
    return sets


def write_csv(frames: Iterable[pd.DataFrame], path: Path, fast: bool = ARROW) -> int:
    """Write frames one after another as one CSV file; return the number of rows.

    With pyarrow installed its C++ writer is used (about ten times faster than pandas, which
    matters for tens of millions of answer rows), while the next chunks are read and shaped
    in a thread of their own. Otherwise pandas writes the same columns.
    """
    if fast:
        tables = (pyarrow.Table.from_pandas(frame, preserve_index=False) for frame in frames)
        return write_csv_batches(tables, path)
    count = 0
    with atomic_output(path) as temporary:
        with open(temporary, "wb") as handle:
            for frame in frames:
                frame.to_csv(handle, mode="wb", index=False, header=count == 0)
                count += len(frame)
        if count == 0:
            raise NoDataError("no answers to export for this period")
    return count


def write_csv_batches(tables: Iterable[pyarrow.Table | pyarrow.RecordBatch], path: Path) -> int:
    """Write Arrow tables or batches of the same columns as one CSV file; return the rows."""
    with atomic_output(path) as temporary:
        count = _write_csv_arrow(tables, temporary)
        if count == 0:
            raise NoDataError("no answers to export for this period")
    return count


def _write_csv_arrow(tables: Iterable[pyarrow.Table | pyarrow.RecordBatch], path: Path) -> int:
    """Write Arrow tables to one CSV; return the number of rows.

    The tables are made in a thread of their own, a couple ahead. Each is cut into pieces
    that ``CSV_THREADS`` threads format at once (Arrow's writer releases the GIL), and this
    thread writes the texts in order: the same bytes as one writer, on both cores.
    """
    count = 0
    formatted: deque[Future[pyarrow.Buffer]] = deque()
    # Arrow writes through its own file handle: through Python's it is slower.
    with (
        pyarrow.OSFile(str(path), "wb") as handle,
        closing(read_ahead(iter(tables), WRITE_AHEAD, "csv-tables")) as ahead,
        ThreadPoolExecutor(CSV_THREADS, thread_name_prefix="csv-text") as pool,
    ):
        for table in ahead:
            for start in range(0, table.num_rows, CSV_PIECE_ROWS):
                piece = table.slice(start, CSV_PIECE_ROWS)
                formatted.append(pool.submit(_csv_text, piece, count + start == 0))
                while len(formatted) > CSV_PIECES_AHEAD:
                    handle.write(formatted.popleft().result())
            count += table.num_rows
        while formatted:
            handle.write(formatted.popleft().result())
    return count


def _csv_text(table: pyarrow.Table | pyarrow.RecordBatch, header: bool) -> pyarrow.Buffer:
    """Return rows formatted as CSV, with the header line first when asked."""
    sink = pyarrow.BufferOutputStream()
    arrow_csv.write_csv(table, sink, arrow_csv.WriteOptions(include_header=header))
    return sink.getvalue()


def write_long_codebook(path: Path) -> Path:
    """Write the long form's codebook beside its CSV file (``analytics.long_copy``)."""
    return _write_codebook_csv(codebook(list(LONG_COLUMNS), long_form=True), path)


def _write_codebook_csv(book: pd.DataFrame, path: Path) -> Path:
    target = path.with_name(path.stem + ".codebook.csv")
    with atomic_output(target) as temporary:
        book.to_csv(temporary, index=False)
    return target


def _write_xlsx(frames: Iterable[pd.DataFrame], book: pd.DataFrame, path: Path) -> int:
    rows = 0
    with saved_workbook(path) as workbook:
        sheet = workbook.create_sheet("data")
        for frame in frames:
            rows += len(frame)
            if rows > _SHEET_ROWS:
                raise InputError(
                    f"more than {_SHEET_ROWS:,} rows do not fit an Excel sheet; "
                    "export CSV, SPSS or Stata, or the wide form, or a shorter period"
                )
            if rows == len(frame):
                sheet.append(list(frame.columns))
            for record in frame.itertuples(index=False):
                sheet.append([_cell(value) for value in record])
        if rows == 0:
            raise NoDataError("no answers to export for this period")
        notes = workbook.create_sheet("codebook")
        notes.append(list(book.columns))
        for record in book.itertuples(index=False):
            notes.append(list(record))
    return rows


def _cell(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


# pyreadstat's own conversion of datetime64 columns (seconds from its epoch, as a double)
# copies the whole frame first; handing it the same numbers avoids that copy.
_EPOCH_SECONDS = {"sav": 12219379200, "dta": 315619200}  # 1582-10-14 and 1960-01-01
_TIME_FORMATS = {"sav": "DATETIME", "dta": "%tc"}
_UNITS = {"ns": 10**9, "us": 10**6, "ms": 10**3, "s": 1}


def _stamps(values: pd.Series, fmt: str) -> np.ndarray:
    """Return times as the number pyreadstat would write: seconds (Stata: milliseconds) from
    the format's epoch, computed as pyreadstat computes it, so the file is the same."""
    per_second = _UNITS[values.dt.unit]
    ticks = pd.DatetimeIndex(values).asi8  # UTC ticks when the times carry a time zone
    scale = 1000 if fmt == "dta" else 1
    whole = (ticks // per_second + _EPOCH_SECONDS[fmt]).astype(np.float64)
    number = whole * scale + (ticks % per_second).astype(np.float64) / per_second * scale
    return np.where(values.isna().to_numpy(), np.nan, number)


def _labelled(values: pd.Series, fmt: str) -> pd.Series:
    """Return a column as the SPSS and Stata writers take it, in a new array of its own.

    Every number is written as a double; codes travel as float32 (exact for 16-bit codes,
    half the memory of float64). Text becomes plain strings, empty where missing.
    """
    if pd.api.types.is_bool_dtype(values):
        return values.copy()
    if pd.api.types.is_datetime64_any_dtype(values):
        return pd.Series(_stamps(values, fmt))
    if pd.api.types.is_numeric_dtype(values):
        small = pd.api.types.is_integer_dtype(values) and values.dtype.itemsize <= 2
        kind = np.float32 if small else np.float64
        return pd.Series(values.to_numpy(dtype=kind, na_value=np.nan, copy=True))
    return values.astype(object).where(values.notna(), "").astype(str).reset_index(drop=True)


def _stacked(frames: Iterable[pd.DataFrame], fmt: str) -> tuple[pd.DataFrame, list[str]]:
    """Stack slices into one frame of the writers' column types; return it and its time
    columns. Each column's pieces are let go as soon as the column is built, so the peak is
    the frame plus one column."""
    pieces: dict[str, list[pd.Series]] = {}
    times: list[str] = []
    for frame in frames:
        for name in frame.columns:
            if not pieces.get(name) and pd.api.types.is_datetime64_any_dtype(frame[name]):
                times.append(name)
            pieces.setdefault(name, []).append(_labelled(frame[name], fmt))
    rows = sum(len(piece) for piece in next(iter(pieces.values()), []))
    stacked = pd.DataFrame(index=pd.RangeIndex(rows))
    for name in list(pieces):
        stacked[name] = pd.concat(pieces.pop(name), ignore_index=True)
    return stacked, times


def _write_labelled(
    frames: Iterable[pd.DataFrame], book: pd.DataFrame, path: Path, fmt: str
) -> int:
    """Write SPSS or Stata in one call of pyreadstat (it cannot append); return the rows."""
    frame, times = _stacked(frames, fmt)
    if frame.empty:
        raise NoDataError("no answers to export for this period")
    columns = book[book["kind"] == "variable"]
    labels = dict(zip(columns["variable"], columns["label"], strict=True))
    value_sets = _value_label_sets(book, frame)
    formats = {name: _TIME_FORMATS[fmt] for name in times}
    with atomic_output(path) as temporary, _readstat_refusals(path):
        if fmt == "sav":
            # 97-99 are user-missing in SPSS, so its default statistics leave them out.
            lowest = min(WIDE_MISSING)
            missing: dict[str, list[int | float | str | MissingRange]] = {
                name: [MissingRange(lo=lowest if lowest in values else NA, hi=RA)]
                for name, values in value_sets.items()
                if float(RA) in values
            }
            pyreadstat.write_sav(
                frame,
                temporary,
                column_labels=labels,
                variable_value_labels=value_sets,
                missing_ranges=missing,
                variable_format=formats,
            )
        else:
            pyreadstat.write_dta(
                frame,
                temporary,
                column_labels=labels,
                variable_value_labels=value_sets,
                variable_format=formats,
            )
    return len(frame)


@contextmanager
def _readstat_refusals(path: Path) -> Iterator[None]:
    """Name the file when readstat fails to write it: it gives no reason, unlike the OS."""
    try:
        yield
    except pyreadstat.ReadstatError as error:
        if str(error) != "Unable to write data":
            raise
        reason = "the SPSS and Stata writer could not write its data; is the disk full?"
        raise output_error(path, reason, FREE_SPACE) from error


def _limited(rows: Iterable[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Pass the long form's chunks on, refusing more answers than a labelled file can hold."""
    count = 0
    for frame in rows:
        count += len(frame)
        if count > LABELLED_LONG_LIMIT:
            raise InputError(
                f"the long form of more than {LABELLED_LONG_LIMIT:,} answers is too large "
                "to build in memory for SPSS or Stata; export it as CSV, or use --wide"
            )
        yield frame


def write_long(chunks: Iterable[pd.DataFrame], path: str | Path, fmt: str) -> int:
    """Write the long form from streamed answer chunks; return the number of rows."""
    path = Path(path)
    rows = (long_rows(chunk) for chunk in chunks)
    book = codebook(list(LONG_COLUMNS), long_form=True)
    if fmt == "csv":
        count = write_csv(rows, path)
    elif fmt == "xlsx":
        count = _write_xlsx(rows, book, path)
    else:
        count = _write_labelled(_limited(rows), book, path, fmt)
    if fmt != "xlsx":
        _write_codebook_csv(book, path)
    return count


def write_wide(frames: Iterable[pd.DataFrame], path: str | Path, fmt: str) -> int:
    """Write the wide form from slices of respondents (``wide_frames``); return the rows.

    CSV and Excel are written slice by slice. SPSS and Stata are written in one call, from
    one frame of compact columns (see ``_stacked``).
    """
    path = Path(path)
    slices = iter(frames)
    first = next(slices, None)
    if first is None:
        raise NoDataError("no answers to export for this period")
    book = codebook(list(first.columns), long_form=False)
    every = chain([first], slices)
    if fmt == "csv":
        count = write_csv(every, path)
    elif fmt == "xlsx":
        count = _write_xlsx(every, book, path)
    else:
        count = _write_labelled(every, book, path, fmt)
    if fmt != "xlsx":
        _write_codebook_csv(book, path)
    return count
