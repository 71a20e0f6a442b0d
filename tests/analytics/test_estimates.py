"""The three estimates follow the methodology: shares, the average, own denominators."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analytics.estimates import TABLE_COLUMNS
from analytics.intervals import wilson
from analytics.load import Period
from analytics.suppression import Rule, publish
from analytics.tidy import collect
from tests.analytics.helpers import answer, frame, ratings, table_of


def positives(n: int, positive: int, strong: int = 0) -> list[int | None]:
    """Return n codes: ``strong`` 3s, then 2s up to ``positive``, then 1s and 0s."""
    return (
        [3] * strong
        + [2] * (positive - strong)
        + [1, 0] * ((n - positive) // 2)
        + [1] * ((n - positive) % 2)
    )


def national(table: pd.DataFrame, estimate: str, attribute: str | None = None) -> pd.Series:
    rows = table[(table["dimension"] == "total") & (table["estimate"] == estimate)]
    if attribute is not None:
        rows = rows[rows["attribute"] == attribute]
    assert len(rows[~rows["weighted"]]) == 1
    return rows[~rows["weighted"]].iloc[0]


def test_the_methodologys_worked_example_gives_56_and_60_percent():
    shares = {
        "hc_accessibility": 50,
        "hc_affordability": 60,
        "hc_quality_of_facilities": 73,
        "hc_equal_treatment": 55,
        "hc_courtesy_of_staff": 42,
    }
    rows = [
        row for qid, share in shares.items() for row in ratings(100, qid, positives(100, share))
    ]
    rows += ratings(100, "hc_overall", positives(100, 60, strong=23))
    table = table_of(collect([frame(rows)], Period()), "healthcare", [])

    for qid, share in shares.items():
        assert national(table, "attribute", qid.removeprefix("hc_"))["percent"] == pytest.approx(
            share
        )
    assert national(table, "attribute_average")["percent"] == pytest.approx(56.0)
    overall = national(table, "overall_satisfaction")
    assert overall["percent"] == pytest.approx(60.0)
    assert (overall["n_positive"], overall["n_valid"]) == (60, 100)


def test_65_dk_na_ra_out_of_1000_leave_935_in_the_denominator_and_are_reported():
    codes = [98] * 30 + [97] * 20 + [99] * 15 + positives(935, 561)
    table = table_of(
        collect([frame(ratings(1000, "hc_accessibility", codes))], Period()), "healthcare", []
    )
    row = national(table, "attribute", "accessibility")
    assert row["n_valid"] == 935
    assert (row["n_dk"], row["n_na"], row["n_ra"]) == (30, 20, 15)
    assert row["n_dk"] + row["n_na"] + row["n_ra"] == 65
    assert row["percent"] == pytest.approx(100 * 561 / 935)


def test_each_question_keeps_its_own_denominator_and_given_up_items_are_counted_apart():
    # 400 reach affordability (10 DK, 4 RA, 6 NA, 228 positive); 3 give up on overall.
    rows = ratings(400, "hc_affordability", [98] * 10 + [99] * 4 + [97] * 6 + positives(380, 228))
    rows += ratings(50, "hc_overall", [None] * 3 + positives(47, 47))
    table = table_of(collect([frame(rows)], Period()), "healthcare", [])

    affordability = national(table, "attribute", "affordability")
    assert affordability["percent"] == pytest.approx(60.0)
    assert affordability["n_valid"] == 380
    overall = national(table, "overall_satisfaction")
    assert (overall["n_valid"], overall["n_no_answer"], overall["percent"]) == (47, 3, 100.0)
    # Respondents who never reached a question are neither valid nor missing answers to it.
    accessibility = national(table, "attribute", "accessibility")
    assert accessibility["n_valid"] == 0 and np.isnan(accessibility["percent"])


def test_unweighted_shares_carry_the_wilson_interval():
    codes = positives(200, 150)
    table = table_of(
        collect([frame(ratings(200, "hc_overall", codes))], Period()), "healthcare", []
    )
    row = national(table, "overall_satisfaction")
    low, high = wilson(np.array([150]), np.array([200]), 0.95)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((100 * low[0], 100 * high[0]))
    # The Wilson interval of 150/200 at 95%, worked by hand: 68.57% to 80.49%.
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((68.57, 80.49), abs=0.01)
    assert row["ci_method"] == "wilson"


def test_breakdowns_take_respondent_variables_from_their_demographics_rows():
    rows = ratings(60, "hc_overall", positives(60, 40))
    rows += [answer(f"r{k}", "sex", 1 if k < 20 else 2) for k in range(60)]
    rows += [answer(f"r{k}", "urban_rural", 1 if k % 2 else 2) for k in range(60)]
    table = table_of(
        collect([frame(rows)], Period()), "healthcare", [("sex",), ("sex", "urban_rural")]
    )
    overall = table[(table["estimate"] == "overall_satisfaction") & ~table["weighted"]]

    by_sex = overall[overall["dimension"] == "sex"].set_index("category")
    assert by_sex.loc["1", "percent"] == pytest.approx(100.0)  # r0-r19 all answered 2
    assert by_sex.loc["2", "percent"] == pytest.approx(50.0)  # 20 of the other 40
    combined = overall[overall["dimension"] == "sex+urban_rural"].set_index("category")
    assert set(combined.index) == {"1+1", "1+2", "2+1", "2+2"}
    assert combined["n_valid"].sum() == 60


def test_a_small_cell_is_blanked_whole_with_a_neighbour_that_hides_it():
    rows = ratings(40, "hc_overall", positives(40, 30))
    rows += [answer(f"r{k}", "sex", 1 if k < 35 else 2) for k in range(40)]
    table = publish(table_of(collect([frame(rows)], Period()), "healthcare", [("sex",)]), Rule(30))
    overall = table[(table["estimate"] == "overall_satisfaction")].set_index("category")

    # Women (5 ratings) are too few; men (35) would give them away as national minus men.
    assert overall.loc["2", "suppressed"] and overall.loc["1", "suppressed"]
    assert not overall.loc["total", "suppressed"] and overall.loc["total", "percent"] == 75.0
    for category in ("1", "2"):
        assert (
            overall.loc[category, ["percent", "ci_low", "n_valid", "n_positive", "n_dk"]]
            .isna()
            .all()
        )
    assert list(table.columns[:15]) == TABLE_COLUMNS[:15]
