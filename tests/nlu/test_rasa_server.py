"""The trained model behind the classifier port, read as the survey reads it.

These tests talk to the real Rasa server (scripts/setup-nlu builds and trains it). The
held-out sets (nlu/testset/) are measured here without printing a single row: a failure
reports figures, never the answers, so that the sets keep measuring.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from nlu.client import RasaClassifier
from nlu.evaluate import Report, Row, evaluate, figures, load_rows, read
from nlu.topics import code_topic
from survey_flows import engine
from survey_flows.decision import Decision
from survey_flows.definition import load_flow
from survey_flows.scale import POSITION_OF_INTENT
from survey_flows.step import AnswerRecorded, Input, StartContext

pytestmark = pytest.mark.rasa
REPO = Path(__file__).resolve().parents[2]
TESTSET = REPO / "nlu" / "testset"
HELD_OUT = TESTSET / "heldout.jsonl"
HELD_OUT_2026_11 = TESTSET / "heldout_2026_11.jsonl"
HELD_OUT_FINAL = TESTSET / "heldout_final.jsonl"
HELD_OUT_FINAL_2 = TESTSET / "heldout_final_2.jsonl"
HELD_OUT_FINAL_3 = TESTSET / "heldout_final_3.jsonl"
HELD_OUT_FINAL_4 = TESTSET / "heldout_final_4.jsonl"
HELD_OUT_FINAL_5 = TESTSET / "heldout_final_5.jsonl"
HELD_OUT_FINAL_6 = TESTSET / "heldout_final_6.jsonl"
HELD_OUT_FINAL_7 = TESTSET / "heldout_final_7.jsonl"
HELD_OUT_FINAL_8 = TESTSET / "heldout_final_8.jsonl"
HELD_OUT_FINAL_9 = TESTSET / "heldout_final_9.jsonl"
HELD_OUT_FINAL_10 = TESTSET / "heldout_final_10.jsonl"
HELD_OUT_FINAL_11 = TESTSET / "heldout_final_11.jsonl"
HELD_OUT_FINAL_12 = TESTSET / "heldout_final_12.jsonl"
HELD_OUT_FINAL_13 = TESTSET / "heldout_final_13.jsonl"
HELD_OUT_FINAL_14 = TESTSET / "heldout_final_14.jsonl"
HELD_OUT_FINAL_15 = TESTSET / "heldout_final_15.jsonl"
HELD_OUT_FINAL_16 = TESTSET / "heldout_final_16.jsonl"
DEV_CHANNELS = TESTSET / "dev_channels.jsonl"
# Short answers its writer and the training data's wrote independently ("ee", "yes", 👍),
# counted when the set was written; a higher count means rows were copied into training.
FINAL_2_IN_TRAINING = 73
DEV = TESTSET / "dev.jsonl"
DEV_NEGATION = TESTSET / "dev_negation.jsonl"
DEV_8 = TESTSET / "dev_8.jsonl"
DEV_9 = TESTSET / "dev_9.jsonl"
DEV_10 = TESTSET / "dev_10.jsonl"
DEV_11 = TESTSET / "dev_11.jsonl"
DEV_12 = TESTSET / "dev_12.jsonl"
DEV_13 = TESTSET / "dev_13.jsonl"
DEV_14 = TESTSET / "dev_14.jsonl"
DEV_15 = TESTSET / "dev_15.jsonl"
DEV_16 = TESTSET / "dev_16.jsonl"
TRAINING = REPO / "nlu" / "rasa_project" / "data"


@pytest.fixture(scope="module")
def classifier(rasa_url: str) -> RasaClassifier:
    return RasaClassifier(rasa_url, timeout=5.0)


def _rows(path: Path):  # type: ignore[no-untyped-def]
    return load_rows(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize(
    ("text", "question_type", "lang", "intent"),
    [
        ("I strongly disagree", "agree_scale", "en", "strongly_disagree"),
        ("yes", "agree_scale", "en", "agree"),
        ("yes I agree", "yes_no", "en", "yes"),
        ("ee", "satisfaction_scale", "tn", "satisfied"),
        ("nnyaa", "agree_scale", "tn", "disagree"),
        ("not satisfied at all", "satisfaction_scale", "en", "very_dissatisfied"),
        ("ga ke a itumela", "satisfaction_scale", "tn", "dissatisfied"),
        ("dissatisfied, nobody ever answers the phone", "satisfaction_scale", "en", "dissatisfied"),
        ("I don't know", "agree_scale", "en", "dont_know"),
        ("stop", "satisfaction_scale", "en", "stop"),
    ],
)
def test_typed_answers_are_read_as_the_answer_meant(classifier, text, question_type, lang, intent):
    answer = read(classifier, _row(text, question_type, intent, lang))
    assert answer.intent == intent
    assert answer.source == "nlu" and 0 < answer.confidence <= 1


@pytest.mark.parametrize(
    ("text", "lang", "value"),
    [("twice", "en", 2), ("three times", "en", 3), ("about 45 minutes", "en", 0.75),
     ("P150", "en", 150), ("gabedi", "tn", 2), ("pula di le masome a mabedi", "tn", 20),
     ("thirty-five pula", "en", 35), ("ke ile ganne", "tn", 4), ("gathataro", "tn", 6),
     ("fyv tyms", "en", 5)],
)  # fmt: skip
def test_a_number_question_reads_the_number_entity_in_words_and_digits(
    classifier, text, lang, value
):
    answer = read(classifier, _row(text, "number", "number", lang, value))
    assert (answer.intent, answer.value, answer.decision) == ("number", value, Decision.RECORD)


@pytest.mark.parametrize(
    ("text", "lang", "band"),
    [("I'm 30", "en", "25-34"), ("thirty", "en", "25-34"), ("I would say 18-24", "en", "18-24"),
     ("70", "en", "65 or older"), ("ke dingwaga di masome a mararo", "tn", "25-34")],
)  # fmt: skip
def test_an_age_typed_at_the_age_question_picks_its_band(classifier, text, lang, band):
    flow = load_flow(REPO / "survey_flows" / "flows" / "sdg16_6_2.yaml")
    at = datetime(2026, 11, 2, 9, 0)
    step = engine.start(flow, StartContext(now=at, seed=1))
    for k, payload in enumerate(["A:consent:1", f"A:language:{1 if lang == 'en' else 2}"], 1):
        step = engine.resume(
            flow, step.state, Input(at + timedelta(seconds=k), payload), classifier
        )
    step = engine.resume(flow, step.state, Input(at + timedelta(seconds=9), text=text), classifier)
    [recorded] = [e for e in step.events if isinstance(e, AnswerRecorded)]
    assert (recorded.question_id, recorded.label, recorded.method) == ("age_band", band, "nlu")


def test_an_answer_that_is_no_rating_is_not_bent_into_one(classifier):
    answer = read(classifier, _row("what is the capital of France", "agree_scale", "agree", "en"))
    assert answer.decision is Decision.REASK


def _row(text: str, question_type: str, expected: str, lang: str, value: float | None = None):  # type: ignore[no-untyped-def]
    line = {"text": text, "question_type": question_type, "expected": expected, "lang": lang}
    if value is not None:
        line["value"] = value
    return load_rows([json.dumps(line)])[0]


NEGATED = [
    ("I wouldn't say I was satisfied", "satisfaction_scale", -1),
    ("can't say I agree", "agree_scale", -1),
    ("I don't really agree with that", "agree_scale", -1),
    ("not happy with them", "satisfaction_scale", -1),
    ("it wasn't easy to get there", "agree_scale", -1),
    ("ga ke a kgotsofala", "satisfaction_scale", -1),
    ("ga ke dumalane le seo", "agree_scale", -1),
    ("I didn't get care every time", "yes_no", -1),
    ("not bad", "satisfaction_scale", 1),
    ("can't complain", "satisfaction_scale", 1),
    ("I wouldn't disagree", "agree_scale", 1),
    ("ga go na bothata", "satisfaction_scale", 1),
]


def _flipped(report: Report) -> int:
    """Count rating answers the survey would record with the opposite polarity."""
    return sum(
        o.answer.decision is Decision.RECORD
        and o.answer.intent in POSITION_OF_INTENT
        and o.row.expected in POSITION_OF_INTENT
        and POSITION_OF_INTENT[o.answer.intent].polarity
        != POSITION_OF_INTENT[o.row.expected].polarity
        for o in report.outcomes
    )


@pytest.mark.parametrize(("text", "question_type", "polarity"), NEGATED)
def test_no_negated_answer_is_recorded_with_the_opposite_polarity(
    classifier, text, question_type, polarity
):
    answer = read(classifier, Row(text, question_type, expected="", lang="en"))
    if answer.decision is Decision.RECORD and answer.intent in POSITION_OF_INTENT:
        assert POSITION_OF_INTENT[answer.intent].polarity == polarity


@pytest.mark.parametrize(
    "path",
    [HELD_OUT, DEV, DEV_NEGATION, HELD_OUT_2026_11, HELD_OUT_FINAL, HELD_OUT_FINAL_2,
     DEV_CHANNELS, DEV_8, HELD_OUT_FINAL_7, DEV_9, DEV_11, DEV_12, DEV_14, DEV_15],
    ids=lambda p: p.name,
)  # fmt: skip
def test_no_negated_answer_of_a_test_set_is_recorded_with_the_opposite_polarity(classifier, path):
    negated = [row for row in _rows(path) if row.family == "negation"]
    flipped = _flipped(evaluate(classifier, negated))  # a count: the rows stay unread
    assert flipped == 0, f"{flipped} of {len(negated)} negated answers recorded the other way"


def test_the_first_held_out_set_meets_the_targets(classifier):
    result = figures(evaluate(classifier, _rows(HELD_OUT)))
    en, tn = result["by_lang"]["en"], result["by_lang"]["tn"]
    assert result["n"] >= 300
    assert en["accuracy"] >= 0.95 and tn["accuracy"] >= 0.92, result["by_lang"]
    assert en["first_reply_rate"] >= 0.80 and tn["first_reply_rate"] >= 0.75, result["by_lang"]
    assert en["wrong_recorded_rate"] <= 0.003 and tn["wrong_recorded_rate"] <= 0.003


# Development sets (nlu/testset/README.md) with floors just under their figures (README,
# "Free-text understanding"): understood, first reply (at least, en and tn) and recorded
# wrongly (at most, en and tn). A change that reads more typed answers wrongly, or fewer
# at the first reply, fails here. Issue 12's targets are judged on the untouched set,
# measured once when a round's model work is done.
DEVELOPMENT_FLOORS = [
    (HELD_OUT_2026_11, (0.96, 0.96), (0.81, 0.80), (0.002, 0.003)),
    (HELD_OUT_FINAL, (0.91, 0.93), (0.74, 0.77), (0.002, 0.010)),
    (HELD_OUT_FINAL_2, (0.96, 0.95), (0.82, 0.79), (0.002, 0.005)),
    (HELD_OUT_FINAL_3, (0.94, 0.93), (0.81, 0.78), (0.006, 0.018)),
    (DEV_CHANNELS, (0.95, 0.95), (0.84, 0.76), (0.008, 0.010)),
    (DEV_8, (0.97, 0.94), (0.86, 0.77), (0.004, 0.005)),
    (HELD_OUT_FINAL_7, (0.92, 0.94), (0.80, 0.78), (0.006, 0.008)),
    (DEV_9, (0.95, 0.93), (0.84, 0.76), (0.012, 0.014)),
    (DEV_10, (0.96, 0.93), (0.81, 0.74), (0.011, 0.009)),
    (DEV_11, (0.98, 0.96), (0.86, 0.83), (0.002, 0.002)),
    (DEV_12, (0.97, 0.95), (0.83, 0.76), (0.002, 0.012)),
    (DEV_13, (0.96, 0.95), (0.78, 0.79), (0.004, 0.010)),
    (DEV_14, (0.94, 0.94), (0.76, 0.74), (0.010, 0.010)),
    # one more Setswana answer of dev_15 is recorded with the plain strength since the
    # fourteenth round gives the model a lone 'e' as typed (nlu/testset/README.md, Changes)
    (DEV_15, (0.97, 0.98), (0.80, 0.82), (0.002, 0.007)),
    (DEV_16, (0.98, 0.97), (0.83, 0.82), (0.004, 0.003)),
]


@pytest.mark.parametrize(
    ("path", "understood", "first_reply", "wrong"),
    DEVELOPMENT_FLOORS,
    ids=lambda v: v.name if isinstance(v, Path) else "",
)
def test_a_development_set_keeps_its_figures(classifier, path, understood, first_reply, wrong):
    result = figures(evaluate(classifier, _rows(path)))
    en, tn = result["by_lang"]["en"], result["by_lang"]["tn"]
    assert result["n"] >= 800
    assert en["accuracy"] >= understood[0] and tn["accuracy"] >= understood[1], result["by_lang"]
    assert en["first_reply_rate"] >= first_reply[0], result["by_lang"]
    assert tn["first_reply_rate"] >= first_reply[1], result["by_lang"]
    assert en["wrong_recorded_rate"] <= wrong[0] and tn["wrong_recorded_rate"] <= wrong[1]


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).lower().split())


@pytest.mark.parametrize(
    "path",
    [HELD_OUT, HELD_OUT_2026_11, HELD_OUT_FINAL, HELD_OUT_FINAL_3, HELD_OUT_FINAL_4,
     HELD_OUT_FINAL_5, HELD_OUT_FINAL_6, HELD_OUT_FINAL_7, HELD_OUT_FINAL_8, HELD_OUT_FINAL_9,
     HELD_OUT_FINAL_10, HELD_OUT_FINAL_11, HELD_OUT_FINAL_12, HELD_OUT_FINAL_13,
     HELD_OUT_FINAL_14, HELD_OUT_FINAL_15, HELD_OUT_FINAL_16, DEV, DEV_CHANNELS, DEV_NEGATION,
     DEV_8, DEV_9, DEV_10, DEV_11, DEV_12, DEV_13, DEV_14, DEV_15, DEV_16],
    ids=lambda p: p.name,
)  # fmt: skip
def test_test_answers_are_not_training_examples(path):
    trained = _trained()
    rows = _rows(path)
    leaked = sum(_normalise(row.text) in trained for row in rows)
    assert leaked == 0, f"{leaked} answers of {path.name} are training examples"
    languages = {"en"} if path == DEV_NEGATION else {"en", "tn"}  # English templates only
    assert {row.lang for row in rows} == languages


def _trained() -> set[str]:
    trained = set()
    for training_file in TRAINING.glob("*.yml"):
        for block in yaml.safe_load(training_file.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                examples = block.get("examples") or ""
                trained.update(_normalise(line[2:]) for line in examples.splitlines())
    return trained


def test_no_answer_of_the_untouched_set_is_copied_into_the_training_data():
    rows, trained = _rows(HELD_OUT_FINAL_2), _trained()
    shared = sum(_normalise(row.text) in trained for row in rows)
    assert shared <= FINAL_2_IN_TRAINING, (
        f"{shared - FINAL_2_IN_TRAINING} more answers of {HELD_OUT_FINAL_2.name} are now "
        "training examples: take them out of nlu/rasa_project/data"
    )
    assert {row.lang for row in rows} == {"en", "tn"} and len(rows) >= 900


# The sets in the order they were written: each held-out set shares no answer with those
# before it.
WRITTEN_IN_ORDER = (
    HELD_OUT, HELD_OUT_2026_11, DEV, HELD_OUT_FINAL, HELD_OUT_FINAL_2, HELD_OUT_FINAL_3,
    DEV_CHANNELS, HELD_OUT_FINAL_4, HELD_OUT_FINAL_5, HELD_OUT_FINAL_6, DEV_NEGATION,
    HELD_OUT_FINAL_7, DEV_8, HELD_OUT_FINAL_8, DEV_9, HELD_OUT_FINAL_9, DEV_10,
    HELD_OUT_FINAL_10, DEV_11, HELD_OUT_FINAL_11, DEV_12, HELD_OUT_FINAL_12, DEV_13,
    HELD_OUT_FINAL_13, DEV_14, HELD_OUT_FINAL_14, DEV_15, HELD_OUT_FINAL_15, DEV_16,
    HELD_OUT_FINAL_16,
)  # fmt: skip


def _written_before(path: Path) -> tuple[Path, ...]:
    return WRITTEN_IN_ORDER[: WRITTEN_IN_ORDER.index(path)]


@pytest.mark.parametrize(
    ("path", "earlier_paths"),
    [
        (path, _written_before(path))
        for path in (
            HELD_OUT_FINAL,
            HELD_OUT_FINAL_3,
            HELD_OUT_FINAL_4,
            HELD_OUT_FINAL_5,
            HELD_OUT_FINAL_6,
            HELD_OUT_FINAL_7,
            HELD_OUT_FINAL_8,
            HELD_OUT_FINAL_9,
            HELD_OUT_FINAL_10,
            HELD_OUT_FINAL_11,
            HELD_OUT_FINAL_12,
            HELD_OUT_FINAL_13,
            HELD_OUT_FINAL_14,
            HELD_OUT_FINAL_15,
            HELD_OUT_FINAL_16,
        )
    ],
    ids=lambda p: p.name if isinstance(p, Path) else "earlier",
)
def test_a_held_out_set_shares_no_answer_with_the_sets_before_it(path, earlier_paths):
    # A set measures something only while none of its rows has been measured (and read)
    # before it was written.
    earlier = {
        (_normalise(row.text), row.question_type)
        for earlier_path in earlier_paths
        for row in _rows(earlier_path)
    }
    rows = _rows(path)
    shared = sum((_normalise(row.text), row.question_type) in earlier for row in rows)
    assert shared == 0, f"{shared} answers of {path.name} are in an earlier set"
    assert len(rows) >= 800 and {row.lang for row in rows} == {"en", "tn"}


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("the queue was so long, I waited the whole day", "topic_waiting_time"),
        ("the nurses were rude to us", "topic_staff_attitude"),
        ("there was no medicine at the clinic", "topic_medicine_supplies"),
    ],
)
def test_improvement_answers_are_coded_to_a_topic(classifier, text, topic):
    assert code_topic(classifier, text, "en").intent == topic


def test_evaluate_command_prints_the_figures_as_one_json_object(rasa_url, tmp_path):
    sample = tmp_path / "sample.jsonl"
    sample.write_text(
        "\n".join(DEV.read_text(encoding="utf-8").splitlines()[::22]), encoding="utf-8"
    )
    env = {
        **os.environ,
        "APP_ENV": "development",
        "RASA_URL": rasa_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "nlu", "evaluate", str(sample), "--json"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["n"] == 20
    for key in ("accuracy", "first_reply_rate", "wrong_recorded_rate", "confirmed_rate"):
        assert 0 <= result[key] <= 1
        assert all(0 <= result["by_lang"][lang][key] <= 1 for lang in ("en", "tn"))
    assert result["first_reply_rate"] <= result["accuracy"]
    assert set(result["by_family"]) and "misread" not in result
    assert result["latency_ms"]["p50"] <= result["latency_ms"]["p99"]
    lowest = next(iter(result["recorded_by_confidence"]["all"].values()))
    assert lowest["right"] + lowest["wrong"] <= round(result["recorded_rate"] * result["n"])
    assert lowest["wrong"] <= round(result["wrong_recorded_rate"] * result["n"])


def test_evaluate_command_names_the_line_of_a_malformed_file(rasa_url, tmp_path):
    bad = tmp_path / "bad.jsonl"
    good = '{"text": "yes", "question_type": "yes_no", "expected": "yes", "lang": "en"}'
    wrong = '{"text": "agree", "question_type": "yes_no", "expected": "agree"}'
    bad.write_text(f"{good}\n{wrong}\n")
    env = {**os.environ, "APP_ENV": "development", "RASA_URL": rasa_url,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'c.db'}"}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "nlu", "evaluate", str(bad)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode != 0
    assert "line 2" in done.stderr
