"""Raking (iterative proportional fitting) of respondents to population margins.

Margins come as rows ``dimension, category, population`` (categories are the export codes,
e.g. sex 1 and 2). Respondents without a value for a raking dimension are kept as a category
of their own whose target is their share of the sample: the known categories are raked to the
population distribution scaled to the rest of the total, and the report counts them.

After raking, weights outside ``trim`` (multiples of the mean weight) are cut to the bounds and
the sample is raked again, a few rounds, so that the final weights meet the margins exactly and
the bounds as closely as they allow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import defaults
from analytics.breakdowns import category_text
from analytics.codebook import DIMENSIONS
from analytics.errors import WeightingError

DEFAULT_TRIM = defaults.TRIM
TOLERANCE = 1e-7  # largest gap between a weighted and a target share, as a share of the total
MAX_SWEEPS = 500
TRIM_ROUNDS = 20


@dataclass(frozen=True)
class RakingReport:
    """How the raking went: convergence, trimming, missing values, design effect."""

    dimensions: tuple[str, ...]
    converged: bool
    sweeps: int
    largest_margin_gap: float  # in share points (0-1) after the last sweep
    trim_bounds: tuple[float, float]
    trimmed: int  # weights outside the bounds after the first raking, hence cut
    within_bounds: bool  # whether the final weights keep to the bounds (within 0.1%)
    weight_ratio: float  # largest weight over smallest
    kish_deff: float
    effective_n: float
    respondents: int
    population: float
    missing: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """Return the report as plain sentences for the methods sheet and the report."""
        missing = ", ".join(f"{name} {count}" for name, count in self.missing.items() if count)
        return [
            f"Raked {self.respondents} respondents to population margins of "
            f"{', '.join(self.dimensions)} (total population {self.population:,.0f}).",
            f"Converged: {'yes' if self.converged else 'NO'} after {self.sweeps} sweeps; "
            f"largest gap to a margin {self.largest_margin_gap:.2e} (share).",
            f"Trimming to {self.trim_bounds[0]:g}-{self.trim_bounds[1]:g} times the mean weight: "
            f"{self.trimmed} weights cut; "
            + (
                "the final weights keep to the bounds"
                if self.within_bounds
                else "the margins cannot be met within the bounds, so they take priority"
            )
            + f"; largest/smallest weight {self.weight_ratio:.1f}.",
            f"Kish design effect {self.kish_deff:.3f}; effective sample size "
            f"{self.effective_n:,.0f}.",
            "Respondents without a value, kept as their own category: " + (missing or "none") + ".",
        ]


@dataclass(frozen=True)
class _Margin:
    name: str
    codes: np.ndarray  # each respondent's category number (the last one: no value)
    targets: np.ndarray  # population per category, the no-value category last


def kish_design_effect(weights: np.ndarray) -> float:
    """Return Kish's design effect of unequal weighting, n * sum(w^2) / sum(w)^2."""
    weights = np.asarray(weights, dtype=float)
    return float(len(weights) * np.sum(weights**2) / np.sum(weights) ** 2)


def _category_numbers(column: pd.Series, categories: list[str]) -> tuple[np.ndarray, list[str]]:
    """Return each respondent's position in ``categories`` (missing: one past the end)."""
    codes, uniques = pd.factorize(column)
    texts = [category_text(value) for value in uniques]
    strays = sorted(set(texts) - set(categories))
    position = {category: k for k, category in enumerate(categories)}
    # Index -1 (a missing value) picks the appended last slot.
    lookup = np.array([position.get(text, -1) for text in texts] + [len(categories)])
    return lookup[codes], strays


def _margins(respondents: pd.DataFrame, margins: pd.DataFrame) -> list[_Margin]:
    total = None
    prepared = []
    for name, rows in margins.groupby("dimension", sort=False):
        if name not in DIMENSIONS or name not in respondents.columns:
            raise WeightingError(
                f"the margins name an unknown dimension {name!r}; "
                f"use one of {', '.join(DIMENSIONS)}"
            )
        categories = list(rows["category"])
        population = rows["population"].to_numpy(dtype=float)
        usable = np.isfinite(population) & (population > 0)
        bad = [category for category, ok in zip(categories, usable, strict=True) if not ok]
        if bad:
            # A group of nobody would get weight 0 and vanish from every weighted figure.
            raise WeightingError(
                f"dimension {name}, category {bad[0]}: the population must be a finite number "
                "above zero; merge the category with a neighbouring one"
            )
        total = population.sum() if total is None else total
        codes, strays = _category_numbers(respondents[name], categories)
        if strays:
            raise WeightingError(
                f"dimension {name}, category {', '.join(strays)}: respondents have it but the "
                "margins give it no population; add the category to the margins file or "
                "merge it with a neighbouring one"
            )
        counts = np.bincount(codes, minlength=len(categories) + 1)
        empty = [c for k, c in enumerate(categories) if counts[k] == 0]
        if empty:
            raise WeightingError(
                f"dimension {name}, category {', '.join(empty)}: no respondent has it although "
                "the margins give it a population; merge it with a neighbouring category"
            )
        missing_share = counts[-1] / len(codes)
        # Each dimension is scaled to the first one's total: census tables rarely agree exactly
        # (analytics.margins refuses a file whose totals differ by more than 1%).
        known = population / population.sum() * total * (1 - missing_share)
        prepared.append(_Margin(name, codes, np.append(known, total * missing_share)))
    if not prepared:
        raise WeightingError("the margins file holds no rows")
    return prepared


