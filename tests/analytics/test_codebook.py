"""The codebook, the SPSS and Stata labels and the flow agree on every question and code."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import pytest
import yaml

from analytics.codebook import MISSING_CODES, QUESTION_BY_ID
from analytics.load import Period
from analytics.microdata import WIDE_MISSING, wide_frame, write_long, write_wide
from analytics.tidy import collect

FLOW = Path(__file__).resolve().parents[2] / "survey_flows" / "flows" / "sdg16_6_2.yaml"
RAW = yaml.safe_load(FLOW.read_text(encoding="utf-8"))


def _flow_answers(question: dict) -> dict[int, str]:
    """Return a question's answer codes and English labels as the YAML itself writes them."""
    options = question.get("options") or RAW["scales"].get(question.get("scale"), [])
    return {int(option["code"]): option["label"] for option in options}


CODED = {q["id"]: q for q in RAW["questions"] if q.get("type", "choice") == "choice"}


def test_every_question_of_the_flow_has_its_codebook_entry_and_no_other():
    asked = {q["id"]: q for q in RAW["questions"]}
    assert set(QUESTION_BY_ID) == set(asked)
    for qid, question in asked.items():
        entry = QUESTION_BY_ID[qid]
        assert (entry.service_area, entry.item) == (question["area"], question["item"]), qid
        assert entry.label == question["label"]
        assert entry.texts == question["text"]
        if question["item"] in ("attribute", "overall", "time_cost"):
            assert entry.attribute == question["attribute"], qid


@pytest.mark.parametrize("fmt", ["sav", "dta"])
def test_spss_and_stata_value_labels_are_the_flows_for_every_question_and_code(tmp_path, fmt):
    # Every coded question of the flow, each code of it once, through the real exporter.
    longest = max(len(_flow_answers(q)) for q in CODED.values())
    frame = pd.DataFrame({"respondent": [f"r{k}" for k in range(longest)]})
    for qid, question in CODED.items():
        codes = list(_flow_answers(question))
        frame[qid] = pd.array([codes[k % len(codes)] for k in range(longest)], dtype="Int16")
    path = tmp_path / f"wide.{fmt}"
    write_wide([frame], path, fmt)
    if fmt == "sav":
        _, meta = pyreadstat.read_sav(str(path), user_missing=True)
    else:
        _, meta = pyreadstat.read_dta(str(path))

    for qid, question in CODED.items():
        written = {int(code): text for code, text in meta.variable_value_labels[qid].items()}
        expected = _flow_answers(question)
        # The flow's own answers exactly, then 97-99 and the wide form's two blanks.
        assert {c: written[c] for c in expected} == expected, qid
        extra = {c: t for c, t in written.items() if c not in expected}
        missing = {c: t for c, t in {**MISSING_CODES, **WIDE_MISSING}.items() if c not in expected}
        assert extra == missing, qid
        assert meta.column_names_to_labels[qid] == question["label"], qid
    income = meta.variable_value_labels["income_band"]
    assert income[1] == "Under P1,000" and income[5] == "P12,000 or more"


def test_the_long_codebook_carries_both_languages_and_the_routing(tmp_path):
    answers = pd.DataFrame(
        {
            "respondent_key": ["a"],
            "conversation_id": [1],
            "service_area": ["healthcare"],
            "question_id": ["hc_need"],
            "item": ["filter"],
            "attribute": [None],
            "code": [1],
            "value": [None],
            "label": ["Yes"],
            "method": ["button"],
            "lang": ["en"],
            "department": ["moh-clinics"],
            "flow_id": ["sdg16_6_2"],
            "flow_version": [RAW["version"]],
            "asked_at": [pd.Timestamp("2026-03-02 10:00")],
            "answered_at": [pd.Timestamp("2026-03-02 10:01")],
            "reasks": [0],
            "is_test": [False],
        }
    )
    write_long([answers], tmp_path / "long.csv", "csv")
    book = pd.read_csv(tmp_path / "long.codebook.csv", keep_default_na=False)
    book = book[book["kind"] == "question"].set_index("variable")
    assert set(book.index) == {q["id"] for q in RAW["questions"]}
    children = book.loc["ed_children"]
    assert "6 to 18" in children["text_en"] and "6 go ya go 18" in children["text_tn"]
    assert children["label"] == "Household children aged 6 to 18"
    assert book.loc["hc_overall", "routing"] == (
        "asked when hc_need = 1; recorded as 97 (not applicable) when hc_any_care = 2; "
        "in the healthcare block"
    )
    assert "code 0 ends the interview (screened out)" in book.loc["age_band", "routing"]


def test_the_wide_form_tells_a_question_given_up_from_one_not_asked(tmp_path):
    rows = [
        ("a", "healthcare", "filter", "hc_need", 1, "button"),
        ("a", "healthcare", "overall", "hc_overall", None, "gave_up"),
        ("b", "healthcare", "filter", "hc_need", 2, "button"),
        ("c", "healthcare", "filter", "hc_need", 1, "button"),
        ("c", "healthcare", "overall", "hc_overall", 3, "button"),
    ]
    answers = pd.DataFrame(
        rows, columns=["respondent_key", "service_area", "item", "question_id", "code", "method"]
    ).assign(
        answered_at=pd.Timestamp("2026-03-02 10:00"),
        department="moh-clinics",
        lang="en",
        flow_id="sdg16_6_2",
        flow_version=RAW["version"],
        value=np.nan,
    )
    frame = wide_frame(collect([answers], Period())).set_index("respondent")
    assert frame["hc_overall"].to_dict() == {"a": 96, "b": 95, "c": 3}
    write_wide([frame.reset_index()], tmp_path / "wide.sav", "sav")
    back, meta = pyreadstat.read_sav(str(tmp_path / "wide.sav"), user_missing=True)
    assert sorted(back["hc_overall"]) == [3.0, 95.0, 96.0]
    labels = meta.variable_value_labels["hc_overall"]
    assert labels[95].startswith("Not asked") and labels[96].startswith("No answer (gave up")
    assert meta.missing_ranges["hc_overall"] == [{"lo": 95.0, "hi": 99.0}]
    # SPSS's own statistics leave both out, as they leave out 97-99.
    plain, _ = pyreadstat.read_sav(str(tmp_path / "wide.sav"))
    assert plain["hc_overall"].dropna().tolist() == [3.0]
