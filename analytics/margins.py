"""Population margins: read a CSV ``dimension, category, population`` and refuse a bad one.

A margins file decides every weighted figure, so a mistake in it must stop the command
rather than bend the table. Each refusal is one line that names the file, the dimension and
the category, so the person can open the file and fix that row:

- a population that is not a number, not finite, zero or negative (a group of nobody gets
  weight 0, and the national figure silently becomes that of the other groups);
- a dimension whose total is not a finite number (all zeros, or too large to add up);
- dimension totals that differ by more than ``TOTAL_TOLERANCE`` of the first dimension's
  total (census tables rarely agree exactly, but a larger gap means a wrong row or unit);
- the same category twice in a dimension.

Respondents in a category the file lacks are refused when the weights are computed
(``analytics.weights``), which knows the respondents.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from analytics.errors import InputError

# Largest relative gap between a dimension's total and the first dimension's total.
TOTAL_TOLERANCE = 0.01
COLUMNS = ["dimension", "category", "population"]


def read_margins(path: str | Path) -> pd.DataFrame:
    """Read and check population margins: a CSV with columns ``dimension, category, population``."""
    try:
        margins = pd.read_csv(path, dtype={"dimension": str, "category": str})
    except (OSError, ValueError) as error:
        raise InputError(f"cannot read the margins file {path}: {error}") from error
    margins.columns = [str(name).strip().lower() for name in margins.columns]
    if list(margins.columns[:3]) != COLUMNS:
        raise InputError(
            f"{path} must start with the columns {', '.join(COLUMNS)} "
            f"(found {', '.join(map(str, margins.columns))})"
        )
    margins = margins[COLUMNS].dropna(how="all")
    if margins.empty:
        raise InputError(f"{path} holds no margins: add rows dimension,category,population")
    margins["dimension"] = margins["dimension"].astype(str).str.strip()
    margins["category"] = margins["category"].astype(str).str.strip()
    populations = [_population(path, row) for row in margins.itertuples(index=False)]
    margins = margins.assign(population=populations).reset_index(drop=True)
    duplicated = margins[margins.duplicated(["dimension", "category"])]
    if not duplicated.empty:
        row = duplicated.iloc[0]
        raise InputError(
            f"{path}: dimension {row['dimension']} lists category {row['category']} twice; "
            "keep one row per category"
        )
    _check_totals(path, margins)
    return margins


def _population(path: str | Path, row: tuple[str, str, object]) -> float:
    dimension, category, raw = row
    where = f"{path}: dimension {dimension}, category {category}"
    try:
        value = float(str(raw).replace(",", "").strip())
    except ValueError:
        raise InputError(f"{where}: population {raw!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"{where}: population {raw!r} is not a finite number")
    if value <= 0:
        raise InputError(
            f"{where}: population {raw!r} must be more than zero; remove the row if nobody "
            "is in the category, or merge it with a neighbouring category"
        )
    return value


def _check_totals(path: str | Path, margins: pd.DataFrame) -> None:
    first: tuple[str, float] | None = None
    for dimension, rows in margins.groupby("dimension", sort=False):
        try:
            total = math.fsum(rows["population"])
        except OverflowError:
            total = math.inf
        if not math.isfinite(total):
            raise InputError(
                f"{path}: dimension {dimension}, category {rows['category'].iloc[-1]}: the "
                "populations add up to more than a number can hold; give them in people"
            )
        if first is None:
            first = (str(dimension), total)
            continue
        name, reference = first
        if abs(total - reference) > TOTAL_TOLERANCE * reference:
            raise InputError(
                f"{path}: dimension {dimension}, all categories: total {total:,.0f} differs "
                f"from the total of {name} ({reference:,.0f}) by more than "
                f"{TOTAL_TOLERANCE:.0%}; every dimension must cover the same population"
            )
