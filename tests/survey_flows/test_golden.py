"""Golden transcripts: every path through the SDG 16.6.2 flow, as a reviewer would read it.

Each scenario is a list of inputs: "#N" taps the N-th button under the last message, "+25h"
lets time pass before the next input, "[like]" (or "[sticker]", "[image]") sends something
with neither text nor a button, anything else is typed text (read by the keyword
classifier, the bot's offline reader, so the transcripts need no Rasa server). The rendered
conversation, with every recorded code and the engine's state after each step (the JSON the
database stores), is compared with tests/golden/<scenario>.txt. Between turns the state goes
through JSON, as it does through the database, so a state that does not survive storage
fails here. After an intended change to the flow or the engine, refresh the files with

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/survey_flows/test_golden.py

and review the diff like any other change to the questionnaire. CI refuses UPDATE_GOLDEN:
a golden file is only ever changed by a commit someone reviewed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from nlu.keywords import KeywordClassifier
from survey_flows import engine
from survey_flows.definition import Flow, load_flow
from survey_flows.step import Input, QuickReply, StartContext
from survey_flows.terminal import show

FLOW_FILE = Path(__file__).parents[2] / "survey_flows" / "flows" / "sdg16_6_2.yaml"
GOLDEN = Path(__file__).parents[1] / "golden"
START = datetime(2026, 11, 2, 9, 0)

YES, NO = "#1", "#2"
AGREE_ALL = ["#2"] * 5  # "Agree" on the five attribute items
ADULT = "#2"  # 25-34
DEMOGRAPHICS = ["#2", "#11", "#1", "#3", "#1", "#1", "#1", "#1", "#1", "#1"]
CLOSING = ["The queues are far too long"]
ALL_NO = [NO, NO, NO]  # no need for any of the three services

SCENARIOS: dict[str, tuple[dict[str, object], list[str]]] = {
    # Healthcare first (a clinic's link), then the other blocks in the drawn order.
    "complete_healthcare_en": (
        {"first_area": "healthcare", "department": "moh-clinics"},
        [YES, "#1", ADULT, YES, YES, *AGREE_ALL, "#2", NO, NO, *DEMOGRAPHICS, *CLOSING],
    ),
    # Both school levels rated separately, then healthcare and documents not needed.
    "complete_education_en": (
        {"first_area": "primary_education", "department": "moe-primary"},
        [
            YES,
            "#1",
            ADULT,
            YES,
            YES,
            "#3",
            *AGREE_ALL,
            "#2",
            *["#1"] * 5,
            "#1",
            NO,
            NO,
            *DEMOGRAPHICS,
            *CLOSING,
        ],
    ),
    # Documents: needed, tried, got a passport online; typed answers on two items.
    "complete_government_services_en": (
        {"first_area": "government_services", "department": "dnrs-omang"},
        [
            YES,
            "#1",
            ADULT,
            YES,
            YES,
            "#2",
            YES,
            "agree",
            "strongly disagree",
            "#3",
            "#2",
            "#2",
            "very satisfied",
            NO,
            NO,
            *DEMOGRAPHICS,
            *CLOSING,
        ],
    ),
    # The whole module in Setswana, buttons and Setswana typing.
    "complete_setswana_tn": (
        {"first_area": "healthcare"},
        [
            YES,
            "#2",
            ADULT,
            "ee",
            YES,
            *AGREE_ALL,
            "#1",
            NO,
            NO,
            *DEMOGRAPHICS,
            "Go leta lobaka lo loleele",
        ],
    ),
    # No need for any service: no rating is asked, demographics still are.
    "non_user_all_areas": ({}, [YES, "#1", ADULT, *ALL_NO, *DEMOGRAPHICS, *CLOSING]),
    # Needed care, never got it: barrier asked, ratings recorded as not applicable (97).
    "unmet_need_healthcare": (
        {"first_area": "healthcare"},
        [YES, "#1", ADULT, YES, NO, "#3", NO, NO, NO, *DEMOGRAPHICS, *CLOSING],
    ),
    # Don't know: the first time a best guess is asked, the second time 98 is recorded;
    # refused twice gives 99.
    "dont_know_and_refuse": (
        {"first_area": "healthcare"},
        [
            YES,
            "#1",
            ADULT,
            YES,
            YES,
            "I don't know",
            "no idea",
            "skip",
            "rather not",
            "#2",
            "#2",
            "#2",
            "#2",
        ],
    ),
    "declined_consent": ({}, [NO]),
    # Saying one will not take part is a no, as the button is: not a refusal that asks again.
    "declined_consent_in_words": ({}, ["not interested sorry"]),
    "under_18_screened_out": ({}, [YES, "#1", "#7"]),
    # Stop: nothing more is said, whatever is typed, until the person writes "restart".
    "stop_then_restart": ({}, [YES, "#1", ADULT, "stop", "hello?", "restart", YES]),
    # A pause inside the 23-hour window resumes at the same question.
    "resume_after_pause": ({"first_area": "healthcare"}, [YES, "#1", ADULT, YES, "+5h", YES]),
    # After expiry, the person is offered to continue or to start again.
    "expiry_continue": (
        {"first_area": "healthcare"},
        [YES, "#1", ADULT, YES, "+25h", "hi", "#1", YES],
    ),
    "expiry_start_again": (
        {"first_area": "healthcare"},
        [YES, "#1", ADULT, YES, "+25h", "hi", "#2"],
    ),
    "delete_my_data": (
        {"first_area": "healthcare"},
        [YES, "#1", ADULT, YES, "delete my data", YES],
    ),
    "delete_cancelled": (
        {"first_area": "healthcare"},
        [YES, "#1", ADULT, "delete my data", NO, YES],
    ),
    "change_language_midway": (
        {"first_area": "healthcare"},
        [YES, "#1", ADULT, "language", "#2", YES],
    ),
    # Three re-asks of one question, then it is recorded as no answer and the survey moves on.
    "gave_up_after_three_reasks": (
        {"first_area": "healthcare"},
        [YES, "#1", ADULT, "banana", "purple", "maybe?", "what"],
    ),
    # Typing unclear answers instead of confirming counts as asking again: no endless loop.
    "unclear_typing_at_a_confirmation": (
        {"first_area": "healthcare"},
        [YES, "#1", ADULT, YES, YES, *["yes i agree"] * 5, "#2"],
    ),
    "help_and_stale_button": (
        {"first_area": "healthcare"},
        [YES, "#1", "help", "A:consent:1", ADULT],
    ),
    # Consent is explicit: likes, stickers, photos and words the bot cannot read are asked
    # again, then the conversation ends as a decline does, with nothing kept.
    "consent_unclear_ends_like_a_decline": ({}, ["[like]", "[sticker]", "[image]", "asdfgh"]),
    # "Don't know" or "skip" is no consent either: no 98/99 lets anyone past the gate.
    "consent_dont_know_is_not_consent": ({}, ["I don't know", "no idea", "skip", "rather not"]),
    # The age screen, the same way: no clear age group, no survey.
    "age_screen_unanswered_ends": ({}, [YES, "#1", "[like]", "banana", "rather not", "skip"]),
    # People type their age: it picks the band. An age under 18 is confirmed before the
    # interview ends, so a slip of the thumb does not screen out an adult.
    "age_typed_in_years": ({}, [YES, "#1", "I'm 30", "stop"]),
    "age_typed_under_18_confirmed": ({}, [YES, "#1", "I am 16", YES]),
    "age_typed_under_18_taken_back": ({}, [YES, "#1", "16", NO, "61", "stop"]),
    # Stopping at the consent question and restarting asks for consent again.
    "stop_at_consent_then_restart": ({}, ["stop", "restart", YES]),
    # A deletion needs a clear yes: a hesitant one, or a like, deletes nothing.
    "delete_needs_a_clear_yes": (
        {"first_area": "healthcare"},
        [YES, "#1", ADULT, "delete my data", "yes? no wait", "delete my data", "[like]", YES],
    ),
}


def transcript(flow: Flow, context: dict[str, object], inputs: list[str]) -> str:
    """Run one scenario through the engine and render what the person and the bot said."""
    lines: list[str] = []
    ctx = StartContext(now=START, seed=7, **context)  # type: ignore[arg-type]
    step = engine.start(flow, ctx)
    buttons: tuple[QuickReply, ...] = show(step, lines.append)
    state = stored(step.state, lines)
    at = START
    for typed in inputs:
        pause = re.fullmatch(r"\+(\d+)h", typed)
        if pause:
            at += timedelta(hours=int(pause.group(1)))
            lines.append(f"... {pause.group(1)} hours later")
            continue
        at += timedelta(seconds=20)
        if typed.startswith("#"):
            reply = buttons[int(typed[1:]) - 1]
            lines.append(f"you> [{reply.title}]")
            inp = Input(at=at, payload=reply.payload)
        elif typed.startswith("A:"):
            lines.append(f"you> [an old button: {typed}]")
            inp = Input(at=at, payload=typed)
        elif re.fullmatch(r"\[\w+\]", typed):
            lines.append(f"you> ({typed[1:-1]}: no text, no button)")
            inp = Input(at=at)
        else:
            lines.append(f"you> {typed}")
            inp = Input(at=at, text=typed)
        step = engine.resume(flow, state, inp, KeywordClassifier())
        buttons = show(step, lines.append, buttons)
        state = stored(step.state, lines)
    lines.append(f"== status: {step.state['status']}")
    return "\n".join(lines) + "\n"


def stored(state: dict[str, object], lines: list[str]) -> dict[str, object]:
    """Write the state as the database stores it (JSON), and return it read back."""
    text = json.dumps(state, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    lines.append(f"  state {text}")
    restored: dict[str, object] = json.loads(text)
    return restored


@pytest.fixture(scope="module")
def flow() -> Flow:
    return load_flow(FLOW_FILE)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_transcript_matches_the_golden_file(flow: Flow, name: str) -> None:
    context, inputs = SCENARIOS[name]
    rendered = transcript(flow, context, inputs)
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN") and os.environ.get("CI"):
        pytest.fail("CI refuses UPDATE_GOLDEN: refresh golden files locally and commit them")
    if os.environ.get("UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden}; create it with UPDATE_GOLDEN=1"
    assert rendered == golden.read_text(encoding="utf-8"), (
        f"the {name} conversation changed; if intended, refresh with UPDATE_GOLDEN=1 and "
        "review the diff"
    )


def test_every_golden_file_has_a_scenario() -> None:
    """A scenario renamed or removed must not leave a stale transcript behind."""
    orphans = {p.stem for p in GOLDEN.glob("*.txt")} - set(SCENARIOS)
    assert not orphans, f"golden files without a scenario: {sorted(orphans)}"


def test_optional_time_cost_block_when_switched_on(flow: Flow) -> None:
    """Off by default; switched on, the visits/hours/cost items follow the overall rating."""
    on = dataclasses.replace(flow, optional_parts=("time_cost",))
    inputs = [YES, "#1", ADULT, YES, YES, *AGREE_ALL, "#2", "2", "about 3 hours", "150"]
    rendered = transcript(on, {"first_area": "healthcare"}, inputs)
    assert "recorded hc_tc_visits = 2.0" in rendered
    assert "recorded hc_tc_hours = 3.0" in rendered
    assert "recorded hc_tc_cost = 150.0" in rendered
    assert "hc_tc_" not in transcript(flow, {"first_area": "healthcare"}, inputs)
