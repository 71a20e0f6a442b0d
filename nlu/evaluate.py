"""Measure how the classifier reads a held-out set of typed answers, as the survey would.

Each row is classified with the intents the engine would send for its question type (the
options, don't know, refuse and the commands), and the reading goes through the survey's
own rule (survey_flows.confidence.survey_decision). "Understood" means the reading is the
expected intent; "recorded wrongly" means the rule would record a different one, which is
the error that corrupts the indicator; the others are confirmed with buttons or re-asked.

    flask --app wsgi nlu evaluate FILE [--json]      (uses RASA_URL)
    python -m nlu.evaluate FILE [--json]             (RASA_URL, or starts the trained model)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlu.client import RasaClassifier
from nlu.errors import NluError
from survey_flows.confidence import CONFIRM_AT, RECORD_AT, Decision, survey_decision
from survey_flows.intents import AGREE_SCALE, COMMANDS, SATISFACTION_SCALE, YES_NO
from survey_flows.ports import Classifier, Interpretation

OPTIONS = {
    "agree_scale": AGREE_SCALE,
    "satisfaction_scale": SATISFACTION_SCALE,
    "yes_no": YES_NO,
    "command": (),
}
LANGS = ("en", "tn")
NOT_UNDERSTOOD = "(none)"


@dataclass(frozen=True)
class Row:
    """One typed answer and the intent it should be read as."""

    text: str
    question_type: str
    expected: str
    lang: str


@dataclass(frozen=True)
class Outcome:
    """How one row was read, what the survey would do with it, and how long it took."""

    row: Row
    reading: Interpretation
    decision: Decision
    latency_ms: float

    @property
    def understood(self) -> bool:
        """Return whether the classifier's reading is the expected intent."""
        return self.reading.intent == self.row.expected

    @property
    def wrongly_recorded(self) -> bool:
        """Return whether the survey would record an intent other than the expected one."""
        return self.decision is Decision.RECORD and not self.understood


@dataclass(frozen=True)
class Report:
    """The outcomes of an evaluation run."""

    outcomes: tuple[Outcome, ...]

    def subset(self, lang: str) -> Report:
        """Return the report restricted to one language."""
        return Report(tuple(o for o in self.outcomes if o.row.lang == lang))


def expected_for(question_type: str) -> tuple[str, ...]:
    """Return the intents the engine accepts for a question type, as it sends them."""
    if question_type not in OPTIONS:
        raise ValueError(
            f"unknown question_type {question_type!r}; use one of {', '.join(OPTIONS)}"
        )
    return (*OPTIONS[question_type], "dont_know", "refuse", *COMMANDS)


def load_rows(lines: Iterable[str]) -> list[Row]:
    """Parse JSON lines {"text", "question_type", "expected", "lang"} into rows."""
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            row = Row(data["text"], data["question_type"], data["expected"], data["lang"])
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(
                f"line {number}: expected a JSON object with text, question_type, expected "
                f"and lang ({type(exc).__name__}: {exc})"
            ) from None
        if row.expected not in expected_for(row.question_type):
            raise ValueError(
                f"line {number}: {row.expected!r} is not an answer to a {row.question_type} "
                "question"
            )
        rows.append(row)
    return rows


def evaluate(classifier: Classifier, rows: Iterable[Row]) -> Report:
    """Classify every row as the engine would and return the outcomes."""
    outcomes = []
    for row in rows:
        started = time.perf_counter()
        reading = classifier.classify(row.text, expected_for(row.question_type), row.lang)
        latency_ms = (time.perf_counter() - started) * 1000
        outcomes.append(Outcome(row, reading, survey_decision(reading), latency_ms))
    return Report(tuple(outcomes))


