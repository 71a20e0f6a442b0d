"""Raking meets the population margins, reports what it did, and corrects a biased sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.errors import WeightingError
from analytics.simulate import population_margins, true_percentages
from analytics.weights import kish_design_effect, margin_comparison, rake
from tests.analytics.helpers import table_of


def people(**columns):
    return pd.DataFrame({name: pd.array(values, dtype="Int16") for name, values in columns.items()})


def margins(rows):
    return pd.DataFrame(rows, columns=["dimension", "category", "population"])


def test_raked_weights_reproduce_every_margin_and_sum_to_the_population(urban_heavy):
    target = population_margins()
    weights, report = rake(urban_heavy.respondents, target)
    comparison = margin_comparison(urban_heavy.respondents, target, weights)

    assert report.converged
    assert weights.sum() == pytest.approx(target.groupby("dimension")["population"].sum().iloc[0])
    assert np.allclose(comparison["weighted_share"], comparison["population_share"], atol=1e-6)
    urban = comparison[(comparison["dimension"] == "urban_rural") & (comparison["category"] == "1")]
    assert urban["sample_share"].iloc[0] == pytest.approx(0.85, abs=0.01)


def test_respondents_without_a_value_keep_their_sample_share_and_are_counted():
    sample = people(sex=[1, 1, 1, 2, None, None, 1, 2, 2, 1])
    weights, report = rake(sample, margins([("sex", "1", 500), ("sex", "2", 500)]))

    assert report.missing == {"sex": 2}
    missing = sample["sex"].isna().to_numpy()
    assert weights[missing].sum() / weights.sum() == pytest.approx(0.2)
    known = sample["sex"].fillna(0).to_numpy()
    assert weights[known == 1].sum() == pytest.approx(weights[known == 2].sum())


def test_a_category_without_respondents_or_missing_from_the_margins_is_refused():
    sample = people(sex=[1, 1, 2], age_band=[1, 1, 2])
    with pytest.raises(
        WeightingError, match="dimension age_band, category 3: no respondent has it"
    ):
        rake(sample, margins([("age_band", "1", 10), ("age_band", "2", 10), ("age_band", "3", 5)]))
    with pytest.raises(
        WeightingError,
        match="dimension sex, category 2: respondents have it but the margins give it no",
    ):
        rake(sample, margins([("sex", "1", 10)]))
    with pytest.raises(WeightingError, match="dimension sex, category 2: the population must"):
        rake(sample, margins([("sex", "1", 10), ("sex", "2", 0)]))
    with pytest.raises(WeightingError, match="unknown dimension 'height'"):
        rake(sample, margins([("height", "1", 10)]))


def test_trimming_caps_extreme_weights_and_raking_still_meets_the_margins():
    # Old women are rare in the sample, so raking alone gives them very large weights.
    sex = [1] * 1000 + [2] * 1000
    age = [1, 2, 3] * 333 + [1] + [1] * 600 + [2] * 380 + [3] * 20
    sample = people(sex=sex, age_band=age)
    target = margins(
        [
            ("sex", "1", 5000),
            ("sex", "2", 5000),
            ("age_band", "1", 3000),
            ("age_band", "2", 3000),
            ("age_band", "3", 4000),
        ]
    )
    untrimmed, _ = rake(sample, target, trim=(0.01, 100))
    trimmed, report = rake(sample, target, trim=(0.3, 3))

    mean = trimmed.mean()
    assert untrimmed.max() / mean > 3
    assert report.trimmed > 0 and report.within_bounds
    assert trimmed.max() / mean <= 3 * 1.001
    shares = margin_comparison(sample, target, trimmed)
    assert np.allclose(shares["weighted_share"], shares["population_share"], atol=1e-6)
    assert report.kish_deff == pytest.approx(kish_design_effect(trimmed))
    assert report.kish_deff < kish_design_effect(untrimmed)


def test_margins_take_priority_over_bounds_that_cannot_be_met_and_the_report_says_so():
    sample = people(sex=[1] * 97 + [2] * 3)  # women: 3% of the sample, half the population
    weights, report = rake(sample, margins([("sex", "1", 50), ("sex", "2", 50)]), trim=(0.3, 5))
    assert weights[97:].sum() == pytest.approx(50)
    assert not report.within_bounds
    assert "cannot be met within the bounds" in " ".join(report.lines())


def test_kish_design_effect_is_one_for_equal_weights_and_grows_with_their_spread():
    assert kish_design_effect(np.full(10, 3.0)) == pytest.approx(1.0)
    assert kish_design_effect(np.array([1.0, 3.0])) == pytest.approx(2 * 10 / 16)


def test_raking_on_urban_rural_removes_the_bias_of_an_urban_heavy_sample(urban_heavy):
    truth = true_percentages().set_index(["service_area", "estimate", "attribute"])["true_percent"]
    weights, _ = rake(urban_heavy.respondents, population_margins())
    table = table_of(urban_heavy, "healthcare", [], weights)
    overall = table[table["estimate"] == "overall_satisfaction"].set_index("weighted")
    true = truth["healthcare", "overall_satisfaction", "overall"]

    unweighted, raked = overall.loc[False], overall.loc[True]
    assert not unweighted["ci_low"] <= true <= unweighted["ci_high"]  # urban people are happier
    assert raked["ci_low"] <= true <= raked["ci_high"]
    # The weighted interval is wider than the unweighted one: weighting costs precision.
    assert raked["ci_high"] - raked["ci_low"] > unweighted["ci_high"] - unweighted["ci_low"]
