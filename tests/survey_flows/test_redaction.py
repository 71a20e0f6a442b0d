"""Masking personal data in free text: what must go, and what must stay readable."""

from __future__ import annotations

import pytest

from survey_flows.redaction import EMAIL, NUMBER, OMANG, PASSPORT, PHONE, mask_text


@pytest.mark.parametrize(
    ("typed", "masked"),
    [
        ("call me on 71 234 567", f"call me on {PHONE}"),
        ("my cell is 71234567.", f"my cell is {PHONE}."),
        ("+267 71 234 567 anytime", f"{PHONE} anytime"),
        ("(+267) 3951234", PHONE),
        ("00267-71-234-567", PHONE),
        ("landline 395 1234", f"landline {PHONE}"),
        ("uk: +44 20 7946 0958", f"uk: {PHONE}"),
        ("jane.doe@gov.bw wrote", f"{EMAIL} wrote"),
        ("mail K.Mosweu+clinic@mail.co.bw!", f"mail {EMAIL}!"),
        ("omang 123456789", f"omang {OMANG}"),
        ("my ID is 123 456 789 ok", f"my ID is {OMANG} ok"),
        ("passport BN0123456 was lost", f"passport {PASSPORT} was lost"),
        ("Passport no: X12AB3456", f"Passport no: {PASSPORT}"),
        ("pasapoto ya me ke AB12CD34", f"pasapoto ya me ke {PASSPORT}"),
        ("card 4111 1111 1111 1111 1111", f"card {NUMBER}"),
    ],
)
def test_personal_data_is_masked(typed, masked):
    assert mask_text(typed) == masked


@pytest.mark.parametrize(
    "typed",
    [
        "The queues are far too long",
        "I paid P150 for 2 visits in 2024",
        "waited from 8.30 to 14.45",
        "the passport office was slow",
        "Go leta lobaka lo loleele",
        "nurses were rude at ward 3, bed 12",
        "",
    ],
)
def test_ordinary_answers_are_left_alone(typed):
    assert mask_text(typed) == typed
