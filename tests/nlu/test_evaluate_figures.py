"""The evaluation's figures from outcomes given by hand: no model needed to check the sums."""

from __future__ import annotations

from nlu.evaluate import Outcome, Report, Row, figures, format_report
from survey_flows.decision import TABLE, Answer, Decision


def _outcome(
    lang: str,
    expected: str,
    read: str,
    confidence: float,
    decision: Decision,
    source: str = "nlu",
    question_type: str = "agree_scale",
) -> Outcome:
    row = Row("an answer", question_type, expected, lang, value=2.0)
    answer = Answer(read, confidence, decision, source, value=2.0)
    return Outcome(row, answer, latency_ms=1.0)


REPORT = Report(
    (
        _outcome("en", "agree", "agree", 0.995, Decision.RECORD),
        _outcome("en", "agree", "disagree", 0.92, Decision.RECORD),  # confidently wrong
        _outcome("tn", "disagree", "disagree", 0.85, Decision.RECORD),
        _outcome("tn", "dont_know", "dont_know", 0.5, Decision.RECORD),
        _outcome("tn", "agree", "strongly_agree", 0.7, Decision.CONFIRM),  # not recorded
        # Decided by no bar: a number (the number entity), a word of the survey's own lists.
        _outcome("en", "number", "number", 0.06, Decision.RECORD, question_type="number"),
        _outcome("en", "agree", "disagree", 0.02, Decision.RECORD, source=TABLE),
    )
)


def test_recorded_answers_are_counted_at_each_bar_to_show_what_a_stricter_one_would_cost():
    counts = figures(REPORT)["recorded_by_confidence"]
    right_wrong = {bar: (c["right"], c["wrong"]) for bar, c in counts["all"].items()}
    assert right_wrong == {
        "0.45": (3, 1),
        "0.80": (2, 1),
        "0.90": (1, 1),
        "0.95": (1, 0),
        "0.99": (1, 0),
    }
    assert counts["en"]["0.90"] == {"right": 1, "wrong": 1}
    assert counts["tn"]["0.80"] == {"right": 1, "wrong": 0}


def test_the_text_report_prints_the_counts_per_bar_and_language():
    text = format_report(REPORT)
    assert "  at >= 0.90: all 1 / 1, en 1 / 1, tn 0 / 0" in text.splitlines()
