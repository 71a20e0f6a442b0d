"""Flow versions in flight: kept versions, migration maps, and what cannot go on."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from survey_flows.definition import FlowError, load_flow
from survey_flows.validate import validate_file
from survey_flows.versions import FlowCatalog, Parked, in_flight_report, load_catalog, migrate_state

FLOW_FILE = Path(__file__).parents[2] / "survey_flows" / "flows" / "sdg16_6_2.yaml"


@pytest.fixture(scope="module")
def flow():
    return load_flow(FLOW_FILE)


def test_a_map_renames_the_parked_question_and_the_codes_routing_reads(flow):
    state = {
        "question": "hc_old",
        "answers": {"hc_old": 1, "consent": 1, "gone": 2},
        "block_order": ["education", "retired_block"],
        "pending": {"kind": "confirm"},
    }
    moved = migrate_state(flow, state, {"hc_old": "hc_need", "gone": None})
    assert moved["question"] == "hc_need" and moved["pending"] is None
    assert moved["answers"] == {"hc_need": 1, "consent": 1}
    assert moved["block_order"][0] == "education" and set(moved["block_order"]) == set(flow.blocks)
    assert state["question"] == "hc_old"  # the stored state is not changed in place


def test_a_conversation_resumes_on_its_own_version_when_kept_else_by_map_else_not(flow):
    old = dataclasses.replace(flow, version="1")
    state = {"question": "hc_need", "answers": {}}
    assert FlowCatalog(flow, {"1": old}).resume_plan(flow.id, "1", state).flow is old
    assert FlowCatalog(flow).resume_plan(flow.id, "1", state).problem == "flow_version_unavailable"
    mapped = dataclasses.replace(flow, migrate_from={"1": {"hc_need": None}})
    plan = FlowCatalog(mapped, {"1": old}).resume_plan(flow.id, "1", state)
    assert plan.problem == "question_removed" and plan.moved_from == "1"
    assert FlowCatalog(flow).resume_plan(flow.id, flow.version, {"question": "x"}).problem == (
        "question_removed"
    )


def test_previous_versions_are_loaded_from_beside_the_flow_file(tmp_path):
    current = tmp_path / "flow.yaml"
    text = FLOW_FILE.read_text(encoding="utf-8")
    current.write_text(text.replace('version: "2026.11.1"', 'version: "2027.1"'), encoding="utf-8")
    kept = tmp_path / "previous" / "sdg16_6_2" / "2026.11.1.yaml"
    kept.parent.mkdir(parents=True)
    kept.write_text(text, encoding="utf-8")
    catalog = load_catalog(current)
    assert catalog.current.version == "2027.1" and set(catalog.previous) == {"2026.11.1"}
    kept.rename(kept.with_name("2026.10.yaml"))
    with pytest.raises(FlowError, match="must be kept as"):
        load_catalog(current)


def test_a_map_to_a_question_the_version_lacks_is_a_validation_problem(tmp_path):
    path = tmp_path / "flow.yaml"
    path.write_text(
        FLOW_FILE.read_text(encoding="utf-8")
        + '\nmigrate_from:\n  "2026.10": {hc_old: hc_missing, hc_gone: null}\n',
        encoding="utf-8",
    )
    [problem] = validate_file(path)
    assert "hc_missing" in problem.message and problem.line > 1


def test_the_in_flight_report_warns_only_about_conversations_that_would_be_closed(flow):
    old = dataclasses.replace(flow, version="1")
    parked = [Parked(flow.id, "1", "hc_need", 3), Parked(flow.id, "0", "consent", 2),
              Parked("another_flow", "9", "x", 1)]  # fmt: skip
    warnings, notes = in_flight_report(FlowCatalog(flow, {"1": old}), parked)
    assert len(warnings) == 1 and "2 unfinished conversation(s) of version 0" in warnings[0]
    assert len(notes) == 1 and "finish on version 1" in notes[0]
