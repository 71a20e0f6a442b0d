"""The three estimates of SDG 16.6.2 for each service area and breakdown cell, with intervals.

For each area: the share positive (codes 3, 2) of each of the five attributes, the simple
average of the five shares, and the share satisfied overall. Each question has its own
denominator: codes 97, 98, 99 and unanswered items (code NULL, given up) leave it and are
counted. Every sum is a numpy ``bincount`` over respondents, so a breakdown costs one pass.

Weighted variances use Taylor linearisation with respondents as primary sampling units drawn
with replacement (no strata, no finite population correction): the share is the ratio of the
weighted positive total to the weighted valid total, and a respondent's influence value is
``w * (positive - share * valid) / sum(w * valid)`` inside the cell and 0 elsewhere. The
attribute average uses the mean of the five influence values. docs/analytics.md gives the
formulas.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analytics import defaults
from analytics.breakdowns import Breakdown, Grouping, dimension_name, group
from analytics.codebook import (
    AREAS,
    ATTRIBUTES,
    DK,
    NA,
    NEGATIVE_CODES,
    NO_ANSWER,
    POSITIVE_CODES,
    RA,
    UNCODED,
    rating_questions,
)
from analytics.intervals import logit_t, wilson
from analytics.suppression import Rule, publish
from analytics.tidy import SurveyData

TABLE_COLUMNS = [
    "service_area",
    "estimate",
    "attribute",
    "dimension",
    "category",
    "percent",
    "ci_low",
    "ci_high",
    "n_valid",
    "n_positive",
    "n_dk",
    "n_na",
    "n_ra",
    "weighted",
    "suppressed",
    "n_no_answer",
    "se",
    "ci_method",
    "n_effective",
]
COUNT_COLUMNS = ["n_valid", "n_positive", "n_dk", "n_na", "n_ra", "n_no_answer"]
DEFAULT_LEVEL = defaults.LEVEL


# Every code falls in one of seven answer classes; counting classes per cell is one bincount.
POSITIVE, NEGATIVE, DK_CLASS, NA_CLASS, RA_CLASS, NO_ANSWER_CLASS, OTHER = range(7)
_CLASSES = 7
_LOWEST = UNCODED  # the smallest sentinel of the code matrix
_CLASS_OF_CODE = np.full(RA - _LOWEST + 1, OTHER, dtype=np.int8)  # indexed by code - _LOWEST
for _codes, _class in (
    (POSITIVE_CODES, POSITIVE),
    (NEGATIVE_CODES, NEGATIVE),
    ((DK,), DK_CLASS),
    ((NA,), NA_CLASS),
    ((RA,), RA_CLASS),
    ((NO_ANSWER,), NO_ANSWER_CLASS),
):
    _CLASS_OF_CODE[np.subtract(_codes, _LOWEST)] = _class
COUNT_CLASSES = {
    "n_positive": [POSITIVE],
    "n_valid": [POSITIVE, NEGATIVE],
    "n_dk": [DK_CLASS],
    "n_na": [NA_CLASS],
    "n_ra": [RA_CLASS],
    "n_no_answer": [NO_ANSWER_CLASS],
}


def answer_classes(codes: np.ndarray) -> np.ndarray:
    """Return the answer class (positive, negative, DK, NA, RA, no answer, other) of each code."""
    return _CLASS_OF_CODE[np.clip(codes, _LOWEST, RA) - _LOWEST]


@dataclass(frozen=True)
class _Patterns:
    """Respondents grouped by the answer classes of their items: a few hundred patterns.

    Every sum the estimates need is a sum over respondents of something that depends only
    on their cell, their pattern and their weight, so one bincount of (cell, pattern) per
    breakdown replaces one per item and class, and the items are added up per pattern.
    """

    which: np.ndarray  # each respondent's pattern number
    classes: np.ndarray  # patterns x items: the answer class of each item


def _patterns(classes: np.ndarray) -> _Patterns:
    items = classes.shape[1]
    powers = _CLASSES ** np.arange(items, dtype=np.int64)
    which, distinct = pd.factorize(classes.astype(np.int64) @ powers)
    return _Patterns(which, (np.asarray(distinct)[:, None] // powers) % _CLASSES)


@dataclass(frozen=True)
class _Tally:
    """Each respondent's (cell, pattern) slot and how many respondents each slot holds."""

    slots: np.ndarray  # cell * patterns + pattern, per respondent
    per_pattern: np.ndarray  # cells x patterns
    patterns: _Patterns


def _tally(patterns: _Patterns, cell: np.ndarray, n_cells: int) -> _Tally:
    size = len(patterns.classes)
    slots = cell * size + patterns.which
    per_pattern = np.bincount(slots, minlength=n_cells * size).reshape(n_cells, size)
    return _Tally(slots, per_pattern, patterns)


