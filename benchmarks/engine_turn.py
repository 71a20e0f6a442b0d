"""Benchmark of one survey-engine turn: input to step, with no database, network or Rasa.

Run from the repository root with the app environment:

    .venv/bin/python benchmarks/engine_turn.py [--interviews 2000]

It replays complete interviews (healthcare first, every rating tapped as a button, the
closing answer typed) through `engine.resume`, timing each turn, and prints the mean, p50
and p99 time per turn in microseconds. Typed scale answers are timed separately, read by
the keyword classifier (a rating typed inside a sentence is confirmed with the "yes"
button), since Rasa's parse time is measured by benchmarks/nlu_parse.py.
It prints figures and asserts nothing about them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nlu.keywords import KeywordClassifier
from survey_flows import engine
from survey_flows.definition import load_flow
from survey_flows.step import Input, StartContext

FLOW = Path(__file__).resolve().parents[1] / "survey_flows" / "flows" / "sdg16_6_2.yaml"


def interview(flow, classifier, seed: int, typed: bool) -> list[float]:  # type: ignore[no-untyped-def]
    """Run one interview to the end; return the seconds each turn took."""
    at = datetime(2026, 11, 2, 9)
    step = engine.start(flow, StartContext(now=at, seed=seed, first_area="healthcare"))
    timings = []
    while step.state["status"] == "active":
        at += timedelta(seconds=15)
        question = flow.question(step.state["question"])
        if (step.state.get("pending") or {}).get("kind") == "confirm":
            inp = Input(at=at, payload="C:confirm_yes")  # "Did you mean ...?" - yes
        elif question.kind == "text":
            inp = Input(at=at, text="the queues are too long")
        elif question.kind == "number":
            inp = Input(at=at, text="2")
        elif typed and question.item in ("attribute", "overall"):
            inp = Input(at=at, text=f"yes i {question.options[1].titles['en'].lower()}")
        else:
            # The first option, except where it ends the interview or skips the block.
            option = question.options[0]
            if question.id == "age_band" or option.screen_out:
                option = question.options[1]
            inp = Input(at=at, payload=f"A:{question.id}:{option.code}")
        started = time.perf_counter()
        step = engine.resume(flow, step.state, inp, classifier)
        timings.append(time.perf_counter() - started)
    return timings


def report(label: str, timings: list[float]) -> None:
    micro = sorted(t * 1e6 for t in timings)
    p99 = micro[max(0, int(len(micro) * 0.99) - 1)]
    print(
        f"{label:<34} {len(micro):>8} turns  mean {statistics.fmean(micro):7.1f} us  "
        f"p50 {statistics.median(micro):7.1f} us  p99 {p99:7.1f} us"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interviews", type=int, default=2000)
    args = parser.parse_args()
    flow = load_flow(FLOW)
    classifier = KeywordClassifier()
    buttons: list[float] = []
    typed: list[float] = []
    for seed in range(args.interviews):
        buttons += interview(flow, classifier, seed, typed=False)
        typed += interview(flow, classifier, seed, typed=True)
    print(
        f"engine turn benchmark: {args.interviews} interviews per mode, Python "
        f"{sys.version.split()[0]}"
    )
    report("buttons (payloads)", buttons)
    report("typed ratings (keyword reader)", typed)


if __name__ == "__main__":
    main()
