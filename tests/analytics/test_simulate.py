"""The simulator interviews people through the real engine and stores what it records."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from analytics.commands import make_group
from analytics.simulate import (
    FLOW_FILE,
    SEEDED_DEPARTMENTS,
    intended_replies,
    synthetic_batches,
)
from analytics.synthetic_interviews import ENGINE_TIME, STOP, Walker, engine_reply, walk
from analytics.synthetic_store import insert_synthetic
from analytics.synthetic_truth import coverage, simulated_data
from bot.models import Answer, Conversation, Decline, Respondent
from survey_flows import engine
from survey_flows.definition import load_flow
from survey_flows.step import StartContext
from tests.analytics.helpers import register_departments

START = datetime(2026, 3, 2)


def _plain_interview(walker, replies, department, seed, lang, patience, stops):
    """Interview one person with the engine's full states, no memo: the oracle."""
    flow = walker.flow
    code, area = walker.departments[department] if department >= 0 else (None, None)
    context = StartContext(
        now=ENGINE_TIME,
        seed=walker.seeds[seed],
        department=code,
        first_area=area,
        lang=flow.languages[lang],
        is_test=True,
    )
    state = engine.start(flow, context).state
    position = {q.id: k for k, q in enumerate(flow.questions)}
    rows, given = [], 0
    while state["status"] == "active" and state["question"]:
        if given == patience and not stops:
            break
        reply = STOP if given == patience else int(replies[position[state["question"]]])
        state, recorded, erased = engine_reply(flow, state, reply)
        given += 1
        rows = [] if erased else rows + [(a.question_id, a.code, a.method) for a in recorded]
    return rows, state["status"]


def test_the_memoised_walk_records_what_the_plain_engine_records():
    flow = load_flow(FLOW_FILE)
    walker = Walker(flow, SEEDED_DEPARTMENTS)
    rng = np.random.default_rng(3)
    n = 400
    intended = intended_replies(flow, rng, n, 0.64)
    department = rng.integers(-1, len(SEEDED_DEPARTMENTS), n)
    seed = rng.integers(0, len(walker.seeds), n)
    lang = rng.integers(0, 2, n)
    patience = np.where(rng.random(n) < 0.5, rng.integers(0, 45, n), 10_000)
    stops = rng.random(n) < 0.5
    starts = np.array(
        [
            walker.start(int(d), int(s), int(g))
            for d, s, g in zip(department, seed, lang, strict=True)
        ]
    )
    done = walk(walker, intended, starts, patience, stops)

    for p in range(n):
        expected, status = _plain_interview(
            walker, intended[p], department[p], seed[p], lang[p], patience[p], stops[p]
        )
        mine = [
            (walker.templates[t].question_id, walker.templates[t].code, walker.templates[t].method)
            for t in done.template[done.person == p]
        ]
        assert ([] if done.erased[p] else mine) == expected
        assert walker.nodes[done.end[p]].state["status"] == status


@pytest.fixture(scope="module")
def batch():
    return next(iter(synthetic_batches(3000, seed=4, start=START, batch_size=3000)))


def test_the_survey_order_holds_demographics_last_and_break_offs_lose_them(batch):
    answers = batch.answers
    first = answers.groupby(["respondent", "service_area"], observed=True)["answered_at"].min()
    last = answers.groupby(["respondent", "service_area"], observed=True)["answered_at"].max()
    rated = set(answers.loc[answers["question_id"] == "hc_overall", "respondent"])
    told = set(answers.loc[answers["question_id"] == "urban_rural", "respondent"])
    both = sorted(rated & told)
    assert both
    # The only demographic asked before the services is the age screen.
    demographics_after = (
        answers[
            (answers["service_area"] == "demographics") & (answers["question_id"] != "age_band")
        ]
        .groupby("respondent")["answered_at"]
        .min()
    )
    assert (
        demographics_after.loc[both] > last.xs("healthcare", level="service_area").loc[both]
    ).all()
    assert first.xs("demographics", level="service_area").notna().all()
    # Some people break off after rating and before the demographics: ratings, no urban/rural.
    assert len(rated - told) > 0.01 * len(batch.keys)
    assert {"completed", "expired", "stopped"} <= set(batch.status)


