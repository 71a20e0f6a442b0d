"""Mistyped options and unwritable outputs get a clear message, and SDMX keeps its rules."""

from __future__ import annotations

import resource
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from analytics import codebook
from analytics.breakdowns import parse_breakdowns
from analytics.commands import make_group
from tests.analytics.answers_csv import indicators, write_answers


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Give an exported answers CSV that the commands read with --input."""
    return write_answers(tmp_path_factory.mktemp("answers") / "answers.csv")


def test_a_reversed_period_says_which_day_goes_where(answers, tmp_path):
    out = tmp_path / "table.csv"
    status, output = indicators(answers, "--from", "2026-03-05", "--to", "2026-03-01", "--out", out)
    assert status == 1 and not out.exists()
    assert output.strip() == (
        "Error: --from 2026-03-05 is after --to 2026-03-01: give the earlier day to --from "
        "(both days are included)"
    )


@pytest.mark.parametrize("spec", [",,", "sex+", "sex,,age_band", "+sex", "sex+ +urban_rural"])
def test_an_empty_breakdown_is_refused_naming_the_valid_dimensions(answers, tmp_path, spec):
    out = tmp_path / "table.csv"
    status, output = indicators(answers, "--by", spec, "--out", out)
    assert status == 1 and not out.exists()
    assert f"--by {spec!r} has an empty dimension" in output
    assert "choose from sex, age_band, district, urban_rural, income_band, disability" in output


def test_well_formed_breakdowns_still_parse():
    assert parse_breakdowns(["sex, age_band", "sex+urban_rural"]) == [
        ("sex",),
        ("age_band",),
        ("sex", "urban_rural"),
    ]


def test_sdmx_leaves_out_income_bands_the_flow_does_not_declare_quintiles(answers, tmp_path):
    assert not codebook.income_quintiles()  # the shipped flow's pula bands
    out = tmp_path / "table.sdmx"
    status, output = indicators(
        answers, "--format", "sdmx", "--by", "sex,income_band", "--min-cell", 1, "--out", out
    )
    assert status == 0, output
    assert "leaves out the INCOME_WEALTH_QUANTILE dimension" in output
    sdmx = pd.read_csv(out)
    assert "INCOME_WEALTH_QUANTILE" not in sdmx.columns
    # Only the national and the sex cells: nothing of the income breakdown slips in as a total.
    assert len(sdmx) == 3 and set(sdmx["SEX"]) == {"_T", "M", "F"}


@pytest.fixture
def quintile_flow(tmp_path, monkeypatch):
    """Make the analytics read a copy of the flow that declares its income bands quintiles."""
    text = codebook.FLOW_FILE.read_text(encoding="utf-8")
    copy = tmp_path / "flow.yaml"
    copy.write_text(text.replace("quintiles: false", "quintiles: true"), encoding="utf-8")
    monkeypatch.setattr(codebook, "FLOW_FILE", copy)
    codebook.flow.cache_clear()
    yield
    codebook.flow.cache_clear()  # the next reader gets the shipped flow again


def test_sdmx_writes_income_quintiles_when_the_flow_declares_them(answers, tmp_path, quintile_flow):
    assert codebook.income_quintiles()
    out = tmp_path / "table.sdmx"
    status, output = indicators(
        answers, "--format", "sdmx", "--by", "income_band", "--min-cell", 1, "--out", out
    )
    assert status == 0, output
    assert "INCOME_WEALTH_QUANTILE" not in output
    sdmx = pd.read_csv(out)
    assert set(sdmx["INCOME_WEALTH_QUANTILE"]) == {"_T", "Q1", "Q2", "Q3", "Q4", "Q5"}


def test_an_output_place_that_cannot_be_written_is_named_with_what_to_do(answers, tmp_path):
    (tmp_path / "reports").write_text("a file where a folder was meant")
    out = tmp_path / "reports" / "table.csv"
    status, output = indicators(answers, "--out", out)
    assert status == 1
    assert output.strip() == (
        f"Error: could not write {out} (File exists: {out.parent}); nothing was written. Give "
        "a path that you may write to, then run the command again"
    )


def test_excel_with_nowhere_to_build_its_sheets_says_to_set_tmpdir(answers, tmp_path, monkeypatch):
    # openpyxl builds each sheet in a file of the system's temporary folder first: when that
    # is no folder, the advice is about TMPDIR, not about the output path, which is fine.
    not_a_folder = tmp_path / "scratch"
    not_a_folder.write_text("")
    monkeypatch.setattr(tempfile, "tempdir", str(not_a_folder))
    out = tmp_path / "answers.xlsx"
    group = make_group(lambda: pytest.fail("the command reads --input, not the database"))
    result = CliRunner().invoke(group, ["microdata", "--input", str(answers), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1] == (
        f"Error: could not write {out} (Not a directory in {not_a_folder}, where sheets are "
        "built); nothing was written. Set TMPDIR to a folder that you may write to, then run "
        "the command again"
    )
    assert not out.exists()


@contextmanager
def files_limited_to(size: int) -> Iterator[None]:
    """Refuse any write past ``size`` bytes of a file, as a full disk refuses it (EFBIG)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the signal ends pytest
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "dta"])
def test_microdata_a_disk_refuses_is_named_and_leaves_nothing(answers, tmp_path, fmt):
    out = tmp_path / f"people.{fmt}"
    group = make_group(lambda: pytest.fail("the command reads --input, not the database"))
    with files_limited_to(2048):
        result = CliRunner().invoke(
            group, ["microdata", "--wide", "--input", str(answers), "--out", str(out)]
        )
    assert result.exit_code == 1, result.output
    said = result.output.splitlines()[-1]
    assert said.startswith(f"Error: could not write {out} (")
    assert "nothing was written. Free some space there" in said
    assert list(tmp_path.iterdir()) == []
