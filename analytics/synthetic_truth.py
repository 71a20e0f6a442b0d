"""Truth recovery: do the published 95% intervals cover the simulator's true values?

Simulated people are interviewed by the engine (with break-offs, DK/RA, routing), their
answers are collected as the loaders hand them over, raked to the population margins and
estimated by the same functions as ``analytics indicators --margins`` (``rake`` and
``indicator_tables``). Satisfaction depends only on urban/rural in the simulated population,
so the true value of every cell of a breakdown by sex, age, district or income is the
population's value (``true_percentages``). Cells of respondents who gave no value
(``unknown``) have no such truth and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from analytics.estimates import indicator_tables
from analytics.load import Period
from analytics.simulate import population_margins, synthetic_batches, true_percentages
from analytics.suppression import Rule
from analytics.tidy import SurveyData, collect
from analytics.weights import rake

BREAKDOWNS = (("sex",), ("age_band",), ("district",), ("income_band",))
START = datetime(2026, 1, 5)
KEYS = ["service_area", "estimate", "attribute"]


@dataclass(frozen=True)
class Coverage:
    """The weighted cells with a published interval, their truth and whether it is covered."""

    cells: pd.DataFrame
    respondents: int
    without_urban_rural: int  # respondents raked in the urban/rural "unknown" group

    @property
    def share(self) -> float:
        """Return the share of cells whose interval covers the true value."""
        return float(self.cells["covered"].mean())


def simulated_data(n: int, seed: int, sample_urban_share: float) -> SurveyData:
    """Interview ``n`` simulated people and collect their answers as the loaders would."""
    batches = synthetic_batches(
        n, seed, START, batch_size=25_000, sample_urban_share=sample_urban_share
    )
    return collect((batch.answers for batch in batches), Period())


def coverage(data: SurveyData) -> Coverage:
    """Rake to the simulated population's margins; check each weighted cell against truth."""
    weights, report = rake(data.respondents, population_margins())
    tables = pd.concat(indicator_tables(data, list(BREAKDOWNS), weights, rule=Rule()))
    published = tables[tables["weighted"] & tables["ci_low"].notna() & tables["ci_high"].notna()]
    published = published[published["category"].astype(str) != "unknown"]
    cells = published.merge(true_percentages(), on=KEYS)
    cells = cells.assign(
        covered=(cells["ci_low"] <= cells["true_percent"])
        & (cells["true_percent"] <= cells["ci_high"])
    )
    return Coverage(cells, len(data), report.missing.get("urban_rural", 0))