def percentile(values: Sequence[float], share: float) -> float:
    """Return the nearest-rank percentile (share in 0..1) of the values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _rates(report: Report) -> dict[str, Any]:
    outcomes = report.outcomes
    n = len(outcomes)

    def rate(count: int) -> float | None:
        return round(count / n, 4) if n else None

    return {
        "n": n,
        "accuracy": rate(sum(o.understood for o in outcomes)),
        "recorded_rate": rate(sum(o.decision is Decision.RECORD for o in outcomes)),
        "wrong_recorded_rate": rate(sum(o.wrongly_recorded for o in outcomes)),
        "confirmed_rate": rate(sum(o.decision is Decision.CONFIRM for o in outcomes)),
        "reasked_rate": rate(sum(o.decision is Decision.REASK for o in outcomes)),
    }


def confusion(report: Report) -> dict[str, dict[str, int]]:
    """Return counts of {expected: {read as: n}}; "(none)" means not understood."""
    counts: dict[str, Counter[str]] = {}
    for outcome in report.outcomes:
        read_as = outcome.reading.intent or NOT_UNDERSTOOD
        counts.setdefault(outcome.row.expected, Counter())[read_as] += 1
    return {expected: dict(row) for expected, row in counts.items()}


def figures(report: Report) -> dict[str, Any]:
    """Return the report as one JSON-ready object."""
    latencies = [o.latency_ms for o in report.outcomes]
    by_lang = {lang: _rates(report.subset(lang)) for lang in LANGS}
    return {
        **_rates(report),
        "accuracy_by_lang": {lang: by_lang[lang]["accuracy"] for lang in LANGS},
        "by_lang": by_lang,
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50), 2),
            "p99": round(percentile(latencies, 0.99), 2),
        },
        "thresholds": {"record_at": RECORD_AT, "confirm_at": CONFIRM_AT},
        "confusion": confusion(report),
        "wrongly_recorded": [_describe(o) for o in report.outcomes if o.wrongly_recorded],
    }


def _describe(outcome: Outcome) -> dict[str, Any]:
    return {
        "text": outcome.row.text,
        "lang": outcome.row.lang,
        "expected": outcome.row.expected,
        "read_as": outcome.reading.intent,
        "confidence": round(outcome.reading.confidence, 3),
    }


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


def format_report(report: Report) -> str:
    """Return the figures, the confusion matrix and the misread answers as text."""
    data = figures(report)
    lines = [
        f"NLU evaluation of {data['n']} answers "
        f"(record at >= {RECORD_AT}, confirm at >= {CONFIRM_AT})",
        "",
        f"{'':8}{'n':>5}  {'understood':>10}  {'recorded wrongly':>16}  "
        f"{'confirmed':>9}  {'re-asked':>8}",
    ]
    for name, rates in (("all", data), *data["by_lang"].items()):
        lines.append(
            f"{name:8}{rates['n']:>5}  {_percent(rates['accuracy']):>10}  "
            f"{_percent(rates['wrong_recorded_rate']):>16}  "
            f"{_percent(rates['confirmed_rate']):>9}  {_percent(rates['reasked_rate']):>8}"
        )
    lines += [
        "",
        f"parse latency: p50 {data['latency_ms']['p50']:.1f} ms, "
        f"p99 {data['latency_ms']['p99']:.1f} ms",
        "",
        *_matrix(data["confusion"]),
    ]
    misread = [o for o in report.outcomes if not o.understood]
    if misread:
        lines += ["", "Not understood (expected -> read as, confidence, what the survey does):"]
        lines += [
            f"  [{o.row.lang}] {o.row.text!r}: {o.row.expected} -> "
            f"{o.reading.intent or NOT_UNDERSTOOD} ({o.reading.confidence:.2f}, "
            f"{o.decision.value})"
            for o in misread
        ]
    return "\n".join(lines)


def _matrix(counts: dict[str, dict[str, int]]) -> list[str]:
    labels = sorted(counts)
    columns = labels + sorted({c for row in counts.values() for c in row} - set(labels))
    width = max(len(label) for label in labels)
    lines = ["Confusion matrix (rows: expected; columns: read as, numbered as the rows):"]
    header = "".join(f"{n:>4}" for n in range(1, len(columns) + 1))
    lines.append(f"{'':>{width + 4}}{header}")
    for index, label in enumerate(labels, 1):
        cells = "".join(f"{counts[label].get(c, 0) or '.':>4}" for c in columns)
        lines.append(f"{index:>2}. {label:<{width}}{cells}")
    lines += [f"{n:>2}. {c}" for n, c in enumerate(columns[len(labels) :], len(labels) + 1)]
    return lines


def main(argv: Sequence[str], rasa_url: str) -> int:
    """Evaluate the Rasa server at rasa_url on a JSON-lines file; print text or JSON."""
    parser = argparse.ArgumentParser(prog="nlu evaluate", description=__doc__.split("\n")[0])
    parser.add_argument("file", type=Path, help="JSON lines: text, question_type, expected, lang")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    try:
        rows = load_rows(args.file.read_text(encoding="utf-8").splitlines())
    except (OSError, ValueError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    try:
        report = evaluate(RasaClassifier(rasa_url, timeout=5.0), rows)
    except NluError as exc:
        print(f"evaluation stopped: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(figures(report), ensure_ascii=False))
    else:
        print(format_report(report))
    return 0


def _standalone(argv: Sequence[str]) -> int:
    """Use RASA_URL when set; otherwise serve the trained model for the run."""
    if os.environ.get("RASA_URL"):
        return main(argv, os.environ["RASA_URL"])
    from nlu.server import running_server

    try:
        with running_server() as server:
            return main(argv, server.url)
    except NluError as exc:
        print(f"cannot start the Rasa server: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(_standalone(sys.argv[1:]))
