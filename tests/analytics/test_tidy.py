"""From answer rows to respondents: pivoted demographics, disability, one answer per item."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from analytics.codebook import NO_ANSWER, NOT_ASKED, WASHINGTON_GROUP
from analytics.errors import NoDataError
from analytics.load import Period
from analytics.tidy import collect
from tests.analytics.helpers import answer, frame


def wg(respondent: str, codes: list[int]) -> list[dict]:
    return [
        answer(respondent, name, code) for name, code in zip(WASHINGTON_GROUP, codes, strict=True)
    ]


def test_disability_follows_the_washington_group_cut_off():
    rows = (
        wg("a_lot", [1, 1, 3, 1, 1, 1])
        + wg("cannot", [4, 1, 1, 1, 1, 1])
        + wg("some", [2, 2, 2, 2, 2, 2])
        + wg("refused_one", [1, 1, 1, 99, 1, 1])
        + [answer("not_asked", "sex", 1)]
    )
    disability = collect([frame(rows)], Period()).respondents["disability"]
    assert disability["a_lot"] == 1 and disability["cannot"] == 1
    assert disability["some"] == 2  # some difficulty everywhere is not a disability
    assert pd.isna(disability["refused_one"]) and pd.isna(disability["not_asked"])


def test_demographics_pivot_onto_the_same_respondent_and_codes_97_to_99_are_unknown():
    rows = [
        answer("k1", "sex", 2),
        answer("k1", "age_band", 99),
        answer("k1", "hc_overall", 3),
        answer("k2", "hc_overall", 1, department="moh_clinics", lang="tn"),
    ]
    people = collect([frame(rows)], Period()).respondents
    assert people.loc["k1", "sex"] == 2 and pd.isna(people.loc["k1", "age_band"])
    assert pd.isna(people.loc["k2", "sex"])
    assert people.loc["k2", "department"] == "moh_clinics" and people.loc["k2", "language"] == 2
    assert people.loc["k1", "week"] == "2026-W11" and people.loc["k1", "month"] == "2026-03"


def test_a_later_answer_to_the_same_question_replaces_the_earlier_one():
    rows = [answer("k1", "hc_overall", 0), answer("k1", "hc_overall", 3)]
    assert collect([frame(rows)], Period()).codes.loc["k1", "hc_overall"] == 3
    # Across chunks too: the stream arrives in answer-id order.
    chunks = [frame([answer("k1", "hc_overall", 0)]), frame([answer("k1", "hc_overall", 2)])]
    assert collect(chunks, Period()).codes.loc["k1", "hc_overall"] == 2


def test_given_up_rating_items_are_no_answer_and_unreached_items_are_not_asked():
    rows = [answer("k1", "hc_overall", None, method="gave_up"), answer("k2", "hc_need", 2)]
    codes = collect([frame(rows)], Period()).codes
    assert codes.loc["k1", "hc_overall"] == NO_ANSWER
    assert codes.loc["k2", "hc_overall"] == NOT_ASKED


def test_only_respondents_with_an_answer_in_the_period_count_but_older_demographics_do():
    early = datetime(2026, 1, 15)
    rows = [
        answer("k1", "sex", 2, answered_at=early),
        answer("k1", "hc_overall", 3),
        answer("old", "hc_overall", 3, answered_at=early),
    ]
    data = collect([frame(rows)], Period(date(2026, 3, 1), date(2026, 3, 31)))
    assert list(data.respondents.index) == ["k1"]
    assert data.respondents.loc["k1", "sex"] == 2
    assert data.respondents.loc["k1", "first_at"] == pd.Timestamp("2026-03-10 09:00:05")


def test_an_empty_period_says_what_to_do():
    with pytest.raises(NoDataError, match=r"--from/--to.*--include-test"):
        collect([frame([])], Period(date(2020, 1, 1), date(2020, 1, 31)))
