"""When Rasa fails, keywords keep the survey going; the circuit breaker stops the waiting.

The failing Rasa here is a real HTTP server on loopback that answers 500 (or a valid parse
once it has "recovered"), so the client's transport and error handling run for real.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from nlu.breaker import CircuitBreaker
from nlu.client import RasaClassifier
from nlu.keywords import KeywordClassifier
from nlu.resilient import ResilientClassifier
from nlu.review import review
from survey_flows.decision import Decision, decide

AGREE = ("strongly_agree", "agree", "disagree", "strongly_disagree", "dont_know", "refuse")
YES_NO = ("yes", "no", "dont_know", "refuse")


class FlakyRasa(ThreadingHTTPServer):
    """Answers /model/parse with 500 while `failing`, else with a confident 'agree'."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.failing = True
        self.calls = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: FlakyRasa

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.calls += 1
        if self.server.failing:
            self.send_response(500)
            self.end_headers()
            return
        body = json.dumps({"intent": {"name": "agree", "confidence": 0.97},
                           "intent_ranking": [{"name": "agree", "confidence": 0.97}],
                           "entities": []}).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def rasa() -> Iterator[FlakyRasa]:
    server = FlakyRasa()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_keywords_answer_while_rasa_fails_and_health_reports_degraded(rasa):
    clock = Clock()
    classifier = ResilientClassifier(
        RasaClassifier(rasa.url, timeout=1.0),
        KeywordClassifier(),
        CircuitBreaker(failure_threshold=2, cooldown=30, clock=clock),
    )
    assert classifier.status() == "ok"
    reading = classifier.classify("strongly disagree", AGREE, "en")
    assert (reading.intent, reading.source) == ("strongly_disagree", "keyword")
    assert classifier.status() == "degraded"
    classifier.classify("agree", AGREE, "en")
    assert rasa.calls == 2  # the second failure opens the circuit
    for _ in range(5):
        assert classifier.classify("ee", YES_NO, "tn").intent == "yes"
    assert rasa.calls == 2  # open: nobody waits for a failing server

    rasa.failing = False
    clock.now = 31  # after the cooldown one trial call goes through and closes the circuit
    reading = classifier.classify("I suppose I agree", AGREE, "en")
    assert (reading.intent, reading.source) == ("agree", "nlu")
    assert classifier.status() == "ok" and rasa.calls == 3


@pytest.mark.parametrize(
    ("text", "expected", "intent", "decision"),
    [
        ("Strongly disagree!!", AGREE, "strongly_disagree", Decision.RECORD),
        ("I don't agree", AGREE, "disagree", Decision.CONFIRM),
        ("ke dumela thata 👍", AGREE, "strongly_agree", Decision.RECORD),
        ("no idea", YES_NO, "dont_know", Decision.RECORD),
        ("the weather", AGREE, None, Decision.REASK),
    ],
)
def test_keywords_record_only_an_exact_answer_and_confirm_one_inside_a_sentence(
    text, expected, intent, decision
):
    reading = KeywordClassifier().classify(text, expected, "en")
    assert reading.intent == intent
    assert decide(reading) is decision


def test_review_confirms_corrects_and_asks_again_after_a_typo():
    items = [(1, "long queues", "topic_waiting_time", 0.91),
             (2, "they asked me for money", "topic_cost", 0.55),
             (3, "far away", "topic_distance", 0.88)]  # fmt: skip
    typed = iter(["", "x", "7", "q"])  # confirm; a typo; 7 = corruption; quit
    shown: list[str] = []
    decisions = review(items, lambda prompt: next(typed), shown.append)
    assert decisions == [(1, "topic_waiting_time"), (2, "topic_corruption")]
    assert any("'x' is not a choice" in line for line in shown)
