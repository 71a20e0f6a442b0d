"""Measure how the survey reads a set of typed answers, as it would at its questions.

Each row goes through the survey's own rule, the function the engine calls
(survey_flows.confidence.read_answer, or read_number at a number question), with the
options of its question type. "Understood" means the answer read is the expected one (at a
number question: the value read equals the expected value); "recorded wrongly" means the
survey would record something else, the error that corrupts the indicator;
"first reply" means it would record the right answer with no confirmation and no re-ask.
The others are confirmed with buttons or asked again.

A held-out set stays private so that it keeps measuring: the report prints only aggregate
figures (overall, per language, per family, the confusion counts) unless --show-misread
asks for the misread answers, which is for the development set only.

    flask --app wsgi nlu evaluate FILE [--json] [--show-misread]   (uses RASA_URL)
    python -m nlu.evaluate FILE [--json] [--show-misread]   (RASA_URL or the trained model)
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
from survey_flows.confidence import read_answer, read_number
from survey_flows.decision import (
    CONFIRM_AT,
    CROSS_SCALE_RECORD_AT,
    RECORD_AT,
    TABLE,
    Answer,
    Decision,
)
from survey_flows.intents import AGREE_SCALE, COMMANDS, NUMBER, SATISFACTION_SCALE, YES_NO
from survey_flows.ports import Classifier

OPTIONS: dict[str, tuple[str, ...]] = {
    "agree_scale": AGREE_SCALE,
    "satisfaction_scale": SATISFACTION_SCALE,
    "yes_no": YES_NO,
    "command": (),
    "number": (),
}
LANGS = ("en", "tn")
# Bars at which the classifier's recorded readings are counted: the lowest any of them
# needs (a don't know or a refusal that no words contradict), the rule's own, stricter ones.
CONFIDENCE_BARS = (CONFIRM_AT, RECORD_AT, 0.90, 0.95, 0.99)
NOT_UNDERSTOOD = "(none)"
WRONG_VALUE = "number (wrong value)"


@dataclass(frozen=True)
class Row:
    """One typed answer and what it should be read as (a value too at a number question)."""

    text: str
    question_type: str
    expected: str
    lang: str
    family: str = ""
    value: float | None = None


@dataclass(frozen=True)
class Outcome:
    """How one row was read, what the survey would do with it, and how long it took."""

    row: Row
    answer: Answer
    latency_ms: float

    @property
    def understood(self) -> bool:
        """Return whether the answer read is the expected one (and its value, for a number)."""
        if self.answer.intent != self.row.expected:
            return False
        if self.row.expected == NUMBER:
            return self.answer.value is not None and math.isclose(
                self.answer.value, float(self.row.value or 0.0)
            )
        return True

    @property
    def wrongly_recorded(self) -> bool:
        """Return whether the survey would record an answer other than the expected one."""
        return self.answer.decision is Decision.RECORD and not self.understood

    @property
    def first_reply(self) -> bool:
        """Return whether the survey would record the right answer with nothing more asked."""
        return self.answer.decision is Decision.RECORD and self.understood

    @property
    def read_as(self) -> str:
        """Return what the answer was read as, for the confusion counts."""
        if self.answer.intent == NUMBER and self.row.expected == NUMBER and not self.understood:
            return WRONG_VALUE
        return self.answer.intent or NOT_UNDERSTOOD


@dataclass(frozen=True)
class Report:
    """The outcomes of an evaluation run."""

    outcomes: tuple[Outcome, ...]

    def only(self, lang: str | None = None, family: str | None = None) -> Report:
        """Return the report restricted to one language, one family, or both."""
        return Report(
            tuple(
                o
                for o in self.outcomes
                if lang in (None, o.row.lang) and family in (None, o.row.family)
            )
        )


def expected_for(question_type: str) -> tuple[str, ...]:
    """Return the answers a row of this question type may expect."""
    if question_type not in OPTIONS:
        raise ValueError(
            f"unknown question_type {question_type!r}; use one of {', '.join(OPTIONS)}"
        )
    number = (NUMBER,) if question_type == "number" else ()
    return (*OPTIONS[question_type], *number, "dont_know", "refuse", *COMMANDS)


def load_rows(lines: Iterable[str]) -> list[Row]:
    """Parse JSON lines {"text", "question_type", "expected", "lang"[, "family", "value"]}."""
    rows = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            value = data.get("value")
            row = Row(
                data["text"],
                data["question_type"],
                data["expected"],
                data["lang"],
                str(data.get("family") or ""),
                None if value is None else float(value),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(
                f"line {number}: expected a JSON object with text, question_type, expected "
                f"and lang ({type(exc).__name__}: {exc})"
            ) from None
        if row.expected not in expected_for(row.question_type):
            raise ValueError(
                f"line {number}: {row.expected!r} is not an answer to a {row.question_type} "
                "question"
            )
        if row.expected == NUMBER and row.value is None:
            raise ValueError(f'line {number}: a number answer needs its "value"')
        rows.append(row)
    return rows


def read(classifier: Classifier, row: Row) -> Answer:
    """Read one row as the engine reads a typed answer at its question."""
    if row.question_type == "number":
        return read_number(classifier, row.text, row.lang)
    return read_answer(classifier, row.text, OPTIONS[row.question_type], row.lang)


def evaluate(classifier: Classifier, rows: Iterable[Row]) -> Report:
    """Read every row as the engine would and return the outcomes."""
    outcomes = []
    for row in rows:
        started = time.perf_counter()
        answer = read(classifier, row)
        outcomes.append(Outcome(row, answer, (time.perf_counter() - started) * 1000))
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
        "first_reply_rate": rate(sum(o.first_reply for o in outcomes)),
        "recorded_rate": rate(sum(o.answer.decision is Decision.RECORD for o in outcomes)),
        "wrong_recorded_rate": rate(sum(o.wrongly_recorded for o in outcomes)),
        "confirmed_rate": rate(sum(o.answer.decision is Decision.CONFIRM for o in outcomes)),
        "reasked_rate": rate(sum(o.answer.decision is Decision.REASK for o in outcomes)),
    }


def recorded_by_confidence(report: Report) -> dict[str, dict[str, int]]:
    """Return, for each bar, the classifier's readings recorded with no confirmation whose
    confidence was at least that bar, right and wrong: how far a stricter bar would go, and
    what it would cost.

    Only the answers a bar decides are counted: not numbers (the number entity decides) nor
    answers in the survey's own words and tables. A count, not a replay: the rule's other
    guards are left as they decided.
    """
    recorded = [
        o
        for o in report.outcomes
        if o.answer.decision is Decision.RECORD
        and o.answer.source != TABLE
        and o.row.question_type != "number"
    ]
    return {
        f"{bar:.2f}": {
            "right": sum(o.understood for o in recorded if o.answer.confidence >= bar),
            "wrong": sum(not o.understood for o in recorded if o.answer.confidence >= bar),
        }
        for bar in CONFIDENCE_BARS
    }


def confusion(report: Report) -> dict[str, dict[str, int]]:
    """Return counts of {expected: {read as: n}}; "(none)" means not understood."""
    counts: dict[str, Counter[str]] = {}
    for outcome in report.outcomes:
        counts.setdefault(outcome.row.expected, Counter())[outcome.read_as] += 1
    return {expected: dict(row) for expected, row in counts.items()}


def figures(report: Report, show_misread: bool = False) -> dict[str, Any]:
    """Return the report as one JSON-ready object (rows only when show_misread)."""
    latencies = [o.latency_ms for o in report.outcomes]
    by_lang = {lang: _rates(report.only(lang=lang)) for lang in LANGS}
    families = sorted({o.row.family for o in report.outcomes if o.row.family})
    by_family = {
        family: {
            "all": _rates(report.only(family=family)),
            **{lang: _rates(report.only(lang, family)) for lang in LANGS},
        }
        for family in families
    }
    result: dict[str, Any] = {
        **_rates(report),
        "accuracy_by_lang": {lang: by_lang[lang]["accuracy"] for lang in LANGS},
        "by_lang": by_lang,
        "by_family": by_family,
        "latency_ms": {
            "p50": round(percentile(latencies, 0.50), 2),
            "p99": round(percentile(latencies, 0.99), 2),
        },
        "thresholds": {
            "record_at": RECORD_AT,
            "cross_scale_record_at": CROSS_SCALE_RECORD_AT,
            "confirm_at": CONFIRM_AT,
        },
        "recorded_by_confidence": {
            "all": recorded_by_confidence(report),
            **{lang: recorded_by_confidence(report.only(lang=lang)) for lang in LANGS},
        },
        "confusion": confusion(report),
    }
    if show_misread:
        result["misread"] = [_describe(o) for o in report.outcomes if not o.first_reply]
    return result


def _describe(outcome: Outcome) -> dict[str, Any]:
    return {
        "text": outcome.row.text,
        "lang": outcome.row.lang,
        "family": outcome.row.family,
        "expected": outcome.row.expected,
        "read_as": outcome.read_as,
        "value": outcome.answer.value,
        "confidence": round(outcome.answer.confidence, 3),
        "decision": outcome.answer.decision.value,
    }


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.1f}%"


COLUMNS = (
    ("understood", "accuracy"),
    ("first reply", "first_reply_rate"),
    ("recorded wrongly", "wrong_recorded_rate"),
    ("confirmed", "confirmed_rate"),
    ("re-asked", "reasked_rate"),
)


def _table(rows: Iterable[tuple[str, dict[str, Any]]], width: int = 8) -> list[str]:
    header = f"{'':{width}}{'n':>5}" + "".join(f"  {title:>{len(title)}}" for title, _ in COLUMNS)
    lines = [header]
    for name, rates in rows:
        cells = "".join(f"  {_percent(rates[key]):>{len(title)}}" for title, key in COLUMNS)
        lines.append(f"{name:{width}}{rates['n']:>5}{cells}")
    return lines


def format_report(report: Report, show_misread: bool = False) -> str:
    """Return the figures and the confusion counts as text (misread rows if asked)."""
    data = figures(report)
    lines = [
        f"NLU evaluation of {data['n']} typed answers (record at >= {RECORD_AT}, "
        f">= {CROSS_SCALE_RECORD_AT} in another scale's words; confirm at >= {CONFIRM_AT})",
        "",
        *_table((("all", data), *data["by_lang"].items())),
        "",
        f"reading time per answer: p50 {data['latency_ms']['p50']:.1f} ms, "
        f"p99 {data['latency_ms']['p99']:.1f} ms",
    ]
    lines += [
        "",
        "The classifier's readings recorded with no confirmation, by confidence (right / wrong;",
        "not numbers, nor answers in the survey's own words):",
    ]
    lines += [
        f"  at >= {bar}: "
        + ", ".join(
            f"{part} {counts[bar]['right']} / {counts[bar]['wrong']}"
            for part, counts in data["recorded_by_confidence"].items()
        )
        for bar in data["recorded_by_confidence"]["all"]
    ]
    if data["by_family"]:
        width = max(len(f) for f in data["by_family"]) + 5
        family_rows = [
            (f"{family} {lang}", rates)
            for family, parts in data["by_family"].items()
            for lang, rates in parts.items()
            if lang != "all" and rates["n"]
        ]
        lines += ["", "By family and language:", *_table(family_rows, width)]
    lines += ["", *_matrix(data["confusion"])]
    if show_misread:
        misread = [o for o in report.outcomes if not o.first_reply]
        lines += ["", "Not recorded right at the first reply (expected -> read as, what happens):"]
        lines += [
            f"  [{o.row.lang}] {o.row.text!r}: {o.row.expected} -> {o.read_as} "
            f"({o.answer.confidence:.2f}, {o.answer.decision.value})"
            for o in misread
        ]
    return "\n".join(lines)


def _matrix(counts: dict[str, dict[str, int]]) -> list[str]:
    labels = sorted(counts)
    columns = labels + sorted({c for row in counts.values() for c in row} - set(labels))
    width = max((len(label) for label in labels), default=0)
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
    parser.add_argument(
        "--show-misread",
        action="store_true",
        help="also list the answers not recorded right at the first reply (development set "
        "only: a held-out set must stay unread)",
    )
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
        print(json.dumps(figures(report, args.show_misread), ensure_ascii=False))
    else:
        print(format_report(report, args.show_misread))
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
