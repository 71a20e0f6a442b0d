"""Benchmark of free-text understanding: the real Rasa server's parse latency on loopback.

Run from the repository root with the app environment (after scripts/setup-nlu):
    .venv/bin/python benchmarks/nlu_parse.py [--rounds 5] [--url http://127.0.0.1:5005]

Without --url it starts the trained model on a free port, as the tests do. It sends every
answer of the held-out set `rounds` times through the same client the survey uses
(`POST /model/parse`, one request at a time, keep-alive) after a warm-up round, and prints
the mean, p50, p99 and maximum latency in milliseconds and the parses per second, overall
and per language. It prints figures and asserts nothing about them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlu.client import RasaClassifier
from nlu.evaluate import expected_for, load_rows, percentile
from nlu.server import running_server

HELD_OUT = Path(__file__).resolve().parents[1] / "nlu" / "testset" / "heldout.jsonl"


def measure(url: str, rounds: int) -> None:
    """Parse the held-out set `rounds` times at url and print the latency figures."""
    rows = load_rows(HELD_OUT.read_text(encoding="utf-8").splitlines())
    classifier = RasaClassifier(url, timeout=5.0)
    for row in rows:  # warm-up: first calls pay for graph compilation and caches
        classifier.classify(row.text, expected_for(row.question_type), row.lang)
    timings: dict[str, list[float]] = {"en": [], "tn": []}
    started = time.perf_counter()
    for _ in range(rounds):
        for row in rows:
            begin = time.perf_counter()
            classifier.classify(row.text, expected_for(row.question_type), row.lang)
            timings[row.lang].append((time.perf_counter() - begin) * 1000)
    elapsed = time.perf_counter() - started
    every = timings["en"] + timings["tn"]
    print(f"{len(rows)} held-out answers x {rounds} rounds = {len(every)} parses, one at a time")
    print(f"{'':8}{'mean ms':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, values in (("all", every), ("en", timings["en"]), ("tn", timings["tn"])):
        print(
            f"{name:8}{statistics.fmean(values):9.2f}{percentile(values, 0.5):9.2f}"
            f"{percentile(values, 0.99):9.2f}{max(values):9.2f}"
        )
    print(f"throughput: {len(every) / elapsed:.0f} parses/s on one connection")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the held-out set")
    parser.add_argument("--url", help="a running Rasa server; default: start the trained model")
    args = parser.parse_args()
    if args.url:
        measure(args.url, args.rounds)
        return 0
    with running_server() as server:
        measure(server.url, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
