"""Benchmark of free-text understanding: the real Rasa server's latency on loopback.

Run from the repository root with the app environment (after scripts/setup-nlu):
    .venv/bin/python benchmarks/nlu_parse.py [--rounds 3] [--url http://127.0.0.1:5005] [FILE ...]

Without --url it starts the trained model on a free port, as the tests do. It sends every
answer of the held-out sets (default: both files in nlu/testset/) `rounds` times through
the client the survey uses, one request at a time on one keep-alive connection, after a
warm-up round. It times two things: one parse (`POST /model/parse`, what the 20 ms target
is about) and the reading of a whole answer as the survey reads it (read_answer or
read_number: one parse, or two when the answer has a reason after the rating). It prints
the mean, p50, p99 and maximum in milliseconds, overall and per language, and the parses
per second. It prints figures, never the answers, and asserts nothing about them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlu.client import RasaClassifier
from nlu.evaluate import expected_for, load_rows, percentile, read
from nlu.server import running_server

TESTSET = Path(__file__).resolve().parents[1] / "nlu" / "testset"
DEFAULT_FILES = (TESTSET / "heldout_2026_11.jsonl", TESTSET / "heldout.jsonl")


def _line(name: str, values: list[float]) -> str:
    return (
        f"{name:14}{len(values):>7}{statistics.fmean(values):9.2f}{percentile(values, 0.5):9.2f}"
        f"{percentile(values, 0.99):9.2f}{max(values):9.2f}"
    )


def measure(url: str, rounds: int, files: list[Path]) -> None:
    """Parse and read every answer of the files `rounds` times at url; print the figures."""
    rows = [row for path in files for row in load_rows(path.read_text("utf-8").splitlines())]
    classifier = RasaClassifier(url, timeout=5.0)
    for row in rows:  # warm-up: first calls pay for graph compilation and caches
        read(classifier, row)
    parse: dict[str, list[float]] = {"en": [], "tn": []}
    answer: dict[str, list[float]] = {"en": [], "tn": []}
    started = time.perf_counter()
    for _ in range(rounds):
        for row in rows:
            begin = time.perf_counter()
            classifier.classify(row.text, expected_for(row.question_type), row.lang)
            parse[row.lang].append((time.perf_counter() - begin) * 1000)
            begin = time.perf_counter()
            read(classifier, row)
            answer[row.lang].append((time.perf_counter() - begin) * 1000)
    elapsed = time.perf_counter() - started
    parses = len(parse["en"] + parse["tn"])
    print(f"{len(rows)} answers ({', '.join(p.name for p in files)}) x {rounds} rounds")
    print(f"{'':14}{'n':>7}{'mean ms':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for label, timings in (("parse", parse), ("answer", answer)):
        print(_line(f"{label} all", timings["en"] + timings["tn"]))
        for lang in ("en", "tn"):
            print(_line(f"{label} {lang}", timings[lang]))
    total = parses + sum(len(v) for v in answer.values())
    print(f"throughput: {total / elapsed:.0f} requests/s on one connection (parses and readings)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="JSON-lines sets of typed answers")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the answers")
    parser.add_argument("--url", help="a running Rasa server; default: start the trained model")
    args = parser.parse_args()
    files = args.files or list(DEFAULT_FILES)
    if args.url:
        measure(args.url, args.rounds, files)
        return 0
    with running_server() as server:
        measure(server.url, args.rounds, files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
