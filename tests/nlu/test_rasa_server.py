"""The trained model behind the classifier port, read as the survey reads it.

These tests talk to the real Rasa server (scripts/setup-nlu builds and trains it); the
held-out set (nlu/testset/heldout.jsonl) is the one the README's figures come from.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nlu.client import RasaClassifier
from nlu.evaluate import evaluate, expected_for, figures, load_rows
from nlu.topics import code_topic

pytestmark = pytest.mark.rasa
REPO = Path(__file__).resolve().parents[2]
HELD_OUT = REPO / "nlu" / "testset" / "heldout.jsonl"
TRAINING = REPO / "nlu" / "rasa_project" / "data"


@pytest.fixture(scope="module")
def classifier(rasa_url: str) -> RasaClassifier:
    return RasaClassifier(rasa_url, timeout=5.0)


@pytest.mark.parametrize(
    ("text", "question_type", "lang", "intent"),
    [
        ("I strongly disagree", "agree_scale", "en", "strongly_disagree"),
        ("yes I agree", "agree_scale", "en", "agree"),
        ("not satisfied at all", "satisfaction_scale", "en", "very_dissatisfied"),
        ("ee", "yes_no", "tn", "yes"),
        ("nyaa", "yes_no", "tn", "no"),
        ("I don't know", "agree_scale", "en", "dont_know"),
        ("stop", "satisfaction_scale", "en", "stop"),
    ],
)
def test_typed_answers_are_read_as_the_answer_meant(classifier, text, question_type, lang, intent):
    reading = classifier.classify(text, expected_for(question_type), lang)
    assert reading.intent == intent
    assert reading.source == "nlu" and 0 < reading.confidence <= 1


def test_an_answer_the_question_does_not_accept_is_not_bent_into_one_it_does(classifier):
    # "very satisfied" typed at an agree question must not be recorded as some agree level
    reading = classifier.classify("very satisfied", expected_for("agree_scale"), "en")
    assert reading.intent is None


def test_held_out_set_meets_the_published_targets(classifier):
    rows = load_rows(HELD_OUT.read_text(encoding="utf-8").splitlines())
    result = figures(evaluate(classifier, rows))
    assert result["n"] >= 300
    assert result["accuracy_by_lang"]["en"] >= 0.95, result["confusion"]
    assert result["accuracy_by_lang"]["tn"] >= 0.85, result["confusion"]
    assert result["wrong_recorded_rate"] <= 0.005, result["wrongly_recorded"]


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).lower().split())


def test_held_out_answers_are_not_training_examples():
    trained = set()
    for path in TRAINING.glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            examples = block.get("examples") or ""
            trained.update(_normalise(line.removeprefix("- ")) for line in examples.splitlines())
    rows = load_rows(HELD_OUT.read_text(encoding="utf-8").splitlines())
    leaked = [row.text for row in rows if _normalise(row.text) in trained]
    assert not leaked
    assert {row.lang for row in rows} == {"en", "tn"}


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
        "\n".join(HELD_OUT.read_text(encoding="utf-8").splitlines()[:20]), encoding="utf-8"
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
    for key in ("accuracy", "wrong_recorded_rate", "confirmed_rate", "reasked_rate"):
        assert 0 <= result[key] <= 1
    assert set(result["accuracy_by_lang"]) == {"en", "tn"}
    assert result["latency_ms"]["p50"] <= result["latency_ms"]["p99"]


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
