"""Microdata written in pieces: the same files as from one frame, and a bar while writing."""

from __future__ import annotations

import io
import sys

import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook

from analytics import defaults
from analytics.load import Period
from analytics.microdata import long_rows, wide_frame, wide_frames, write_long, write_wide
from analytics.simulate import population_margins, synthetic_batches
from analytics.tasks import write_microdata
from analytics.tidy import collect
from analytics.weights import rake
from tests.analytics.conftest import SIMULATION_START


@pytest.fixture(scope="module")
def batches():
    return list(synthetic_batches(2500, seed=31, start=SIMULATION_START, batch_size=1000))


@pytest.fixture(scope="module")
def survey(batches):
    data = collect((batch.answers for batch in batches), Period())
    weights, _ = rake(data.respondents, population_margins())
    return data, weights


def _read(path, fmt):
    if fmt == "sav":  # 95-99 are user-missing: read them as codes, not as blanks
        return pyreadstat.read_sav(str(path), user_missing=True)
    return pyreadstat.read_dta(str(path))


def test_wide_csv_and_excel_written_in_slices_equal_the_one_frame_files(survey, tmp_path):
    data, weights = survey
    for fmt in ("csv", "xlsx"):
        write_wide(wide_frames(data, weights, slice_rows=700), tmp_path / f"sliced.{fmt}", fmt)
        write_wide([wide_frame(data, weights)], tmp_path / f"whole.{fmt}", fmt)
    sliced, whole = (tmp_path / "sliced.csv").read_bytes(), (tmp_path / "whole.csv").read_bytes()
    assert sliced == whole and sliced.count(b"\n") == len(data) + 1
    sliced_rows, whole_rows = (_sheet(tmp_path / name) for name in ("sliced.xlsx", "whole.xlsx"))
    assert sliced_rows == whole_rows and len(sliced_rows) == len(data) + 1


def _sheet(path):
    workbook = load_workbook(path, read_only=True)
    try:
        return [list(row) for row in workbook["data"].values]
    finally:
        workbook.close()


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_spss_and_stata_files_read_as_from_plain_float64_columns(survey, tmp_path, fmt):
    # The exporter stacks compact columns (float32 codes, times as numbers); a reader must
    # see exactly what pyreadstat writes from the plain frame: values, types and formats.
    data, weights = survey
    write_wide(wide_frames(data, weights, slice_rows=700), tmp_path / f"compact.{fmt}", fmt)
    plain = wide_frame(data, weights)
    for name in plain.columns:
        if pd.api.types.is_numeric_dtype(plain[name]):
            plain[name] = plain[name].astype("float64")
        elif not pd.api.types.is_datetime64_any_dtype(plain[name]):
            plain[name] = plain[name].astype(object).where(plain[name].notna(), "").astype(str)
    writer = pyreadstat.write_sav if fmt == "sav" else pyreadstat.write_dta
    writer(plain, str(tmp_path / f"plain.{fmt}"))

    compact, compact_meta = _read(tmp_path / f"compact.{fmt}", fmt)
    expected, expected_meta = _read(tmp_path / f"plain.{fmt}", fmt)
    pd.testing.assert_frame_equal(compact, expected)
    assert compact["first_at"].min() >= pd.Timestamp(SIMULATION_START)
    assert compact_meta.original_variable_types == expected_meta.original_variable_types
    assert compact_meta.readstat_variable_types == expected_meta.readstat_variable_types


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_long_spss_and_stata_keep_the_time_of_each_answer(batches, tmp_path, fmt):
    # Times of whole seconds were written as 1970-01-01 by pyreadstat's own conversion.
    answers = batches[0].answers.head(3000)
    write_long([answers], tmp_path / f"long.{fmt}", fmt)
    back, _ = _read(tmp_path / f"long.{fmt}", fmt)
    expected = long_rows(answers)["answered_at"].reset_index(drop=True)
    pd.testing.assert_series_equal(
        back["answered_at"], expected.astype("datetime64[ns]"), check_dtype=False
    )


class _Terminal(io.StringIO):
    """Stand in for a terminal on stderr, where the progress bars are drawn."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("fmt", "step"), [("csv", "writing"), ("xlsx", "writing"), ("sav", "preparing")]
)
def test_the_wide_export_shows_respondents_written_and_their_rate(
    batches, survey, tmp_path, monkeypatch, fmt, step
):
    data, _ = survey
    answers = tmp_path / "answers.csv"
    write_long((batch.answers for batch in batches), answers, "csv")
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    said: list[str] = []
    message = write_microdata(
        lambda: pytest.fail("the export reads the file given, not the database"),
        tmp_path / f"wide.{fmt}",
        fmt,
        True,
        Period(),
        None,
        defaults.TRIM,
        True,
        answers,
        said.append,
    )
    shown = terminal.getvalue()
    assert f"wrote {len(data):,} rows" in message
    assert f"{step}: 100%" in shown and f"{len(data)}/{len(data)}" in shown
    assert "respondents/s]" in shown and "answers/s]" in shown
    assert any("one call" in line for line in said) == (fmt == "sav")
