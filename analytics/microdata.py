"""Pseudonymous microdata, long (one row per answered item) and wide (one row per respondent).

Respondents appear only by ``respondent_key`` (an HMAC, never the PSID). Free text is never
exported: it can hold names and ID numbers; the coded topics stand for it. Every file comes
with a codebook: variable labels, value labels, question texts and routing, all read from the
flow file (analytics/codebook.py), embedded in SPSS and Stata files and written beside the
others. In the wide form a coded question not asked is 95 and one given up is 96.

CSV and Excel are written as the rows stream in. SPSS and Stata files are written in one
call of pyreadstat, so the whole frame is held in memory then (for the wide form, 8 bytes
per cell: about 0.6 GB for a million respondents).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from queue import Queue
from threading import Thread

import numpy as np
import pandas as pd
import pyreadstat
from openpyxl import Workbook
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
from analytics.errors import InputError, NoDataError
from analytics.export import atomic_output
from analytics.tidy import SurveyData

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
_SHEET_ROWS = 1_048_575  # Excel's row limit, less the header
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


def wide_frame(data: SurveyData, weights: np.ndarray | None = None) -> pd.DataFrame:
    """Return one row per respondent: breakdown variables, weight, then every coded answer."""
    people = data.respondents
    frame = pd.DataFrame({"respondent": people.index.astype(str)}, index=people.index)
    for name in RESPONDENT_COLUMNS:
        # language and gov_online are questions too: the raw answer column below keeps 97-99.
        if name in people.columns and name not in data.codes.columns:
            frame[name] = people[name]
    if weights is not None:
        frame["weight"] = weights
    for qid in data.codes.columns:
        if qid in data.values.columns:
            frame[qid] = data.values[qid]
            continue
        codes = data.codes[qid].to_numpy()
        if (codes < 0).all():
            continue  # free text or never answered: nothing to export
        codes = np.select(
            [codes == NOT_ASKED, codes == NO_ANSWER], [WIDE_NOT_ASKED, WIDE_GAVE_UP], codes
        )
        frame[qid] = pd.arrays.IntegerArray(codes.astype(np.int16), mask=codes < 0)
    return frame.reset_index(drop=True)


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
    matters for tens of millions of answer rows), in a thread of its own: it releases the
    GIL, so the next chunk is read and shaped while the last one is written. Otherwise
    pandas writes the same columns.
    """
    count = 0
    with atomic_output(path) as temporary:
        if fast:
            count = _write_csv_arrow((pyarrow.Table.from_pandas(f, preserve_index=False)
                                      for f in frames), temporary)  # fmt: skip
        else:
            with open(temporary, "wb") as handle:
                for frame in frames:
                    frame.to_csv(handle, mode="wb", index=False, header=count == 0)
                    count += len(frame)
        if count == 0:
            raise NoDataError("no answers to export for this period")
    return count


def _write_csv_arrow(tables: Iterable[pyarrow.Table], path: Path) -> int:
    """Write Arrow tables to one CSV through a writer thread; return the number of rows."""
    queue: Queue[pyarrow.Table | None] = Queue(maxsize=2)
    failure: list[BaseException] = []

    def write() -> None:
        # Arrow writes through its own file handle: through Python's it is slower.
        with pyarrow.OSFile(str(path), "wb") as handle:
            first = True
            while (table := queue.get()) is not None:
                if failure:
                    continue  # drain, so the producer never blocks on a dead writer
                try:
                    arrow_csv.write_csv(table, handle, arrow_csv.WriteOptions(include_header=first))
                    first = False
                except BaseException as exc:  # surfaced in the caller's thread below
                    failure.append(exc)

    writer = Thread(target=write, name="csv-writer", daemon=True)
    writer.start()
    count = 0
    try:
        for table in tables:
            if failure:
                break
            queue.put(table)
            count += table.num_rows
    finally:
        queue.put(None)
        writer.join()
    if failure:
        raise failure[0]
    return count


def _write_codebook_csv(book: pd.DataFrame, path: Path) -> Path:
    target = path.with_name(path.stem + ".codebook.csv")
    with atomic_output(target) as temporary:
        book.to_csv(temporary, index=False)
    return target


def _write_xlsx(frames: Iterable[pd.DataFrame], book: pd.DataFrame, path: Path) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    rows = 0
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
    with atomic_output(path) as temporary:
        workbook.save(temporary)
    return rows


def _cell(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


def _write_labelled(frame: pd.DataFrame, book: pd.DataFrame, path: Path, fmt: str) -> None:
    if frame.empty:
        raise NoDataError("no answers to export for this period")
    columns = book[book["kind"] == "variable"]
    labels = dict(zip(columns["variable"], columns["label"], strict=True))
    value_sets = _value_label_sets(book, frame)
    frame = frame.copy()
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            continue
        if pd.api.types.is_numeric_dtype(values):
            frame[column] = values.astype("float64")
        else:  # text, categories: plain strings, empty where missing
            frame[column] = values.astype(object).where(values.notna(), "").astype(str)
    with atomic_output(path) as temporary:
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
            )
        else:
            pyreadstat.write_dta(
                frame, temporary, column_labels=labels, variable_value_labels=value_sets
            )


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
        frames, count = [], 0
        for frame in rows:
            count += len(frame)
            if count > LABELLED_LONG_LIMIT:
                raise InputError(
                    f"the long form of more than {LABELLED_LONG_LIMIT:,} answers is too large "
                    "to build in memory for SPSS or Stata; export it as CSV, or use --wide"
                )
            frames.append(frame)
        _write_labelled(
            pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(), book, path, fmt
        )
    if fmt != "xlsx":
        _write_codebook_csv(book, path)
    return count


def write_wide(frame: pd.DataFrame, path: str | Path, fmt: str, slice_rows: int = 100_000) -> int:
    """Write the wide form (one row per respondent); return the number of rows."""
    path = Path(path)
    book = codebook(list(frame.columns), long_form=False)
    slices = (frame.iloc[start : start + slice_rows] for start in range(0, len(frame), slice_rows))
    if fmt == "csv":
        write_csv(slices, path)
    elif fmt == "xlsx":
        _write_xlsx(slices, book, path)
    else:
        _write_labelled(frame, book, path, fmt)
    if fmt != "xlsx":
        _write_codebook_csv(book, path)
    return len(frame)
