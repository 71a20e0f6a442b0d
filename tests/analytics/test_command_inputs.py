"""Mistyped options and unwritable outputs get a clear message, and SDMX keeps its rules."""

from __future__ import annotations

import gc
import os
import resource
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from zipfile import ZipFile

import pandas as pd
import pytest
from click.testing import CliRunner

from analytics import codebook, workbooks
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


def refused_run(monkeypatch, command: list[str]) -> tuple[int, str, list[str]]:
    """Run an analytics command whose writes are refused; return its exit status, its
    output, and what Python would print after it about the objects it left open."""
    group = make_group(lambda: pytest.fail("the command reads --input, not the database"))
    # What a writer leaves open fails again when it is collected, and Python prints that
    # failure's traceback after the message, at the latest when the command exits.
    afterwards: list[sys.UnraisableHookArgs] = []
    monkeypatch.setattr(sys, "unraisablehook", afterwards.append)
    result = CliRunner().invoke(group, command)
    exit_code, output = result.exit_code, result.output
    del result  # its exception holds the writers; let them be collected while still refused
    gc.collect()
    return exit_code, output, [repr(u.exc_value) for u in afterwards]


@pytest.fixture
def scratch(tmp_path, monkeypatch) -> Path:
    """Give the system's temporary folder, where openpyxl builds its sheets, to the test."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.mark.parametrize(
    ("command", "fmt"),
    [
        (["microdata", "--wide"], "csv"),
        (["microdata", "--wide"], "xlsx"),
        (["microdata", "--wide"], "sav"),
        (["microdata", "--wide"], "dta"),
        (["indicators"], "xlsx"),
    ],
)
def test_a_disk_that_refuses_is_named_and_nothing_else_is_said_or_left(
    answers, tmp_path, scratch, monkeypatch, command, fmt
):
    out = tmp_path / "out" / f"people.{fmt}"
    out.parent.mkdir()
    with files_limited_to(2048):
        exit_code, output, afterwards = refused_run(
            monkeypatch, [*command, "--input", str(answers), "--out", str(out)]
        )
    assert exit_code == 1, output
    said = output.splitlines()[-1]
    assert said.startswith(f"Error: could not write {out} (")
    assert "nothing was written. Free some space there" in said
    assert afterwards == []
    assert list(out.parent.iterdir()) == []
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("command", [["microdata", "--wide"], ["indicators"]])
def test_an_excel_file_its_disk_refuses_at_the_save_leaves_one_message(
    answers, tmp_path, scratch, monkeypatch, command
):
    # The sheets are built in the temporary folder and fit; the disk of the output is full.
    # /dev/full refuses every write as a full disk does, through the real system call.
    monkeypatch.setattr(workbooks, "ZipFile", lambda path, *a, **kw: ZipFile("/dev/full", *a, **kw))
    out = tmp_path / "out" / "people.xlsx"
    out.parent.mkdir()
    exit_code, output, afterwards = refused_run(
        monkeypatch, [*command, "--input", str(answers), "--out", str(out)]
    )
    assert exit_code == 1, output
    assert output.splitlines()[-1] == (
        f"Error: could not write {out} (No space left on device); nothing was written. Free "
        "some space there, or give a path on another disk, then run the command again"
    )
    assert afterwards == []
    assert list(out.parent.iterdir()) == []
    assert list(scratch.iterdir()) == []


def test_the_partial_file_of_a_killed_export_goes_with_the_next_export(answers, tmp_path):
    # An export killed outright (kill -9) leaves its hidden partial file; nothing can remove
    # it then. The next export of the same file removes it, and only it: a partial file of
    # a writer still running is kept.
    dead = _exited_pid()
    out = tmp_path / "people.csv"
    orphan = tmp_path / f".people.csv.{dead}.k1ll3d"
    orphan.write_bytes(b"respondent_key,code\n" * 1000)
    running = tmp_path / f".people.csv.{os.getpid()}.wr1t1ng"
    running.write_bytes(b"")
    # partial files of other outputs, one whose name begins with this one's
    unrelated = tmp_path / f".other.csv.{dead}.k1ll3d"
    unrelated.write_bytes(b"")
    longer = tmp_path / f".people.csv.2026.csv.{dead}.k1ll3d"
    longer.write_bytes(b"")
    group = make_group(lambda: pytest.fail("the command reads --input, not the database"))
    result = CliRunner().invoke(
        group, ["microdata", "--wide", "--input", str(answers), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.exists() and not orphan.exists()
    assert running.exists() and unrelated.exists() and longer.exists()


def _exited_pid() -> int:
    """Return the process id of a process that has exited."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid
