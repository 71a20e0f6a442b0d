"""A small exported answers CSV and the indicators command run on it, for input checks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from analytics.commands import make_group


def write_answers(path: Path) -> Path:
    """Write 40 respondents (20 of each sex) who rated healthcare, as an exported long CSV."""
    rows = []
    for k in range(40):
        key, stamp = f"r{k}", f"2026-03-0{1 + k % 5}T10:00:00"
        income = 1 + k % 5
        rows.append((key, "demographics", "demographic", None, "sex", 1 + k % 2, stamp))
        rows.append((key, "demographics", "demographic", None, "income_band", income, stamp))
        rows.append((key, "healthcare", "filter", None, "hc_need", 1, stamp))
        rows.append((key, "healthcare", "overall", "overall", "hc_overall", k % 4, stamp))
    columns = ["respondent_key", "service_area", "item", "attribute", "question_id", "code"]
    pd.DataFrame(rows, columns=[*columns, "answered_at"]).to_csv(path, index=False)
    return path


def indicators(answers: Path, *arguments: object) -> tuple[int, str]:
    """Run ``analytics indicators --input ANSWERS ...``; return the exit status and output."""
    group = make_group(lambda: pytest.fail("the commands read --input, not the database"))
    result = CliRunner().invoke(
        group, ["indicators", "--input", str(answers), *map(str, arguments)]
    )
    return result.exit_code, result.output
