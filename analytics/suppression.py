"""Complementary suppression: what of an indicator table may be published.

A cell (one area, item, breakdown category, weighted or not) is *small* when it has fewer
valid answers than the minimum cell size, or, in weighted rows, a Kish effective sample size
``(sum w)^2 / sum w^2`` below the minimum effective size. A small cell is blanked whole: its
percentage, interval, standard error, method and every count. Blanking it alone is not
enough, because the counts of a breakdown add up to the national row (and a combined
breakdown's to each one-way breakdown it refines): subtraction would give it back. So more
cells are blanked until no blanked cell's counts follow from the published ones:

- by linear algebra: a blanked cell is recoverable when its unit vector lies in the row space
  of the additivity relations restricted to the blanked cells;
- by signs: when the blanked cells of a relation all enter it with one sign and their positive
  (or negative) answers sum to zero, each of them is 0% (or 100%) positive.

Each time a blanked cell is still recoverable, the smallest published cell that shares a
relation with it (of its own breakdown first) is blanked too, and the check runs again.
A weighted row is blanked whenever the unweighted row of the same cell is, since both carry
the same counts. The attribute average is the mean of five percentages, so it is blanked
when any of its five attributes is. A cell with no valid answer has nothing to hide: it stays
published, empty, and gives nothing away about others.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from analytics import defaults
from analytics.breakdowns import TOTAL

# Everything a blanked row loses; it keeps only which cell it is and suppressed = True.
BLANKED = [
    "percent",
    "ci_low",
    "ci_high",
    "se",
    "ci_method",
    "n_valid",
    "n_positive",
    "n_dk",
    "n_na",
    "n_ra",
    "n_no_answer",
    "n_effective",
]
AVERAGE = "attribute_average"


@dataclass(frozen=True)
class Rule:
    """The smallest cells that may be published."""

    min_cell: int = defaults.MIN_CELL  # valid answers
    min_neff: float = defaults.MIN_NEFF  # Kish effective sample size, weighted rows only


def publish(table: pd.DataFrame, rule: Rule | None = None) -> pd.DataFrame:
    """Return an indicator table as it may be published, with small cells suppressed.

    Every output (CSV, Excel, SDMX, reports, dashboard) goes through here. ``table`` holds
    rows of ``analytics.estimates.area_table`` for one or several areas.
    """
    rule = rule or Rule()
    if table.empty:
        return table.assign(suppressed=pd.Series(dtype=bool))
    blank = np.zeros(len(table), dtype=bool)
    for positions in table.groupby("service_area", sort=False).indices.values():
        blank[positions] = _area_blanks(table.iloc[positions], rule)
    published = table.assign(suppressed=blank)
    for name in BLANKED:
        if name in published.columns:
            published[name] = published[name].mask(blank)
    return published


def _area_blanks(part: pd.DataFrame, rule: Rule) -> np.ndarray:
    """Return which rows of one area's table to blank."""
    cells = list(dict.fromkeys(zip(part["dimension"], part["category"], strict=True)))
    relations = relation_matrix(cells)
    dimensions = np.unique([dimension for dimension, _ in cells], return_inverse=True)[1]
    index = {cell: k for k, cell in enumerate(cells)}
    column = np.array([index[c] for c in zip(part["dimension"], part["category"], strict=True)])
    weighted = part["weighted"].to_numpy(dtype=bool)
    blank = np.zeros(len(part), dtype=bool)
    for item in part.loc[part["estimate"] != AVERAGE, "attribute"].unique():
        of_item = (part["attribute"] == item).to_numpy()
        unweighted_rows = np.flatnonzero(of_item & ~weighted)
        weighted_rows = np.flatnonzero(of_item & weighted)
        closed = np.zeros(len(cells), dtype=bool)
        for rows, is_weighted in ((unweighted_rows, False), (weighted_rows, True)):
            if len(rows) == 0:
                continue
            counts = _counts(part.iloc[rows], column[rows], len(cells))
            small = (counts.valid > 0) & (counts.valid < rule.min_cell)
            if is_weighted:
                small |= (counts.valid > 0) & (counts.effective < rule.min_neff)
            # Weighted rows repeat the unweighted counts: what one hides, the other must too.
            closed = close(relations, small | closed, counts, dimensions)
            blank[rows] = closed[column[rows]]
    _blank_averages(part, column, weighted, blank)
    return blank


def _blank_averages(
    part: pd.DataFrame, column: np.ndarray, weighted: np.ndarray, blank: np.ndarray
) -> None:
    """Blank an attribute average wherever one of its five attributes is blanked."""
    estimate = part["estimate"].to_numpy()
    attribute_rows = estimate == "attribute"
    for flag in (False, True):
        hidden = set(column[attribute_rows & (weighted == flag) & blank])
        averages = np.flatnonzero((estimate == AVERAGE) & (weighted == flag))
        blank[averages] |= np.isin(column[averages], list(hidden))