def _by_class(per_pattern: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Turn sums per (cell, pattern) into sums per (cell, item, answer class)."""
    one_hot = (classes[:, :, None] == np.arange(_CLASSES)).astype(per_pattern.dtype)
    return np.einsum("cp,pkj->ckj", per_pattern, one_hot)


def cell_estimates(
    codes: np.ndarray,
    cell: np.ndarray,
    n_cells: int,
    weights: np.ndarray | None,
    level: float = DEFAULT_LEVEL,
) -> dict[str, np.ndarray]:
    """Estimate the five attribute shares, their average and overall satisfaction per cell.

    ``codes`` holds one row per respondent of the frame and six columns (five attributes,
    then overall). Returns arrays of shape (cells, 7): columns 0-4 attributes, 5 the
    average, 6 overall; shares are proportions (0-1).
    """
    tally = _tally(_patterns(answer_classes(codes)), cell, n_cells)
    return _estimate(tally, None if weights is None else np.asarray(weights, float), level)


def _estimate(tally: _Tally, weights: np.ndarray | None, level: float) -> dict[str, np.ndarray]:
    classes = tally.patterns.classes
    counts = _by_class(tally.per_pattern, classes)
    n_cells, items, _ = counts.shape
    n = len(tally.slots)
    if weights is None:
        squares_per_pattern = tally.per_pattern.astype(float)
        sums = squares = counts.astype(float)
    else:
        shape, size = tally.per_pattern.shape, tally.per_pattern.size
        sums_per_pattern = np.bincount(tally.slots, weights, minlength=size).reshape(shape)
        squares_per_pattern = np.bincount(tally.slots, weights**2, minlength=size).reshape(shape)
        sums = _by_class(sums_per_pattern, classes)
        squares = _by_class(squares_per_pattern, classes)

    positive_total, negative_total = sums[..., POSITIVE], sums[..., NEGATIVE]
    valid_total = positive_total + negative_total
    has_valid = valid_total > 0
    share = np.full((n_cells, items), np.nan)
    np.divide(positive_total, valid_total, out=share, where=has_valid)
    # Influence value of respondent i on the ratio of its cell: w_i (y_i - R x_i) / X, that is
    # w_i (1 - R) / X for a positive answer, -w_i R / X for a negative one, 0 otherwise. They
    # sum to zero in each cell, so the with-replacement variance over the n respondents is
    # n/(n-1) times their sum of squares: sums of squared weights by class.
    filled = np.nan_to_num(share)
    safe_total = np.where(has_valid, valid_total, 1.0)
    influence = np.zeros(counts.shape)
    influence[..., POSITIVE] = (1 - filled) / safe_total
    influence[..., NEGATIVE] = -filled / safe_total
    sum_z2 = (influence**2 * squares).sum(axis=-1)
    factor = n / (n - 1) if n > 1 else np.nan
    se = np.sqrt(factor * sum_z2)
    # The average's influence value is the mean of the five attributes' influence values:
    # the same for every respondent of a (cell, pattern) slot but for the weight.
    per_pattern = sum(0.2 * influence[:, k, classes[:, k]] for k in range(5))
    average = share[:, :5].sum(axis=1) / 5
    se_average = np.sqrt(factor * (squares_per_pattern * per_pattern**2).sum(axis=1))
    # Kish's effective sample size of each share, used only where a share is exactly 0 or 1.
    valid_squares = squares[..., POSITIVE] + squares[..., NEGATIVE]
    effective = np.divide(
        valid_total**2, valid_squares, out=np.zeros_like(share), where=valid_squares > 0
    )
    totals = {name: counts[..., group].sum(axis=-1) for name, group in COUNT_CLASSES.items()}

    degrees_of_freedom = n - 1
    if weights is None:
        n_valid = totals["n_valid"]
        se = np.sqrt(share * (1 - share) / np.where(n_valid > 0, n_valid, np.nan))
        low_share, high_share = wilson(totals["n_positive"], n_valid, level)
        share_method = np.full(share.shape, "wilson", dtype=object)
        smallest = n_valid[:, :5].min(axis=1).astype(float)
    else:
        low_share, high_share = logit_t(share, se, degrees_of_freedom, level)
        edge = ~((share > 0) & (share < 1)) & has_valid
        fallback_low, fallback_high = wilson(share * effective, effective, level)
        low_share = np.where(edge, fallback_low, low_share)
        high_share = np.where(edge, fallback_high, high_share)
        share_method = np.where(edge, "wilson_effective_n", "linearised_logit").astype(object)
        smallest = effective[:, :5].min(axis=1)
    low_average, high_average = logit_t(average, se_average, degrees_of_freedom, level)
    edge_average = (average == 0) | (average == 1)
    fallback_low, fallback_high = wilson(average * smallest, smallest, level)
    low_average = np.where(edge_average, fallback_low, low_average)
    high_average = np.where(edge_average, fallback_high, high_average)
    average_method = np.where(edge_average, "wilson_effective_n", "linearised_logit").astype(object)
    se_average = np.where(np.isnan(average), np.nan, se_average)
    # An empty cell has no estimate, so no interval and no method for one.
    share_method[~has_valid] = None
    average_method[np.isnan(average)] = None

    def with_average(per_item: np.ndarray, for_average: np.ndarray) -> np.ndarray:
        return np.column_stack([per_item[:, :5], for_average, per_item[:, 5]])

    result = {
        "share": with_average(share, average),
        "se": with_average(np.where(has_valid, se, np.nan), se_average),
        "ci_low": with_average(low_share, low_average),
        "ci_high": with_average(high_share, high_average),
        "ci_method": with_average(share_method, average_method),
        # Kish's effective sample size; unweighted it is n_valid. The average takes the smallest.
        "n_effective": with_average(effective, effective[:, :5].min(axis=1)),
    }
    for name, values in totals.items():
        # The average has no count of its own; n_valid is its smallest attribute denominator.
        smallest_count = values[:, :5].min(axis=1) if name == "n_valid" else np.nan
        result[name] = with_average(values.astype(float), np.broadcast_to(smallest_count, n_cells))
    return result


def _rows(
    area: str,
    breakdown: Breakdown,
    labels: list[str],
    result: dict[str, np.ndarray],
    weighted: bool,
) -> dict[str, np.ndarray]:
    """Return the table's columns for one breakdown's cells, estimate by estimate."""
    n_cells = len(labels)
    estimates = ["attribute"] * 5 + ["attribute_average", "overall_satisfaction"]
    attributes = [*ATTRIBUTES[area], "average", "overall"]
    size = 7 * n_cells
    # Rows run estimate by estimate, cell by cell within each estimate.
    return {
        "service_area": np.full(size, area, dtype=object),
        "estimate": np.repeat(estimates, n_cells).astype(object),
        "attribute": np.repeat(attributes, n_cells).astype(object),
        "dimension": np.full(size, dimension_name(breakdown), dtype=object),
        "category": np.tile(np.asarray(labels, dtype=object), 7),
        "percent": 100 * result["share"].T.ravel(),
        "ci_low": 100 * result["ci_low"].T.ravel(),
        "ci_high": 100 * result["ci_high"].T.ravel(),
        **{name: result[name].T.ravel() for name in COUNT_COLUMNS},
        "weighted": np.full(size, weighted),
        "suppressed": np.zeros(size, dtype=bool),
        "se": 100 * result["se"].T.ravel(),
        "ci_method": result["ci_method"].T.ravel(),
        "n_effective": result["n_effective"].T.ravel(),
    }


def area_table(
    data: SurveyData,
    area: str,
    groupings: Sequence[Grouping],
    weights: np.ndarray | None = None,
    level: float = DEFAULT_LEVEL,
) -> pd.DataFrame:
    """Return every estimate of one service area for each cell of each grouping.

    Unweighted rows always; weighted rows too when ``weights`` (one per respondent) are given.
    """
    patterns = _patterns(answer_classes(data.question_codes(rating_questions(area))))
    prepared = None if weights is None else np.asarray(weights, dtype=float)
    parts = []
    for grouping in groupings:
        tally = _tally(patterns, grouping.cell, len(grouping.labels))
        versions = [None] if prepared is None else [None, prepared]
        for version in versions:
            result = _estimate(tally, version, level)
            parts.append(
                _rows(area, grouping.breakdown, grouping.labels, result, version is not None)
            )
    # One frame per area, not one per breakdown: building frames costs more than estimating.
    frame = pd.DataFrame(
        {name: np.concatenate([part[name] for part in parts]) for name in TABLE_COLUMNS}
    )
    for name in COUNT_COLUMNS:
        frame[name] = frame[name].round().astype("Int64")
    return frame


def indicator_tables(
    data: SurveyData,
    breakdowns: Sequence[Breakdown],
    weights: np.ndarray | None = None,
    level: float = DEFAULT_LEVEL,
    rule: Rule | None = None,
) -> Iterator[pd.DataFrame]:
    """Yield the published table of each service area: national, then each breakdown.

    Small cells and their complements are suppressed by ``analytics.suppression.publish``.
    """
    groupings = group(data.respondents, breakdowns)
    for area in AREAS:
        yield publish(area_table(data, area, groupings, weights, level), rule)
