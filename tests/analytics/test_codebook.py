"""The codebook describes exactly the questions the shipped flow asks, optional parts included."""

from __future__ import annotations

from pathlib import Path

import yaml

from analytics.codebook import QUESTION_BY_ID

FLOW = Path(__file__).resolve().parents[2] / "survey_flows" / "flows" / "sdg16_6_2.yaml"


def test_every_question_of_the_flow_has_its_codebook_entry_and_no_other():
    questions = yaml.safe_load(FLOW.read_text(encoding="utf-8"))["questions"]
    asked = {q["id"]: q for q in questions}
    assert set(QUESTION_BY_ID) == set(asked)
    for qid, question in asked.items():
        entry = QUESTION_BY_ID[qid]
        assert (entry.service_area, entry.item) == (question["area"], question["item"]), qid
        if question["item"] in ("attribute", "overall", "time_cost"):
            assert entry.attribute == question["attribute"], qid