def _within(weights: np.ndarray, lower: float, upper: float) -> bool:
    return bool(weights.min() >= lower * 0.999 and weights.max() <= upper * 1.001)


def _ipf(weights: np.ndarray, margins: list[_Margin]) -> tuple[np.ndarray, int, float, bool]:
    total = margins[0].targets.sum()
    gap = np.inf
    for sweep in range(1, MAX_SWEEPS + 1):
        gap = 0.0
        for margin in margins:
            current = np.bincount(margin.codes, weights=weights, minlength=len(margin.targets))
            gap = max(gap, float(np.max(np.abs(current - margin.targets))) / total)
            factor = np.divide(
                margin.targets, current, out=np.ones_like(current), where=current > 0
            )
            weights = weights * factor[margin.codes]
        if gap < TOLERANCE:
            return weights, sweep, gap, True
    return weights, MAX_SWEEPS, gap, False


def rake(
    respondents: pd.DataFrame,
    margins: pd.DataFrame,
    trim: tuple[float, float] = DEFAULT_TRIM,
) -> tuple[np.ndarray, RakingReport]:
    """Return raking weights (one per respondent, summing to the population) and a report."""
    if len(respondents) == 0:
        raise WeightingError("there are no respondents to weight")
    prepared = _margins(respondents, margins)
    population = float(prepared[0].targets.sum())
    n = len(respondents)
    weights = np.full(n, population / n)
    weights, sweeps, gap, converged = _ipf(weights, prepared)
    lower, upper = trim[0] * population / n, trim[1] * population / n
    trimmed = int(((weights < lower) | (weights > upper)).sum())
    for _ in range(TRIM_ROUNDS):
        if _within(weights, lower, upper):
            break
        weights, sweeps, gap, converged = _ipf(np.clip(weights, lower, upper), prepared)
    if not converged:
        raise WeightingError(
            f"raking did not converge in {MAX_SWEEPS} sweeps (largest gap {gap:.2e}); "
            "some margins cannot be met together: merge sparse categories or drop a dimension"
        )
    deff = kish_design_effect(weights)
    report = RakingReport(
        dimensions=tuple(margin.name for margin in prepared),
        converged=converged,
        sweeps=sweeps,
        largest_margin_gap=gap,
        trim_bounds=trim,
        trimmed=trimmed,
        within_bounds=_within(weights, lower, upper),
        weight_ratio=float(weights.max() / weights.min()),
        kish_deff=deff,
        effective_n=n / deff,
        respondents=n,
        population=population,
        missing={m.name: int((m.codes == len(m.targets) - 1).sum()) for m in prepared},
    )
    return weights, report


def margin_comparison(
    respondents: pd.DataFrame, margins: pd.DataFrame, weights: np.ndarray | None = None
) -> pd.DataFrame:
    """Compare sample shares (and weighted shares) with population shares, category by category."""
    rows = []
    for name, group in margins.groupby("dimension", sort=False):
        if name not in respondents.columns:
            continue
        categories = list(group["category"])
        codes, _ = _category_numbers(respondents[name], categories)
        known = codes < len(categories)
        counts = np.bincount(codes, minlength=len(categories) + 1)
        population_share = group["population"].to_numpy() / group["population"].sum()
        frame = pd.DataFrame(
            {
                "dimension": name,
                "category": categories,
                "population_share": population_share,
                "sample_share": counts[:-1] / max(known.sum(), 1),
                "respondents": counts[:-1],
            }
        )
        if weights is not None:
            weighted = np.bincount(codes, weights=weights, minlength=len(categories) + 1)
            frame["weighted_share"] = weighted[:-1] / weighted[:-1].sum()
        rows.append(frame)
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
