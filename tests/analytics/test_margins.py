"""Bad population margins are refused through the real command: one line, status 1, no file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analytics.errors import InputError
from analytics.margins import read_margins
from tests.analytics.answers_csv import indicators, write_answers

GOOD = "dimension,category,population\nsex,1,1180000\nsex,2,1230000\n"
# Each bad file, and what the one-line refusal must name besides the file.
BAD = {
    "zero": ("sex,1,0\nsex,2,1230000\n", "dimension sex, category 1"),
    "negative": ("sex,1,-5\nsex,2,1230000\n", "dimension sex, category 1"),
    "not_finite": ("sex,1,inf\nsex,2,1230000\n", "dimension sex, category 1"),
    "not_a_number": ("sex,1,nan\nsex,2,1230000\n", "dimension sex, category 1"),
    "all_zero": ("sex,1,0\nsex,2,0\n", "dimension sex, category 1"),
    "overflowing": ("sex,1,1e308\nsex,2,1e308\n", "dimension sex, category 2"),
    "too_large": ("sex,1,1e400\nsex,2,1\n", "dimension sex, category 1"),
    "respondents_without_population": ("sex,1,1180000\n", "dimension sex, category 2"),
    "totals_disagree": (
        "sex,1,1180000\nsex,2,1230000\nurban_rural,1,1540000\nurban_rural,2,1000000\n",
        "dimension urban_rural",
    ),
    "twice": ("sex,1,10\nsex,1,10\nsex,2,20\n", "dimension sex lists category 1 twice"),
}


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Give an exported answers CSV that the commands read with --input."""
    return write_answers(tmp_path_factory.mktemp("answers") / "answers.csv")


def _indicators(answers: Path, margins: Path, out: Path) -> tuple[int, str]:
    return indicators(answers, "--margins", margins, "--out", out, "--min-cell", 5)


def test_good_margins_give_a_weighted_table(answers, tmp_path):
    margins = tmp_path / "margins.csv"
    margins.write_text(GOOD)
    status, output = _indicators(answers, margins, tmp_path / "table.csv")
    assert status == 0, output
    table = pd.read_csv(tmp_path / "table.csv")
    assert table["weighted"].any()


@pytest.mark.parametrize("name", sorted(BAD))
@pytest.mark.parametrize("fmt", ["csv", "sdmx"])
def test_bad_margins_are_refused_with_one_line_and_no_file(answers, tmp_path, name, fmt):
    rows, names = BAD[name]
    margins = tmp_path / f"{name}.csv"
    margins.write_text("dimension,category,population\n" + rows)
    out = tmp_path / "out" / f"table.{fmt}"
    status, output = _indicators(answers, margins, out)
    assert status == 1
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), output
    assert str(margins) in lines[0] and names in lines[0]
    assert not out.exists() and list(out.parent.glob("*")) == []


def test_totals_within_one_percent_are_accepted_and_rescaled(tmp_path):
    margins = tmp_path / "margins.csv"
    margins.write_text(GOOD + "urban_rural,1,1540000\nurban_rural,2,880000\n")
    assert read_margins(margins)["population"].sum() == pytest.approx(4_830_000)


def test_the_columns_must_be_the_contract_ones(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("dimension,category,people\nsex,1,100\n")
    with pytest.raises(InputError, match="must start with the columns"):
        read_margins(bad)
