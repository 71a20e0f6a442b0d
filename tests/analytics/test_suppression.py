"""Suppression cannot be undone: every published number together gives no hidden cell back.

An attacker reads each output (CSV, Excel, SDMX, the report's tables, the dashboard's table)
as a user gets it, learns every count it shows or implies (a percentage times its number of
ratings, a number of ratings from the standard error or from the Wilson interval), and then
tries to recover each suppressed cell: by linear algebra over every way the cells add up
(categories to the national row, combined breakdowns to one-way ones), by linear programming
with counts that cannot be negative (a hidden 0% or 100%, a count pinned to one value), and
from the attribute average. The attacker's arithmetic is written here, independently of
``analytics.suppression``; a last test shows it does undo the old, naive suppression.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from scipy.optimize import linprog

from analytics.breakdowns import STANDARD, TOTAL, group
from analytics.codebook import AREAS
from analytics.commands import make_group
from analytics.estimates import area_table, indicator_tables
from analytics.export import write_indicators_csv, write_indicators_xlsx
from analytics.intervals import wilson
from analytics.load import Period
from analytics.report import ReportInputs, estimates_table, overall_by
from analytics.scope import Scope
from analytics.sdmx import AREA_SUFFIX, CODES, SERIES_PREFIX, sdmx_rows
from analytics.simulate import population_margins, synthetic_batches
from analytics.suppression import Rule, publish
from analytics.tidy import SurveyData, collect
from analytics.weights import rake
from bot.dashboard.access import _compute
from bot.dashboard.snapshots import PeriodData
from tests.analytics.conftest import SIMULATION_START
from tests.analytics.helpers import answer, frame, ratings, register_departments, table_of

PERIODS = {
    "two days": Period(date(2026, 1, 12), date(2026, 1, 13)),
    "a week": Period(date(2026, 1, 19), date(2026, 1, 25)),
    "a month": Period(date(2026, 2, 1), date(2026, 2, 28)),
}
BREAKDOWNS = {
    "standard and district": [*STANDARD, ("district",)],
    "combined": [("sex",), ("urban_rural",), ("sex", "urban_rural"), ("age_band", "sex")],
}
KEY = ["service_area", "attribute", "dimension", "category"]


@pytest.fixture(scope="module")
def answers() -> pd.DataFrame:
    batches = synthetic_batches(4000, seed=31, start=SIMULATION_START, batch_size=2000)
    return pd.concat([batch.answers for batch in batches], ignore_index=True)


def survey(answers: pd.DataFrame, period: Period) -> SurveyData:
    return collect([answers[period.contains(answers["answered_at"])]], period)


def truth(data: SurveyData, breakdowns, weights=None) -> pd.DataFrame:
    """Return the unsuppressed table: what the attacker wants."""
    groupings = group(data.respondents, breakdowns)
    frames = [area_table(data, area, groupings, weights) for area in AREAS]
    table = pd.concat(frames, ignore_index=True)
    return table[~table["weighted"]].set_index(KEY)


# --- what the attacker learns from a published table ----------------------------------------


def n_from_interval(percent: float, low: float, high: float) -> float:
    """Return the number of ratings whose Wilson interval matches a published one."""
    n = np.arange(1, 20_000)
    lows, highs = wilson(np.round(percent / 100 * n), n, 0.95)
    match = (np.abs(100 * lows - low) < 0.006) & (np.abs(100 * highs - high) < 0.006)
    match &= np.abs(100 * np.round(percent / 100 * n) / n - percent) < 0.006
    return float(n[match][0]) if match.any() else np.nan


def learned(table: pd.DataFrame) -> pd.DataFrame:
    """Return the counts each published row shows or implies, one row per cell and item.

    A cell's counts are known if any of its rows (weighted or not) gives them.
    """
    rows = table.copy()
    valid = rows["n_valid"].astype(float) if "n_valid" in rows else pd.Series(np.nan, rows.index)
    unweighted = ~rows["weighted"].astype(bool)
    share = rows["percent"] / 100
    if "se" in rows:  # se = sqrt(p (1 - p) / n) for an unweighted share
        from_se = share * (1 - share) / (rows["se"] / 100) ** 2
        valid = valid.fillna(from_se.where(unweighted & (share > 0) & (share < 1)).round())
    gaps = valid.isna() & unweighted & rows["percent"].notna() & rows["ci_low"].notna()
    for k in np.flatnonzero(gaps.to_numpy()):
        r = rows.iloc[k]
        valid.iloc[k] = n_from_interval(r["percent"], r["ci_low"], r["ci_high"])
    positive = rows["n_positive"].astype(float) if "n_positive" in rows else valid * np.nan
    positive = positive.fillna((share * valid).where(unweighted).round())
    rows = rows.assign(valid=valid, positive=positive)
    known = rows.groupby(KEY, sort=False)[["valid", "positive"]].max()
    return known.assign(negative=known["valid"] - known["positive"])


def relations(cells: list[tuple[str, str]]) -> np.ndarray:
    """Return every way cells add up: for two breakdowns and a value of what they share."""

    def parts(dimension: str, category: str) -> dict[str, str]:
        if dimension == TOTAL:
            return {}
        return dict(zip(dimension.split("+"), category.split("+"), strict=True))

    dimensions = sorted({d for d, _ in cells})
    rows = []
    for first, second in combinations(dimensions, 2):
        shared = sorted(set(first.split("+")) & set(second.split("+")) - {TOTAL})
        sums: dict[tuple[str, ...], np.ndarray] = {}
        for k, (dimension, category) in enumerate(cells):
            if dimension in (first, second):
                value = tuple(parts(dimension, category)[name] for name in shared)
                row = sums.setdefault(value, np.zeros(len(cells)))
                row[k] += 1 if dimension == first else -1
        rows += list(sums.values())
    return np.array(rows)


def forced_to_a_bound(a: np.ndarray, b: np.ndarray) -> bool:
    """Return whether the relations force some hidden count to its bound of 0.

    One linear programme: the largest t with every hidden count at least t. If t can be
    positive, no count is forced to 0, so bounds pin nothing that subtraction does not.
    """
    n = a.shape[1]
    objective = np.zeros(n + 1)
    objective[-1] = -1
    spread = np.hstack([np.eye(n), -np.ones((n, 1))])  # t - x_j <= 0
    result = linprog(
        objective,
        A_ub=-spread,
        b_ub=np.zeros(n),
        A_eq=np.hstack([a, np.zeros((a.shape[0], 1))]),
        b_eq=b,
        bounds=[(0, None)] * n + [(0, 1)],
        method="highs",
    )
    return result.status != 0 or -result.fun < 1e-6


def recovered(known: pd.DataFrame, cells: list[tuple[str, str]], targets: list[int]) -> dict:
    """Return the target cells whose share or counts the attacker pins down, and how."""
    matrix = relations(cells)
    found = {}
    for name in ("valid", "positive", "negative"):
        values = known[name].to_numpy(dtype=float)
        unknown = np.isnan(values)
        if not unknown.any():
            continue
        a = matrix[:, unknown]
        b = -matrix[:, ~unknown] @ values[~unknown]
        position = {cell: k for k, cell in enumerate(np.flatnonzero(unknown))}
        rank = np.linalg.matrix_rank(a)
        for target in targets:
            k = position[target]
            if np.linalg.matrix_rank(np.delete(a, k, axis=1)) < rank:
                found.setdefault(cells[target], []).append(f"{name} by subtraction")
        if name == "valid":
            continue
        if not forced_to_a_bound(a, b):
            continue  # every count can move: only subtraction could pin one, tried above
        for target in targets:  # counts are never negative: try each hidden cell's range
            k = position[target]
            objective = np.zeros(a.shape[1])
            objective[k] = -1
            most = linprog(objective, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            least = linprog(-objective, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
            if most.status == 0 and -most.fun < 0.5:
                found.setdefault(cells[target], []).append(f"no {name} answer (0 or 100%)")
            elif most.status == 0 and least.status == 0 and -most.fun - least.fun < 0.5:
                found.setdefault(cells[target], []).append(f"{name} pinned by bounds")
    return found


def attack(published: pd.DataFrame, hidden: pd.DataFrame, whole: pd.DataFrame) -> dict:
    """Try to recover each hidden cell (with ratings) from a published table.

    ``hidden`` lists the suppressed cells (KEY columns); ``whole`` is the unsuppressed table,
    used only for the list of cells and to skip cells nobody rated.
    """
    known = learned(published)
    found: dict = {}
    for (area, attribute), cells_of_item in whole.groupby(level=[0, 1], sort=False):
        if attribute == "average":
            continue
        index = cells_of_item.index
        item = known.reindex(index)
        cells = [(d, c) for _, _, d, c in index]
        targets = [
            k
            for k, key in enumerate(index)
            if key in hidden.index and whole.loc[key, "n_valid"] > 0
        ]
        if targets:
            for cell, how in recovered(item, cells, targets).items():
                found[(area, attribute, *cell)] = how
    found.update(average_attack(published))
    return found


def average_attack(published: pd.DataFrame) -> dict:
    """Recover one hidden attribute from a shown average and the four other attributes."""
    cell = ["service_area", "weighted", "dimension", "category"]
    rows = published.assign(hidden=published["percent"].isna())
    attributes = rows[rows["estimate"] == "attribute"].groupby(cell)["hidden"].sum()
    averages = rows[rows["estimate"] == "attribute_average"].set_index(cell)["hidden"]
    shown = averages[~averages].index.intersection(attributes[attributes == 1].index)
    return {(area, "average", d, c): ["from the average"] for area, _, d, c in shown}


def hidden_cells(table: pd.DataFrame) -> pd.DataFrame:
    hidden = table[table["suppressed"].astype(bool) & ~table["weighted"].astype(bool)]
    return hidden.set_index(KEY)


# --- the outputs --------------------------------------------------------------------------


def published_tables(data: SurveyData, breakdowns, weights=None) -> list[pd.DataFrame]:
    return list(indicator_tables(data, breakdowns, weights))


@pytest.mark.parametrize("period", list(PERIODS))
@pytest.mark.parametrize("breakdowns", list(BREAKDOWNS))
def test_the_csv_and_excel_give_no_hidden_cell_back(answers, period, breakdowns, tmp_path):
    data = survey(answers, PERIODS[period])
    weights, _ = rake(data.respondents, population_margins())
    tables = published_tables(data, BREAKDOWNS[breakdowns], weights)
    write_indicators_csv(tables, tmp_path / "t.csv")
    write_indicators_xlsx(tables, [("period", period)], tmp_path / "t.xlsx")
    whole = truth(data, BREAKDOWNS[breakdowns], weights)
    for published in (
        pd.read_csv(tmp_path / "t.csv", dtype={"category": str}),
        pd.read_excel(tmp_path / "t.xlsx", sheet_name="indicators", dtype={"category": str}),
    ):
        hidden = hidden_cells(published)
        assert len(hidden) > 0  # the attack has something to aim at
        assert attack(published, hidden, whole) == {}
        blanked = published[published["suppressed"]]
        numbers = ["percent", "ci_low", "ci_high", "se", "n_valid", "n_positive", "n_dk",
                   "n_na", "n_ra", "n_no_answer", "n_effective", "ci_method"]  # fmt: skip
        assert blanked[numbers].isna().all().all()


def from_sdmx(sdmx: pd.DataFrame) -> pd.DataFrame:
    """Return SDMX rows as indicator-table rows (area, estimate, cell, percent, interval)."""
    areas = {suffix: area for area, suffix in AREA_SUFFIX.items()}
    estimates = {prefix: estimate for estimate, prefix in SERIES_PREFIX.items()}
    back = {sdmx_dim: (name, {v: k for k, v in codes.items()}) for name, (sdmx_dim, codes)
            in CODES.items()}  # fmt: skip
    rows = []
    for r in sdmx.to_dict("records"):
        prefix = r["SERIES"][: r["SERIES"].rindex("_") + 1]
        named = [(back[d][0], back[d][1][r[d]]) for d in back if r.get(d, "_T") != "_T"]
        estimate = estimates[prefix]
        rows.append(
            {
                "service_area": areas[r["SERIES"].rsplit("_", 1)[1]],
                "estimate": estimate,
                "attribute": "overall" if estimate == "overall_satisfaction" else "average",
                "dimension": "+".join(n for n, _ in named) or TOTAL,
                "category": "+".join(c for _, c in named) or TOTAL,
                "percent": r["OBS_VALUE"],
                "ci_low": r["LOWER_BOUND"],
                "ci_high": r["UPPER_BOUND"],
                "weighted": False,
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.parametrize("period", list(PERIODS))
def test_the_sdmx_file_gives_no_hidden_cell_back(answers, period):
    data = survey(answers, PERIODS[period])
    breakdowns = [("sex",), ("age_band",), ("sex", "age_band")]
    table = pd.concat(published_tables(data, breakdowns), ignore_index=True)
    published = from_sdmx(sdmx_rows(table, "2026"))
    whole = truth(data, breakdowns)
    whole = whole[whole.index.get_level_values("attribute") == "overall"]
    hidden = hidden_cells(table)
    # Interval and percentage alone tell the attacker each shown cell's counts.
    assert learned(published)["positive"].notna().sum() > 0
    assert len(hidden.loc[hidden.index.get_level_values("attribute") == "overall"]) > 0
    assert attack(published, hidden, whole) == {}


def report_inputs(data: SurveyData, weights=None) -> ReportInputs:
    return ReportInputs(data, pd.DataFrame(), pd.DataFrame(), "month", weights=weights)


@pytest.mark.parametrize("period", ["a week", "a month"])
def test_the_report_tables_give_no_hidden_cell_back(answers, period):
    data = survey(answers, PERIODS[period])
    inputs = report_inputs(data)
    # What the report prints: national estimates, overall by week and by department.
    shown = [estimates_table(inputs)]
    for dimension in ("week", "department"):
        rows = overall_by(inputs, dimension).assign(
            dimension=dimension, estimate="overall_satisfaction", attribute="overall"
        )
        shown.append(rows)
    published = pd.concat(shown, ignore_index=True).assign(weighted=False)
    published["n_positive"] = (published["percent"] / 100 * published["n_valid"]).round()
    published = published.assign(ci_low=np.nan, ci_high=np.nan)
    whole = truth(data, [("week",), ("department",)])
    table = inputs.published
    hidden = hidden_cells(table)
    assert len(hidden) > 0
    assert attack(published, hidden, whole) == {}


def test_the_dashboard_table_gives_no_hidden_cell_back(answers):
    period = PERIODS["two days"]
    data = survey(answers, period)
    snapshot = PeriodData(
        "week", "2026-W03", period, data, pd.DataFrame({"status": [], "department": []}),
        pd.DataFrame(), datetime.now(UTC),
    )  # fmt: skip
    table = _compute(snapshot, Scope.everything(), STANDARD).table
    hidden = hidden_cells(table)
    assert len(hidden) > 0
    assert attack(table, hidden, truth(data, list(STANDARD))) == {}


# --- the rules, one by one -----------------------------------------------------------------


def test_the_attack_undoes_a_suppression_that_blanks_only_the_small_cell(answers):
    data = survey(answers, PERIODS["two days"])
    whole = truth(data, list(STANDARD)).reset_index()
    naive = whole.copy()
    small = naive["n_valid"] < 30
    naive.loc[small, ["percent", "ci_low", "ci_high", "se", "n_positive"]] = np.nan
    naive = naive.assign(suppressed=small)
    found = attack(naive, hidden_cells(naive), whole.set_index(KEY))
    assert len(found) > 0
    # And what it finds is right: the hidden counts, exactly.
    key = next(k for k, how in found.items() if "positive by subtraction" in how)
    item = whole[(whole["service_area"] == key[0]) & (whole["attribute"] == key[1])]
    cell = item[(item["dimension"] == key[2]) & (item["category"] == key[3])].iloc[0]
    others = item[(item["dimension"] == key[2]) & (item["category"] != key[3])]
    national = item[item["dimension"] == TOTAL].iloc[0]
    assert national["n_positive"] - others["n_positive"].sum() == cell["n_positive"]


def test_weighted_cells_with_a_small_effective_size_are_suppressed():
    # 40 ratings, but one respondent carries most of the weight: Kish n_eff is about 1.9.
    rows = ratings(40, "hc_overall", [2] * 20 + [1] * 20)
    data = collect([frame(rows)], Period())
    weights = np.ones(len(data))
    weights[0] = 100.0
    raw = table_of(data, "healthcare", [], weights)
    overall = raw[raw["estimate"] == "overall_satisfaction"].set_index("weighted")
    assert overall.loc[True, "n_effective"] == pytest.approx(139**2 / (100**2 + 39))
    assert overall.loc[False, "n_effective"] == 40
    table = publish(raw, Rule(30, 30)).set_index(["estimate", "weighted"])
    assert table.loc[("overall_satisfaction", True), "suppressed"]
    assert np.isnan(table.loc[("overall_satisfaction", True), "percent"])
    assert not table.loc[("overall_satisfaction", False), "suppressed"]
    relaxed = publish(raw, Rule(30, 1)).set_index(["estimate", "weighted"])
    assert not relaxed.loc[("overall_satisfaction", True), "suppressed"]


def test_a_weighted_row_is_hidden_with_the_unweighted_one():
    rows = ratings(60, "hc_overall", [2] * 40 + [1] * 20)
    rows += [answer(f"r{k}", "sex", 1 if k < 50 else 2) for k in range(60)]
    data = collect([frame(rows)], Period())
    table = publish(table_of(data, "healthcare", [("sex",)], np.ones(60)), Rule(30, 30))
    overall = table[(table["estimate"] == "overall_satisfaction") & (table["dimension"] == "sex")]
    assert overall["suppressed"].all() and len(overall) == 4  # both sexes, both kinds of row


def test_the_average_is_hidden_when_one_attribute_is():
    rows = ratings(40, "hc_overall", [2] * 40)
    rows += ratings(40, "hc_accessibility", [2] * 30 + [1] * 10)
    rows += [answer(f"r{k}", question, 2) for question in
             ("hc_affordability", "hc_equal_treatment", "hc_courtesy_of_staff")
             for k in range(40)]  # fmt: skip
    rows += [answer(f"r{k}", "hc_quality_of_facilities", 2 if k < 20 else 98) for k in range(40)]
    table = publish(table_of(collect([frame(rows)], Period()), "healthcare"), Rule(30))
    by = table.set_index("attribute")
    assert by.loc["quality_of_facilities", "suppressed"] and by.loc["average", "suppressed"]
    assert not by.loc["accessibility", "suppressed"]
    assert by.loc["accessibility", "percent"] == 75.0


def test_an_empty_cell_is_published_empty_without_an_interval_method():
    rows = ratings(40, "hc_overall", [2] * 40)
    rows += [answer(f"r{k}", "hc_accessibility", 98) for k in range(40)]
    table = publish(table_of(collect([frame(rows)], Period()), "healthcare"), Rule(30))
    access = table.set_index("attribute").loc["accessibility"]
    assert access["n_valid"] == 0 and access["n_dk"] == 40 and not access["suppressed"]
    assert pd.isna(access["percent"]) and pd.isna(access["ci_method"])


def test_the_effective_size_threshold_is_a_command_option(sqlite_engine, tmp_path):
    register_departments(sqlite_engine)
    group = make_group(lambda: sqlite_engine)
    result = CliRunner().invoke(group, ["simulate", "400", "--seed", "3", "--days", "10"])
    assert result.exit_code == 0, result.output
    margins = tmp_path / "margins.csv"
    population_margins().to_csv(margins, index=False)

    def table(*options: str) -> pd.DataFrame:
        out = tmp_path / "indicators.csv"
        args = ["indicators", "--out", str(out), "--include-test", "--margins", str(margins)]
        result = CliRunner().invoke(group, [*args, *options])
        assert result.exit_code == 0, result.output
        return pd.read_csv(out, dtype={"category": str})

    strict = table("--min-neff", "100000")
    rated = (strict["n_valid"] > 0) | strict["suppressed"]
    assert strict.loc[strict["weighted"] & rated, "suppressed"].all()
    national = strict[(strict["dimension"] == "total") & ~strict["weighted"]]
    assert national["percent"].notna().any()  # the unweighted figures do not depend on it
    usual = table()
    assert usual.loc[usual["weighted"], "suppressed"].sum() < strict["weighted"].sum()
    shown = usual[usual["weighted"] & (usual["n_valid"] > 0)]
    assert len(shown) > 0 and (shown["n_effective"] >= 30).all()
