"""Exports: the indicator table's columns, SDMX-CSV, microdata that round-trips with labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from openpyxl import load_workbook

from analytics.codebook import AREAS, NO_ANSWER, NOT_ASKED
from analytics.errors import NoDataError
from analytics.estimates import TABLE_COLUMNS
from analytics.export import write_indicators_csv, write_indicators_xlsx
from analytics.load import Period, csv_chunks
from analytics.microdata import ARROW, long_rows, wide_frames, write_csv, write_long, write_wide
from analytics.sdmx import COLUMNS, sdmx_rows
from analytics.simulate import population_margins, synthetic_batches
from analytics.suppression import Rule, publish
from analytics.tidy import collect
from analytics.weights import rake
from tests.analytics.conftest import SIMULATION_START
from tests.analytics.helpers import table_of

FIRST = [
    "service_area",
    "estimate",
    "attribute",
    "dimension",
    "category",
    "percent",
    "ci_low",
    "ci_high",
    "n_valid",
    "n_positive",
    "n_dk",
    "n_na",
    "n_ra",
    "weighted",
    "suppressed",
]


@pytest.fixture(scope="module")
def batches():
    return list(synthetic_batches(3000, seed=21, start=SIMULATION_START, batch_size=1000))


@pytest.fixture(scope="module")
def data(batches):
    return collect((batch.answers for batch in batches), Period())


@pytest.fixture(scope="module")
def published(data):
    weights, _ = rake(data.respondents, population_margins())
    return [
        publish(table_of(data, area, [("sex",), ("age_band", "urban_rural")], weights), Rule(30))
        for area in AREAS
    ]


def test_the_indicator_csv_starts_with_the_contract_columns(published, tmp_path):
    path = tmp_path / "indicators.csv"
    rows = write_indicators_csv(published, path)
    table = pd.read_csv(path)
    assert list(table.columns[:15]) == FIRST == TABLE_COLUMNS[:15]
    assert len(table) == rows
    assert set(table["estimate"]) == {"attribute", "attribute_average", "overall_satisfaction"}
    assert set(table["weighted"]) == {True, False}
    national = table[(table["dimension"] == "total") & (table["category"] == "total")]
    assert len(national) == 4 * 7 * 2
    combined = table[table["dimension"] == "age_band+urban_rural"]
    assert "3+1" in set(combined["category"])


def test_the_excel_table_carries_a_sheet_describing_period_versions_and_methods(
    published, tmp_path
):
    path = tmp_path / "indicators.xlsx"
    about = [
        ("period", "2026-01-05 to 2026-03-01"),
        ("flow versions", "sdg16_6_2@2026.11.1"),
        ("weighting", "raked to sex, age band"),
    ]
    write_indicators_xlsx(published, about, path)
    workbook = load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["indicators", "about"]
    header = next(workbook["indicators"].iter_rows(values_only=True))
    assert list(header[:15]) == FIRST
    notes = dict(workbook["about"].iter_rows(min_row=2, values_only=True))
    assert notes["flow versions"] == "sdg16_6_2@2026.11.1"


def test_sdmx_rows_carry_the_sdg_series_and_dimension_codes(published):
    table = pd.concat(published, ignore_index=True)
    sdmx = sdmx_rows(table, "2026", income_quintiles=True)
    assert list(sdmx.columns) == COLUMNS
    for name in (
        "SERIES",
        "SEX",
        "AGE",
        "URBANISATION",
        "INCOME_WEALTH_QUANTILE",
        "DISABILITY_STATUS",
        "UNIT_MEASURE",
        "OBS_VALUE",
    ):
        assert name in sdmx.columns
    assert set(sdmx["SERIES"]) == {
        f"SP_PSR_{kind}_{area}"
        for kind in ("SATIS", "OSATIS")
        for area in ("HLTH", "PRM", "SEC", "GOV")
    }
    assert set(sdmx["UNIT_MEASURE"]) == {"PT"}
    assert set(sdmx["SEX"]) == {"M", "F", "_T"}
    assert set(sdmx["AGE"]) <= {"Y18T24", "Y25T34", "Y35T44", "Y45T54", "Y55T64", "Y_GE65", "_T"}
    total = sdmx[
        (sdmx["SERIES"] == "SP_PSR_OSATIS_HLTH")
        & (sdmx["SEX"] == "_T")
        & (sdmx["AGE"] == "_T")
        & (sdmx["URBANISATION"] == "_T")
    ]
    expected = table[
        (table["service_area"] == "healthcare")
        & table["weighted"]
        & (table["estimate"] == "overall_satisfaction")
        & (table["dimension"] == "total")
    ]
    assert total["OBS_VALUE"].iloc[0] == pytest.approx(expected["percent"].iloc[0], abs=0.005)
    # Small and unknown cells never reach the SDG file.
    assert len(sdmx) < len(
        table[
            table["weighted"]
            & table["estimate"].isin(["attribute_average", "overall_satisfaction"])
        ]
    )


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_wide_microdata_reads_back_with_its_value_labels(data, tmp_path, fmt):
    weights, _ = rake(data.respondents, population_margins())
    path = tmp_path / f"wide.{fmt}"
    write_wide(wide_frames(data, weights, slice_rows=1000), path, fmt)
    if fmt == "sav":  # 97-99 are user-missing: read them as codes, not as blanks
        back, meta = pyreadstat.read_sav(str(path), user_missing=True)
    else:
        back, meta = pyreadstat.read_dta(str(path))

    assert len(back) == len(data) and back["respondent"].str.len().eq(64).all()
    labels = meta.variable_value_labels
    assert labels["hc_accessibility"][3] == "Strongly agree"
    assert labels["hc_overall"][2] == "Satisfied"
    assert labels["hc_overall"][98] == "Don't know"
    assert labels["sex"][1] == "Male" and labels["sex"][2] == "Female"
    assert labels["disability"][1] == "With disability"
    assert meta.column_names_to_labels["urban_rural"] == "Urban or rural residence"
    original = data.codes["hc_overall"].to_numpy()
    # Not asked reads 95 and given up 96 (user-missing in SPSS, as 97-99 are).
    blanks = np.select([original == NOT_ASKED, original == NO_ANSWER], [95, 96], np.nan)
    np.testing.assert_array_equal(
        back["hc_overall"].to_numpy(), np.where(original >= 0, original, blanks)
    )
    assert back["weight"].sum() == pytest.approx(weights.sum())
    if fmt == "sav":
        assert meta.missing_ranges["hc_overall"] == [{"lo": 95.0, "hi": 99.0}]
    assert (tmp_path / "wide.codebook.csv").exists()


def test_long_microdata_has_one_row_per_answer_and_reads_back_as_the_same_estimates(
    batches, data, tmp_path
):
    path = tmp_path / "long.csv"
    rows = write_long((batch.answers for batch in batches), path, "csv")
    assert rows == sum(len(batch.answers) for batch in batches)
    table = pd.read_csv(path, nrows=5)
    assert {"respondent", "service_area", "question_id", "attribute", "code"} <= set(table.columns)
    assert "raw_text" not in table.columns and "psid" not in table.columns

    again = collect(csv_chunks(path, Period(), include_test=True, chunk_rows=20_000), Period())
    pd.testing.assert_frame_equal(
        table_of(again, "healthcare", [("sex",)]), table_of(data, "healthcare", [("sex",)])
    )
    codebook = pd.read_csv(tmp_path / "long.codebook.csv").set_index("variable")
    assert codebook.loc["hc_overall", "value_labels"].startswith("3 = Very satisfied")


def test_long_spss_microdata_labels_the_missing_codes(batches, tmp_path):
    path = tmp_path / "long.sav"
    write_long((batch.answers for batch in batches[:1]), path, "sav")
    back, meta = pyreadstat.read_sav(str(path))
    assert meta.variable_value_labels["code"] == {
        97: "Not applicable",
        98: "Don't know",
        99: "Refused",
    }
    assert set(back["question_id"]) >= {"hc_overall", "sex"}


def test_an_empty_export_raises_and_leaves_no_file(tmp_path):
    for fmt in ("csv", "xlsx", "sav", "dta"):
        path = tmp_path / f"empty.{fmt}"
        with pytest.raises(NoDataError):
            write_long(iter([]), path, fmt)
        assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_fast_and_the_plain_csv_writers_give_the_same_data(batches, tmp_path):
    frames = [long_rows(batch.answers.head(2000)) for batch in batches]
    write_csv(frames, tmp_path / "plain.csv", fast=False)
    if not ARROW:
        pytest.skip("pyarrow is not installed: only the plain writer exists here")
    write_csv(frames, tmp_path / "fast.csv", fast=True)
    plain, fast = pd.read_csv(tmp_path / "plain.csv"), pd.read_csv(tmp_path / "fast.csv")
    assert len(plain) == 6000
    pd.testing.assert_frame_equal(plain, fast, check_dtype=False)  # 10.0 may print as 10
