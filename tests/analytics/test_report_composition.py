"""The report's 'Who answered' table: shares among those who gave a value, the rest counted."""

from __future__ import annotations

import pandas as pd
import pytest

from analytics.load import Period
from analytics.margins import read_margins
from analytics.report import ReportInputs
from analytics.report_content import Table, _composition_blocks
from analytics.tidy import collect
from analytics.weights import rake


def _inputs(margins: pd.DataFrame | None = None) -> ReportInputs:
    """Ten respondents: 3 men, 5 women, 2 who did not give their sex."""
    rows = []
    for k, sex in enumerate([1, 1, 1, 2, 2, 2, 2, 2, None, None]):
        key = f"r{k}"
        rows.append((key, "healthcare", "filter", "hc_need", 1))
        if sex is not None:
            rows.append((key, "demographics", "demographic", "sex", sex))
    answers = pd.DataFrame(
        rows, columns=["respondent_key", "service_area", "item", "question_id", "code"]
    ).assign(answered_at=pd.Timestamp("2026-03-02"), department="moh-clinics", lang="en")
    answers = answers.assign(flow_id="sdg16_6_2", flow_version="v", method="button", value=None)
    data = collect([answers], Period())
    weights = None if margins is None else rake(data.respondents, margins)[0]
    return ReportInputs(data, pd.DataFrame(), pd.DataFrame(), "week", margins, weights)


def _sex_rows(inputs: ReportInputs) -> list[list[str]]:
    table = next(b for b in _composition_blocks(inputs, "en") if isinstance(b, Table))
    return [row[1:] for row in table.rows if row[0] == "Sex"]


def test_shares_are_among_those_who_gave_a_value_and_the_rest_are_counted_apart():
    assert _sex_rows(_inputs()) == [
        ["Male", "37.5%"],
        ["Female", "62.5%"],
        ["Not known", "2 not counted in the shares"],
    ]


def test_the_same_holds_beside_population_margins(tmp_path):
    path = tmp_path / "margins.csv"
    path.write_text("dimension,category,population\nsex,1,100\nsex,2,100\n")
    rows = _sex_rows(_inputs(read_margins(path)))
    assert rows == [
        ["Male", "37.5%", "50.0%"],
        ["Female", "62.5%", "50.0%"],
        ["Not known", "2 not counted in the shares", "-"],
    ]


@pytest.mark.parametrize("with_margins", [False, True])
def test_the_heading_says_what_the_shares_are_of(tmp_path, with_margins):
    path = tmp_path / "margins.csv"
    path.write_text("dimension,category,population\nsex,1,100\nsex,2,100\n")
    inputs = _inputs(read_margins(path) if with_margins else None)
    table = next(b for b in _composition_blocks(inputs, "en") if isinstance(b, Table))
    assert table.columns[2] == "Share of those who said"