def test_answers_are_what_the_engine_records_dk_refusals_give_ups_and_routing(batch):
    answers = batch.answers
    codes = answers.loc[answers["question_id"] == "hc_accessibility", "code"]
    assert 0.015 < (codes == 98).mean() < 0.05 and 0.003 < (codes == 99).mean() < 0.02
    assert set(answers["method"]) >= {"button", "keyword", "gave_up", "routing", "text"}
    assert set(answers.loc[answers["method"] == "routing", "code"]) == {97}
    # Under-18s are not respondents: as in the bot, the screen erases them like a decline, and
    # only the tally, with its reason, remains.
    assert "screened_out" not in set(batch.status)
    assert set(batch.declined_reason) == {"declined", "screened_out"}
    assert set(answers["department"].dropna()) <= {code for code, _ in SEEDED_DEPARTMENTS}


def test_simulate_without_departments_says_how_to_register_them(sqlite_engine):
    result = CliRunner().invoke(make_group(lambda: sqlite_engine), ["simulate", "50"])
    assert result.exit_code == 1
    assert "departments add" in result.output and "db upgrade" in result.output
    assert "Traceback" not in result.output
    with sqlite_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Respondent)) == 0


def test_stored_rows_use_registry_codes_and_declines_leave_only_a_tally(engine):
    register_departments(engine, [("clinic-east", "healthcare"), ("omang-west", None)])
    stored = insert_synthetic(engine, 300, seed=9, start=START, days=7, batch_size=120)
    expected = list(
        synthetic_batches(
            300, 9, START, 7, 120, departments=[("clinic-east", "healthcare"), ("omang-west", None)]
        )
    )
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(Answer))
        departments = set(connection.scalars(select(Conversation.department).distinct()))
        declines = connection.scalar(select(func.count()).select_from(Decline))
        reasons = set(connection.scalars(select(Decline.reason).distinct()))
        people = connection.scalar(select(func.count()).select_from(Respondent))
    assert count == sum(len(b.answers) for b in expected)
    # Each row is what the engine recorded, under its own person's conversation.
    columns = ["respondent_key", "department", "question_id", "code", "value", "label"]
    columns += ["raw_text", "method", "intent", "reasks", "asked_at", "answered_at"]
    with engine.connect() as connection:
        stored_rows = pd.read_sql(
            select(*(getattr(Answer, c) for c in columns), Respondent.key.label("owner"))
            .join(Conversation, Conversation.id == Answer.conversation_id)
            .join(Respondent, Respondent.id == Conversation.respondent_id),
            connection,
        )
    assert (stored_rows["owner"] == stored_rows["respondent_key"]).all()
    # People arrive one after the other, as in the bot: ids rise with the start times.
    with engine.connect() as connection:
        starts = connection.scalars(select(Conversation.started_at).order_by(Conversation.id))
        assert pd.Series(list(starts)).is_monotonic_increasing
    recorded = pd.concat([b.answers for b in expected])

    def comparable(frame: pd.DataFrame) -> pd.DataFrame:
        numbers = ["code", "value", "reasks"]
        times = ["asked_at", "answered_at"]
        texts = frame[columns].drop(columns=numbers + times).astype(object)
        return (
            texts.where(texts.notna(), None)
            .assign(**{c: pd.to_numeric(frame[c]).astype(float) for c in numbers})
            .assign(**{c: pd.to_datetime(frame[c]).astype("datetime64[us]") for c in times})
            .sort_values(["respondent_key", "answered_at"])
            .reset_index(drop=True)
        )

    pd.testing.assert_frame_equal(comparable(stored_rows), comparable(recorded))
    assert departments <= {"clinic-east", "omang-west", None} and "clinic-east" in departments
    assert people == stored == 300 - declines and declines > 0
    assert reasons == {"declined", "screened_out"}


def test_published_intervals_cover_the_true_values_about_95_percent_of_the_time():
    data = simulated_data(20_000, seed=12, sample_urban_share=0.80)
    found = coverage(data)
    cells = len(found.cells)
    assert cells >= 200
    assert found.without_urban_rural > 0.05 * found.respondents  # break-offs before demographics
    # Three binomial standard deviations around 95% for this many cells (fixed seed).
    band = 3 * np.sqrt(0.95 * 0.05 / cells)
    assert 0.95 - band <= found.share <= 0.95 + band
