"""Breakdown cells: one-way or combined (``sex+urban_rural``) groupings of respondents."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics.codebook import DIMENSIONS
from analytics.errors import BreakdownError

TOTAL = "total"
UNKNOWN = "unknown"  # the category of respondents without a value for the dimension
# The minimum disaggregation of the methodology (income, sex, residence), plus age and
# disability: the default when no breakdown is asked for.
STANDARD = (("sex",), ("age_band",), ("urban_rural",), ("income_band",), ("disability",))

Breakdown = tuple[str, ...]


def parse_breakdowns(specs: Iterable[str]) -> list[Breakdown]:
    """Parse ``sex,age_band,sex+urban_rural`` into breakdowns, checking each dimension."""
    breakdowns: list[Breakdown] = []
    choose = f"choose from {', '.join(DIMENSIONS)} (separate with commas, combine with +)"
    for spec in specs:
        for part in spec.split(","):
            dims = tuple(name.strip() for name in part.split("+"))
            if "" in dims:
                # A stray comma or plus would otherwise drop a breakdown without a word.
                raise BreakdownError(f"--by {spec!r} has an empty dimension; {choose}")
            unknown = [name for name in dims if name not in DIMENSIONS]
            if unknown:
                raise BreakdownError(f"unknown breakdown dimension {', '.join(unknown)}; {choose}")
            if dims not in breakdowns:
                breakdowns.append(dims)
    return breakdowns


def dimension_name(breakdown: Breakdown) -> str:
    """Return the breakdown's name as it appears in the indicator table."""
    return "+".join(breakdown) if breakdown else TOTAL


def cells(respondents: pd.DataFrame, breakdown: Breakdown) -> tuple[np.ndarray, list[str]]:
    """Return each respondent's cell number and the cells' category labels (``2+1``)."""
    if not breakdown:
        return np.zeros(len(respondents), dtype=np.int64), [TOTAL]
    combined = np.zeros(len(respondents), dtype=np.int64)
    labels: list[list[str]] = [[]]
    for name in breakdown:
        if name not in respondents.columns:
            raise BreakdownError(f"the respondent table has no variable {name}")
        codes, uniques = pd.factorize(respondents[name], sort=True)
        names = [category_text(value) for value in uniques]
        # Missing values get the last code so that "unknown" sorts after the known categories.
        codes = np.where(codes < 0, len(names), codes)
        names.append(UNKNOWN)
        combined = combined * len(names) + codes
        labels = [[*prefix, name] for prefix in labels for name in names]
    # Number the combinations that occur, in order, without sorting a million values.
    present = np.flatnonzero(np.bincount(combined, minlength=len(labels)))
    renumber = np.zeros(len(labels), dtype=np.int64)
    renumber[present] = np.arange(len(present))
    return renumber[combined], ["+".join(labels[k]) for k in present]


def category_text(value: object) -> str:
    """Return a category code as text: ``2`` for the number 2 or 2.0, else as written."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class Grouping:
    """The cells of one breakdown: each respondent's cell number and the cells' labels."""

    breakdown: Breakdown
    cell: np.ndarray
    labels: list[str]


def group(respondents: pd.DataFrame, breakdowns: Sequence[Breakdown]) -> list[Grouping]:
    """Return the national grouping (one cell) followed by each breakdown's cells."""
    return [Grouping(b, *cells(respondents, b)) for b in [(), *breakdowns]]
