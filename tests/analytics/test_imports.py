"""The analytics package stays free of Flask, and its command group is cheap to register."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path


def loaded_after(code: str, watched: tuple[str, ...]) -> list[str]:
    """Return which of the watched top-level modules a fresh interpreter has after ``code``."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps([n for n in {watched!r} if n in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_importing_analytics_and_all_its_modules_loads_no_flask():
    modules = [
        "analytics",
        "analytics.commands",
        "analytics.tasks",
        "analytics.report",
        "analytics.microdata",
        "analytics.simulate",
        "analytics.sdmx",
    ]
    code = "\n".join(f"import {name}" for name in modules)
    assert loaded_after(code, ("flask", "werkzeug")) == []


def test_registering_the_command_group_loads_no_heavy_library():
    # The bot registers the group on every `flask` command; only running it may load pandas.
    code = "from analytics.commands import make_group\nmake_group(lambda: None)"
    assert loaded_after(code, ("pandas", "numpy", "matplotlib", "scipy", "pyreadstat")) == []


def test_a_table_command_does_not_wait_for_the_file_writers_it_will_not_use():
    # Excel, SPSS, Stata and chart writers load when a command writes such a file.
    code = "import analytics.tasks"
    assert loaded_after(code, ("openpyxl", "pyreadstat", "matplotlib", "fpdf")) == []


def test_a_table_command_does_not_wait_for_the_simulator():
    # The simulator brings the survey engine: only `analytics simulate` needs it.
    simulator = ("analytics.simulate", "analytics.synthetic_store", "survey_flows.engine")
    assert loaded_after("import analytics.tasks", simulator) == []


def test_an_analyst_runs_the_commands_with_the_database_alone(tmp_path):
    # `flask --app wsgi analytics` is a plugin command: the app (and its Messenger secrets,
    # required in production) is not built for it.
    from tests.analytics.answers_csv import write_answers

    answers, out = write_answers(tmp_path / "answers.csv"), tmp_path / "table.csv"
    flask = Path(sys.executable).with_name("flask")
    environment = {"PATH": os.environ["PATH"], "APP_ENV": "production", "DATABASE_URL": ""}
    arguments = ["--app", "wsgi", "analytics", "indicators", "--input", answers, "--out", out]
    result = subprocess.run(
        [flask, *map(str, arguments)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == 0, result.stderr
    with out.open() as handle:
        overall = [r for r in csv.DictReader(handle) if r["estimate"] == "overall_satisfaction"]
    national = next(
        r for r in overall if r["service_area"] == "healthcare" and r["dimension"] == "total"
    )
    assert national["n_valid"] == "40"  # every respondent of the file, read without the app
