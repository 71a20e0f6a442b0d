"""Weighted shares, standard errors and intervals agree with samplics' Taylor linearisation."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from analytics.breakdowns import cells
from analytics.codebook import rating_questions
from analytics.estimates import cell_estimates
from analytics.simulate import population_margins
from analytics.weights import rake

with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)  # samplics announces it is archived
    from samplics import PopParam, TaylorEstimator


def samplics_share(positive, valid, weights, in_cell):
    """Return samplics' proportion of positive answers among the cell's valid answers."""
    estimator = TaylorEstimator(PopParam.prop)
    estimator.estimate(y=positive, samp_weight=weights, domain=(valid & in_cell).astype(int))
    return (
        estimator.point_est[1][1.0],
        estimator.stderror[1][1.0],
        estimator.lower_ci[1][1.0],
        estimator.upper_ci[1][1.0],
    )


@pytest.fixture(scope="module")
def weighted(urban_heavy):
    weights, _ = rake(urban_heavy.respondents, population_margins())
    return urban_heavy, weights


@pytest.mark.parametrize("area", ["healthcare", "government_services"])
def test_weighted_shares_and_intervals_match_samplics_nationally_and_by_sex(weighted, area):
    data, weights = weighted
    codes = data.question_codes(rating_questions(area))
    cell, labels = cells(data.respondents, ("sex",))
    ours = cell_estimates(codes, cell, len(labels), weights)
    column = {k: k for k in range(5)} | {5: 6}  # overall sits after the average in our output
    for item in range(6):
        positive = np.isin(codes[:, item], [2, 3]).astype(float)
        valid = np.isin(codes[:, item], [0, 1, 2, 3])
        for c in range(len(labels) - 1):  # the "unknown" cell is too small to matter here
            share, se, low, high = samplics_share(positive, valid, weights, cell == c)
            k = column[item]
            assert ours["share"][c, k] == pytest.approx(share, abs=1e-9)
            assert ours["se"][c, k] == pytest.approx(se, rel=1e-9)
            assert (ours["ci_low"][c, k], ours["ci_high"][c, k]) == pytest.approx(
                (low, high), abs=1e-9
            )


def test_the_average_is_a_ratio_when_everyone_rates_all_five_and_then_matches_samplics(weighted):
    data, weights = weighted
    codes = data.question_codes(rating_questions("healthcare"))
    complete = np.isin(codes[:, :5], [0, 1, 2, 3]).all(axis=1)
    codes, weights = codes[complete], weights[complete]
    ours = cell_estimates(codes, np.zeros(len(codes), dtype=np.int64), 1, weights)

    estimator = TaylorEstimator(PopParam.ratio)
    mean_positive = np.isin(codes[:, :5], [2, 3]).mean(axis=1)
    estimator.estimate(y=mean_positive, x=np.ones(len(codes)), samp_weight=weights)
    assert ours["share"][0, 5] == pytest.approx(estimator.point_est, abs=1e-12)
    assert ours["se"][0, 5] == pytest.approx(estimator.stderror, rel=1e-9)


def test_the_averages_standard_error_is_the_delta_method_of_the_estimate():
    rng = np.random.default_rng(5)
    n = 300
    codes = rng.choice([0, 1, 2, 3, 97, 98], size=(n, 6), p=[0.2, 0.2, 0.25, 0.25, 0.05, 0.05])
    weights = rng.uniform(0.5, 3, n)
    zero = np.zeros(n, dtype=np.int64)
    result = cell_estimates(codes, zero, 1, weights)

    def average(w):
        return cell_estimates(codes, zero, 1, w)["share"][0, 5]

    # Respondent i's influence is w_i times the derivative of the estimate by w_i.
    step = 1e-6
    influence = np.empty(n)
    for i in range(n):
        up, down = weights.copy(), weights.copy()
        up[i] += step
        down[i] -= step
        influence[i] = weights[i] * (average(up) - average(down)) / (2 * step)
    delta = np.sqrt(n / (n - 1) * np.sum((influence - influence.mean()) ** 2))
    assert result["se"][0, 5] == pytest.approx(delta, rel=1e-5)
