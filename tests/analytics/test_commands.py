"""The command group end to end on a database: simulate, indicators, microdata, report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pyreadstat
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from analytics.commands import make_group
from analytics.simulate import population_margins
from bot.models import Answer, Conversation, Respondent
from tests.analytics.helpers import register_departments


@pytest.fixture
def filled(sqlite_engine):
    """Give the command group on a database holding 600 simulated people."""
    register_departments(sqlite_engine)
    group = make_group(lambda: sqlite_engine)
    result = CliRunner().invoke(group, ["simulate", "600", "--seed", "7", "--days", "20"])
    assert result.exit_code == 0, result.output
    return group, sqlite_engine


def run(group, *args):
    return CliRunner().invoke(group, [str(arg) for arg in args])


def test_simulate_marks_every_row_as_test_data(filled):
    _, engine = filled
    with engine.connect() as connection:
        for model in (Respondent, Conversation, Answer):
            flags = set(connection.scalars(select(model.__table__.c.is_test)))
            assert flags == {True}
        assert connection.scalar(select(Conversation.__table__.c.id).limit(1)) is not None


def test_estimates_exclude_test_data_by_default_and_say_what_to_do(filled, tmp_path):
    group, _ = filled
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "indicators.csv"
    result = run(group, "indicators", "--out", out)
    assert result.exit_code == 1
    assert "--include-test" in result.output and "Traceback" not in result.output
    assert list(out.parent.iterdir()) == []  # no empty or partial file left behind


def test_indicators_with_breakdowns_weights_and_a_department(filled, tmp_path):
    group, _ = filled
    margins = tmp_path / "margins.csv"
    population_margins().to_csv(margins, index=False)
    out = tmp_path / "indicators.csv"
    result = run(
        group,
        "indicators",
        "--out",
        out,
        "--include-test",
        "--margins",
        margins,
        "--by",
        "sex,week",
        "--by",
        "sex+urban_rural",
        "--min-cell",
        "20",
    )
    assert result.exit_code == 0, result.output
    assert "Kish design effect" in result.output
    table = pd.read_csv(out)
    assert set(table["dimension"]) == {"total", "sex", "week", "sex+urban_rural"}
    assert set(table["weighted"]) == {True, False}
    assert table.loc[table["n_valid"] < 20, "percent"].isna().all()

    department = tmp_path / "department.csv"
    result = run(
        group,
        "indicators",
        "--out",
        department,
        "--include-test",
        "--department",
        "moh-clinics",
        "--by",
        "sex",
    )
    assert result.exit_code == 0, result.output
    national = pd.read_csv(department).query("dimension == 'total' and estimate != 'attribute'")
    everyone = table.query("dimension == 'total' and estimate != 'attribute' and not weighted")
    mine, all_ = national["n_valid"].to_numpy(), everyone["n_valid"].to_numpy()
    shown = ~np.isnan(mine)  # a department's small cells, and their complements, are hidden
    assert shown.any() and (mine[shown] < all_[shown]).all()


def test_unknown_breakdowns_and_unknown_departments_get_a_plain_message(filled, tmp_path):
    group, _ = filled
    out = tmp_path / "out" / "x.csv"
    result = run(group, "indicators", "--out", out, "--include-test", "--by", "hair")
    assert result.exit_code == 1 and "unknown breakdown dimension hair" in result.output
    result = run(group, "indicators", "--out", out, "--include-test", "--department", "nowhere")
    assert result.exit_code == 1 and "department 'nowhere'" in result.output
    assert not out.parent.exists() or list(out.parent.iterdir()) == []


def test_excel_and_sdmx_formats(filled, tmp_path):
    group, _ = filled
    result = run(group, "indicators", "--out", tmp_path / "table.xlsx", "--include-test")
    assert result.exit_code == 0, result.output
    assert (
        pd.read_excel(tmp_path / "table.xlsx", sheet_name="about")["item"]
        .str.contains("method")
        .any()
    )
    result = run(
        group,
        "indicators",
        "--out",
        tmp_path / "sdg.csv",
        "--format",
        "sdmx",
        "--include-test",
        "--min-cell",
        "10",
    )
    assert result.exit_code == 0, result.output
    sdmx = pd.read_csv(tmp_path / "sdg.csv")
    assert sdmx["SERIES"].str.startswith("SP_PSR_").all()


def test_microdata_never_carries_the_psid(filled, tmp_path):
    group, engine = filled
    with engine.connect() as connection:
        psids = set(connection.scalars(select(Respondent.__table__.c.psid)))
        answered = connection.scalar(select(func.count(Answer.respondent_key.distinct())))
    result = run(group, "microdata", "--out", tmp_path / "long.csv", "--include-test")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "long.csv").read_text()
    assert not any(psid in text for psid in psids)
    result = run(group, "microdata", "--out", tmp_path / "wide.sav", "--wide", "--include-test")
    assert result.exit_code == 0, result.output
    wide, meta = pyreadstat.read_sav(str(tmp_path / "wide.sav"))
    assert len(wide) == answered and wide["respondent"].is_unique
    assert meta.variable_value_labels["gov_online"] == {
        1: "Yes",
        2: "No",
        95: "Not asked (routed past, or the interview ended before it)",
        96: "No answer (gave up after three re-asks)",
        97: "Not applicable",
        98: "Don't know",
        99: "Refused",
    }


def test_the_monthly_report_has_its_sections_and_charts(filled, tmp_path):
    group, _ = filled
    today = datetime.now(UTC).date()
    result = run(
        group,
        "report",
        "--period",
        "month",
        "--on",
        today - timedelta(days=5),
        "--include-test",
        "--out",
        tmp_path,
    )
    assert result.exit_code == 0, result.output
    report = next(tmp_path.glob("report-month-*.md")).read_text()
    for heading in (
        "What this sample can and cannot tell",
        "Headline estimates",
        "Who answered",
        "Completion and break-off",
        "Item non-response",
        "Interview length",
        "improve",
    ):
        assert heading in report
    assert "not a probability sample" in report
    charts = list(tmp_path.glob("*.png"))
    assert len(charts) >= 3 and all(chart.stat().st_size > 1000 for chart in charts)


@pytest.mark.parametrize("url", ["postgresql+psycopg://postgres@127.0.0.1:1/nowhere", "sqlite:///"])
@pytest.mark.parametrize(
    "command", [("indicators",), ("microdata",), ("microdata", "--wide"), ("report",)]
)
def test_a_database_out_of_reach_is_one_clear_line_and_no_file(tmp_path, url, command):
    from sqlalchemy import create_engine

    if url.startswith("sqlite"):  # a folder where the database file should be
        url = f"sqlite:///{tmp_path}"
    group = make_group(lambda: create_engine(url))
    out = tmp_path / "out.csv"
    arguments = ["--period", "week", "--out", out] if command == ("report",) else ["--out", out]
    result = run(group, *command, *arguments)
    assert result.exit_code == 1, result.output
    assert "the database could not be read" in result.output
    assert "Traceback" not in result.output and not out.exists()
