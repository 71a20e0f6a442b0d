"""Simulate, then estimate: the known true proportions are recovered within the intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.codebook import AREAS
from analytics.simulate import true_percentages
from tests.analytics.helpers import table_of


def test_simulated_true_proportions_fall_inside_the_95_percent_intervals(representative):
    truth = true_percentages()
    table = pd.concat([table_of(representative, area, []) for area in AREAS])
    merged = truth.merge(table, on=["service_area", "estimate", "attribute"])
    assert len(merged) == 28  # 4 areas x (5 attributes, average, overall)

    inside = (merged["ci_low"] <= merged["true_percent"]) & (
        merged["true_percent"] <= merged["ci_high"]
    )
    # 95% intervals: about 1 in 20 may miss; many misses or a far miss would mean bias.
    assert inside.mean() >= 0.85
    z = (merged["percent"] - merged["true_percent"]) / merged["se"]
    assert np.abs(z).max() < 3.5


def test_simulated_counts_are_consistent_with_the_routing(representative):
    table = table_of(representative, "healthcare", [])
    accessibility = table[table["attribute"] == "accessibility"].iloc[0]
    # NA comes only from people who went without care every time; DK, RA ~3% and 1%.
    assert 0 < accessibility["n_na"] < accessibility["n_valid"] * 0.1
    assert accessibility["n_dk"] / accessibility["n_valid"] == pytest.approx(0.03, abs=0.01)