@dataclass(frozen=True)
class Counts:
    """One item's counts per cell, in the order of the relation matrix's columns."""

    valid: np.ndarray
    positive: np.ndarray
    effective: np.ndarray

    @property
    def negative(self) -> np.ndarray:
        return self.valid - self.positive


def _counts(rows: pd.DataFrame, column: np.ndarray, n_cells: int) -> Counts:
    arrays = []
    for name in ("n_valid", "n_positive", "n_effective"):
        values = np.zeros(n_cells)
        source = rows[name if name in rows.columns else "n_valid"]
        values[column] = source.astype(float).fillna(0).to_numpy()
        arrays.append(values)
    return Counts(*arrays)


def _parts(cell: tuple[str, str]) -> dict[str, str]:
    dimension, category = cell
    if dimension == TOTAL:
        return {}
    return dict(zip(dimension.split("+"), category.split("+"), strict=True))


def relation_matrix(cells: list[tuple[str, str]]) -> np.ndarray:
    """Return the additivity relations between cells: each row sums to zero over the cells.

    For any two breakdowns and any value of the dimensions they share (none: the national
    total), the cells of the first with that value add up to those of the second. This
    covers a breakdown against the national row, a combined breakdown against each one-way
    breakdown it refines, and two combined breakdowns that share a dimension.
    """
    by_dimension: dict[str, list[int]] = {}
    for k, (dimension, _) in enumerate(cells):
        by_dimension.setdefault(dimension, []).append(k)
    parts = [_parts(cell) for cell in cells]
    rows: list[np.ndarray] = []
    for first, second in combinations(by_dimension, 2):
        shared = sorted(set(parts[by_dimension[first][0]]) & set(parts[by_dimension[second][0]]))
        keys: dict[tuple[str, ...], np.ndarray] = {}
        for sign, dimension in ((1.0, first), (-1.0, second)):
            for k in by_dimension[dimension]:
                key = tuple(parts[k][name] for name in shared)
                row = keys.setdefault(key, np.zeros(len(cells)))
                row[k] += sign
        rows.extend(keys.values())
    return np.array(rows) if rows else np.zeros((0, len(cells)))


def close(
    relations: np.ndarray, blanked: np.ndarray, counts: Counts, dimensions: np.ndarray
) -> np.ndarray:
    """Return ``blanked`` with enough complementary cells that none can be recovered.

    ``dimensions`` numbers each cell's breakdown, so that a complement is sought among the
    recoverable cell's own breakdown first.
    """
    blanked = blanked.copy()
    while True:
        exposed = recoverable(relations, blanked, counts)
        if exposed is None:
            return blanked
        cell, needs = exposed
        blanked[_complement(relations, blanked, counts, dimensions, cell, needs)] = True


def recoverable(
    relations: np.ndarray, blanked: np.ndarray, counts: Counts
) -> tuple[int, np.ndarray] | None:
    """Return a blanked cell with answers whose counts follow from the published ones.

    With it comes the mask of cells that would protect it: any published cell for a linear
    recovery, a cell with positive (or negative) answers for a recovery by signs.
    """
    if not blanked.any():
        return None
    everyone = np.ones(len(blanked), dtype=bool)
    unknown = np.flatnonzero(blanked)
    for row in relations:
        coefficients = row[unknown]
        involved = unknown[coefficients != 0]
        if len(involved) == 0 or len(set(np.sign(coefficients[coefficients != 0]))) > 1:
            continue
        for answers in (counts.positive, counts.negative):
            if answers[involved].sum() == 0 and (counts.valid[involved] > 0).any():
                return int(involved[counts.valid[involved] > 0][0]), answers > 0
    # A blanked cell is determined when every null vector of the blanked columns is 0 there.
    matrix = relations[:, unknown]
    if matrix.size == 0:
        null = np.eye(len(unknown))
    else:
        _, singular, vt = np.linalg.svd(matrix)
        rank = int((singular > 1e-9).sum())
        null = vt[rank:].T
    determined = np.abs(null).max(axis=1, initial=0.0) < 1e-9
    for k in np.flatnonzero(determined):
        if counts.valid[unknown[k]] > 0:
            return int(unknown[k]), everyone
    return None


def _complement(
    relations: np.ndarray,
    blanked: np.ndarray,
    counts: Counts,
    dimensions: np.ndarray,
    cell: int,
    needs: np.ndarray,
) -> int:
    """Return the published cell to blank next to protect ``cell``: the smallest that helps.

    Preferred, in order: a cell that can help (``needs``), with answers, sharing a relation
    with ``cell``, of its own breakdown (other categories and ``unknown``), then the fewest
    valid answers.
    """
    neighbours = (relations[relations[:, cell] != 0] != 0).any(axis=0)
    candidates = np.flatnonzero(~blanked)
    if len(candidates) == 0:
        raise AssertionError("a recoverable cell needs a published cell to hide it")
    keys = np.lexsort(
        (
            candidates,
            counts.valid[candidates],
            dimensions[candidates] != dimensions[cell],
            ~neighbours[candidates],
            counts.valid[candidates] == 0,
            ~needs[candidates],
        )
    )
    return int(candidates[keys[0]])
