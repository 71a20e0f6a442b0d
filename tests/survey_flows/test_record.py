"""The record of an interview: the engine's routing re-applied to the final answers."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from nlu.keywords import KeywordClassifier
from survey_flows import engine
from survey_flows.definition import Flow, load_flow
from survey_flows.record import is_new_interview, path
from survey_flows.step import AnswerRecorded, Input, Restarted, ScreenedOut, StartContext

FLOW_FILE = Path(__file__).parents[2] / "survey_flows" / "flows" / "sdg16_6_2.yaml"
AT = datetime(2026, 11, 2, 9, 0)


@pytest.fixture(scope="module")
def flow() -> Flow:
    return load_flow(FLOW_FILE)


def run(flow: Flow, payloads: list[str]):
    step = engine.start(flow, StartContext(now=AT, seed=1, first_area="healthcare"))
    events = list(step.events)
    for k, payload in enumerate(payloads, start=1):
        inp = Input(at=AT + timedelta(seconds=k), payload=payload)
        step = engine.resume(flow, step.state, inp, KeywordClassifier())
        events += step.events
    return step, events


def test_a_changed_filter_takes_the_ratings_of_the_old_route_off_the_path(flow):
    rated = {"hc_need": 1, "hc_got_care": 1, "hc_accessibility": 0, "hc_overall": 0}
    assert path(flow, rated)["hc_overall"] == 0
    changed = {**rated, "hc_need": 2}
    record = path(flow, changed)
    assert record["hc_need"] == 2
    assert "hc_overall" not in record and "hc_got_care" not in record


def test_not_applicable_is_97_whatever_was_stored(flow):
    record = path(flow, {"hc_need": 1, "hc_got_care": 2, "hc_any_care": 2, "hc_overall": 3})
    assert record["hc_overall"] == 97


def test_a_filter_with_no_row_at_all_is_not_judged(flow):
    assert path(flow, {"hc_overall": 3}, unknown={"hc_need", "hc_got_care"})["hc_overall"] == 3
    assert "hc_overall" not in path(flow, {"hc_overall": 3})


def test_a_restart_forgets_the_old_route_so_routing_cannot_read_it(flow):
    payloads = ["A:consent:1", "A:language:1", "A:age_band:2", "A:hc_need:1", "A:hc_got_care:2"]
    step, _ = run(flow, [*payloads, "C:restart", "A:age_band:2", "A:hc_need:2"])
    # Before, the stale "went without care" answer made the bot ask for its reason.
    assert step.state["question"] != "hc_barrier"
    assert step.state["answers"] == {"consent": 1, "language": 1, "age_band": 2, "hc_need": 2}
    _, events = run(flow, [*payloads, "C:restart"])
    [restart] = [e for e in events if isinstance(e, Restarted)]
    assert restart.kept == ("consent", "language")


def test_the_screen_ends_with_a_screen_out_event_and_records_no_age(flow):
    step, events = run(flow, ["A:consent:1", "A:language:1", "A:age_band:0"])
    assert step.state["status"] == "screened_out"
    assert any(isinstance(e, ScreenedOut) for e in events)
    assert "age_band" not in {e.question_id for e in events if isinstance(e, AnswerRecorded)}


def test_a_new_interview_only_after_the_reference_period(flow):
    assert is_new_interview(flow, None, AT)
    assert not is_new_interview(flow, AT - timedelta(days=364), AT)
    assert is_new_interview(flow, AT - timedelta(days=365), AT)
