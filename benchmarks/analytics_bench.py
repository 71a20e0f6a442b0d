"""Benchmark of the analytics, in memory or from the real store; prints figures.

In memory (the default): synthetic answer rows for N respondents (default a million) are
generated batch by batch (``analytics.simulate``) and streamed into the pipeline as the
database loader's chunks would be; the time spent generating them is measured and
subtracted, and reported apart. This times the estimators and writers alone.

From the store (``--db postgresql://...``): the database is migrated and filled with N
simulated people through the survey engine by the real command (``flask --app wsgi analytics
simulate N``), unless it already holds a fill of that size, which is reused. Then the
commands of the README run one after another, each as a separate process as an analyst runs
them, three times each by default (``--repeat``): the median wall time, its range and the
largest peak memory (the child's maximum resident set) are printed beside the issue's
targets. Last, the same data is loaded once in this process and samplics
estimates three items, for the ratio to the full table's time.

Run: .venv/bin/python benchmarks/analytics_bench.py [N] [--db postgresql://USER@HOST/DATABASE
[--repeat K]]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.breakdowns import cells
from analytics.codebook import AREAS, rating_questions
from analytics.estimates import cell_estimates, indicator_tables
from analytics.load import Period
from analytics.microdata import wide_columns, wide_frames, write_long, write_wide
from analytics.simulate import population_margins, synthetic_batches
from analytics.store import load_survey
from analytics.tidy import collect
from analytics.weights import rake
from bot.db import normalise_url

ROOT = Path(__file__).resolve().parent.parent
FLASK = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]

START = datetime(2026, 1, 5)
BREAKDOWNS = [("sex",), ("age_band",), ("urban_rural",)]


class TimedSource:
    """Yield synthetic answer batches and keep the time spent generating them."""

    def __init__(self, n: int, seed: int) -> None:
        self.n, self.seed = n, seed
        self.generation = 0.0
        self.rows = 0

    def __iter__(self) -> Iterator[pd.DataFrame]:
        batches = iter(synthetic_batches(self.n, self.seed, START, batch_size=100_000))
        while True:
            began = time.perf_counter()
            batch = next(batches, None)
            self.generation += time.perf_counter() - began
            if batch is None:
                return
            self.rows += len(batch.answers)
            yield batch.answers


def peak_gb() -> float:
    """Return the process's peak resident memory so far, in GB (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def in_memory(n: int) -> None:
    print(f"analytics benchmark: {n:,} simulated respondents (generated in memory, no database)")

    source = TimedSource(n, seed=1)
    began = time.perf_counter()
    data = collect(source, Period())
    collected = time.perf_counter() - began - source.generation
    weights, report = rake(data.respondents, population_margins())
    tables = list(indicator_tables(data, BREAKDOWNS, weights))
    total = time.perf_counter() - began - source.generation
    rows = sum(len(table) for table in tables)
    print(f"  answer rows streamed:              {source.rows:,}")
    print(f"  generating them (excluded):        {source.generation:6.1f} s")
    print(f"  tidy (stream -> respondent table): {collected:6.1f} s")
    print(
        f"  all estimates, national + 3 one-way breakdowns, raking ({report.sweeps} sweeps), "
        f"weighted and unweighted, with intervals: {total:6.1f} s in all "
        f"({rows:,} table rows)   [target < 10 s]"
    )
    print(f"  peak memory so far:                {peak_gb():6.2f} GB   [target < 3 GB]")

    compare_with_samplics(data, weights)

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        source = TimedSource(n, seed=1)
        began = time.perf_counter()
        count = write_long(source, out / "long.csv", "csv")
        seconds = time.perf_counter() - began - source.generation
        size = (out / "long.csv").stat().st_size / 1024**3
        print(
            f"  microdata long CSV:   {seconds:6.1f} s  ({count:,} rows, {size:.1f} GB)"
            "   [target < 30 s]"
        )
        columns = len(wide_columns(data, weights))
        for fmt, target in (("csv", 10), ("sav", 30)):
            began = time.perf_counter()
            count = write_wide(wide_frames(data, weights), out / f"wide.{fmt}", fmt)
            seconds = time.perf_counter() - began
            size = (out / f"wide.{fmt}").stat().st_size / 1024**3
            print(
                f"  microdata wide {fmt.upper():4}: {seconds:6.1f} s  ({count:,} rows, "
                f"{columns} columns, {size:.2f} GB)   [target < {target} s]"
            )
    print(f"  peak memory at the end:            {peak_gb():6.2f} GB")


def compare_with_samplics(data, weights: np.ndarray) -> None:
    """Time the weighted overall-satisfaction shares by sex against samplics' Taylor estimator."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from samplics import PopParam, TaylorEstimator

        cell, labels = cells(data.respondents, ("sex",))
        began = time.perf_counter()
        ours = {
            area: cell_estimates(
                data.question_codes(rating_questions(area)), cell, len(labels), weights
            )
            for area in AREAS
        }
        our_seconds = time.perf_counter() - began

        largest_share_gap = largest_se_gap = 0.0
        began = time.perf_counter()
        for area in AREAS:
            codes = data.question_codes(rating_questions(area))[:, 5]
            positive = np.isin(codes, [2, 3]).astype(float)
            valid = np.isin(codes, [0, 1, 2, 3])
            for c in range(len(labels) - 1):
                estimator = TaylorEstimator(PopParam.prop)
                domain = (valid & (cell == c)).astype(int)
                estimator.estimate(y=positive, samp_weight=weights, domain=domain)
                share, se = estimator.point_est[1][1.0], estimator.stderror[1][1.0]
                largest_share_gap = max(largest_share_gap, abs(share - ours[area]["share"][c, 6]))
                largest_se_gap = max(largest_se_gap, abs(se / ours[area]["se"][c, 6] - 1))
        samplics_seconds = time.perf_counter() - began
    print(
        f"  weighted overall satisfaction by sex, 4 areas x 2 cells (share, SE, interval): "
        f"samplics {samplics_seconds:.2f} s; ours {our_seconds:.2f} s, which also gives the other "
        f"6 estimates and the unknown-sex cell -> {samplics_seconds / our_seconds:.1f}x faster"
    )
    print(
        f"  agreement with samplics: largest share gap {largest_share_gap:.1e}, "
        f"largest relative SE gap {largest_se_gap:.1e}"
    )


@dataclass(frozen=True)
class Run:
    """One command as a user runs it, with the issue's targets (at a million respondents)."""

    name: str
    args: tuple[str, ...]
    seconds: float | None
    gigabytes: float | None
    target_note: str = "at 1,000,000"


def store_runs(folder: Path, margins: Path) -> list[Run]:
    """Return the README's commands on the simulated (test) data, with the issue's targets."""
    test = "--include-test"  # simulated people are test data, left out by default
    return [
        # The start of the app and its command line alone, which every command pays.
        Run("start only (analytics --help)", ("analytics", "--help"), None, None, ""),
        Run("indicator table, default breakdowns",
            ("analytics", "indicators", "--out", f"{folder}/table.csv", test), 5, 2),
        Run("the same with --margins (raking)",
            ("analytics", "indicators", "--out", f"{folder}/weighted.csv", "--margins",
             str(margins), test), 5, 2),
        Run("indicators --by sex",
            ("analytics", "indicators", "--by", "sex", "--out", f"{folder}/sex.csv", test),
            1, None, "at 100,000"),
        Run("microdata, long CSV",
            ("analytics", "microdata", "--out", f"{folder}/long.csv", test), 30, 1),
        Run("microdata, wide CSV",
            ("analytics", "microdata", "--wide", "--out", f"{folder}/wide.csv", test), 10, 1),
        Run("microdata, wide SPSS",
            ("analytics", "microdata", "--wide", "--out", f"{folder}/wide.sav", test), 30, 1),
    ]  # fmt: skip


@dataclass(frozen=True)
class Measured:
    seconds: float
    gigabytes: float  # the child's peak resident memory
    stdout: str


def measure(args: tuple[str, ...], env: dict[str, str], folder: Path) -> Measured:
    """Run one flask command as its own process; return its wall time and peak memory."""
    with open(folder / "stdout.txt", "w+") as out, open(folder / "stderr.txt", "w+") as err:
        began = time.perf_counter()
        child = subprocess.Popen([*FLASK, *args], cwd=ROOT, env=env, stdout=out, stderr=err)
        # wait4 gives this child's own resource usage (Linux reports ru_maxrss in kB).
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - began
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            sys.exit(f"{' '.join(args[:2])} failed ({child.returncode}):\n{err.read()[-3000:]}")
        return Measured(seconds, usage.ru_maxrss / 1024**2, out.read().strip())


def _against_targets(run: Run, result: Measured) -> str:
    """Return the run's targets and whether the result meets each, or nothing without one."""
    pairs = [
        (f"< {target:g} {unit}", "ok" if value < target else "MISSED")
        for value, target, unit in (
            (result.seconds, run.seconds, "s"),
            (result.gigabytes, run.gigabytes, "GB"),
        )
        if target is not None
    ]
    if not pairs:
        return ""
    targets = ", ".join(text for text, _ in pairs)
    return f"   [target {targets} {run.target_note}: {' '.join(v for _, v in pairs)}]"


def app_env(url: str) -> dict[str, str]:
    """The settings the commands run with: this database, no worker thread, no simulator."""
    return {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": url,
        "EMBEDDED_WORKER": "0",
        "SIMULATOR_ENABLED": "0",
        "RATE_LIMIT_STORAGE_URL": "memory://",
    }


def people_stored(url: str) -> tuple[int, int, int]:
    """Return the simulated people in the database (stored or declined), all respondents and
    answer rows."""
    from sqlalchemy import create_engine, text

    engine = create_engine(normalise_url(url))
    with engine.connect() as connection:
        counts = connection.execute(
            text(
                "SELECT (SELECT count(*) FROM respondents WHERE is_test)"
                " + (SELECT count(*) FROM declines WHERE is_test),"
                " (SELECT count(*) FROM respondents), (SELECT count(*) FROM answers)"
            )
        ).one()
    engine.dispose()
    return int(counts[0]), int(counts[1]), int(counts[2])


def refresh_statistics(url: str) -> None:
    """VACUUM and ANALYZE the database, as autovacuum would have done on a server in use.

    Without statistics after a bulk fill (or with autovacuum off, as on this machine),
    PostgreSQL may plan the loader's query badly: the figures would measure that.
    """
    from sqlalchemy import create_engine, text

    engine = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    began = time.perf_counter()
    with engine.connect() as connection:
        autovacuum = connection.scalar(text("SHOW autovacuum"))
        connection.execute(text("VACUUM (ANALYZE)"))
    engine.dispose()
    print(
        f"  VACUUM (ANALYZE) in {time.perf_counter() - began:.0f} s (autovacuum is "
        f"{autovacuum} on this server)"
    )


def fill(url: str, n: int, env: dict[str, str], folder: Path) -> None:
    """Migrate the database and fill it with n simulated people, or reuse a fill of that size."""
    measure(("db", "upgrade"), env, folder)
    people, respondents, answers = people_stored(url)
    if people == 0 and respondents == 0:
        began = time.perf_counter()
        measure(("analytics", "simulate", str(n)), env, folder)
        people, respondents, answers = people_stored(url)
        print(
            f"  filled with `analytics simulate {n}` in {time.perf_counter() - began:.0f} s: "
            f"{respondents:,} respondents, {answers:,} answer rows"
        )
    elif people == n:
        print(
            f"  reusing the existing fill of {n:,} simulated people: {respondents:,} "
            f"respondents, {answers:,} answer rows"
        )
    else:
        sys.exit(
            f"the database holds {people:,} simulated people and {respondents:,} respondents, "
            f"not a fill of {n:,}: give N={people:,} to reuse it, or an empty database"
        )


def from_store(url: str, n: int, repeat: int) -> None:
    print(f"analytics benchmark from the store: {n:,} simulated people in {url}")
    env = app_env(url)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        fill(url, n, env, folder)
        refresh_statistics(url)
        margins = folder / "margins.csv"
        population_margins().to_csv(margins, index=False)
        timed: dict[str, Measured] = {}
        if repeat > 1:
            print(f"  each command {repeat} times: the median time, its range, the largest peak")
        for run in store_runs(folder, margins):
            results = [measure(run.args, env, folder) for _ in range(repeat)]
            seconds = sorted(r.seconds for r in results)
            result = timed[run.name] = Measured(
                float(np.median(seconds)), max(r.gigabytes for r in results), results[-1].stdout
            )
            spread = f" ({seconds[0]:.1f} to {seconds[-1]:.1f})" if repeat > 1 else ""
            target = _against_targets(run, result)
            print(
                f"  {run.name:<36} {result.seconds:7.1f} s{spread} "
                f"{result.gigabytes:5.2f} GB{target}"
            )
            print(f"      flask --app wsgi {' '.join(run.args)}".replace(str(folder), "OUT"))
            if run.seconds is not None:
                said = result.stdout.splitlines()[-1] if result.stdout else ""
                print(f"      -> {said}".replace(str(folder), "OUT"))
        table = timed["the same with --margins (raking)"].seconds
        store_samplics(url, table)


def store_samplics(url: str, table_seconds: float) -> None:
    """Load the same data once and time samplics on three items against the full table."""
    from sqlalchemy import create_engine

    engine = create_engine(normalise_url(url))
    began = time.perf_counter()
    data = load_survey(engine, Period(), include_test=True)  # as the commands load it
    engine.dispose()
    loaded = time.perf_counter() - began
    weights, _ = rake(data.respondents, population_margins())
    items = [(area, rating_questions(area)[5]) for area in AREAS[:3]]  # overall satisfaction
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from samplics import PopParam, TaylorEstimator

        began = time.perf_counter()
        shares = []
        for _, question in items:
            codes = data.question_codes([question])[:, 0]
            estimator = TaylorEstimator(PopParam.prop)
            estimator.estimate(
                y=np.isin(codes, [2, 3]).astype(float),
                samp_weight=weights,
                domain=np.isin(codes, [0, 1, 2, 3]).astype(int),
            )
            shares.append(estimator.point_est[1][1.0])
        seconds = time.perf_counter() - began
    national = np.zeros(len(data), dtype=np.int64)
    gap = max(
        abs(share - cell_estimates(data.question_codes(rating_questions(area)), national, 1,
                                   weights)["share"][0, 6])
        for (area, _), share in zip(items, shares, strict=True)
    )  # fmt: skip
    print(
        f"  samplics, weighted share and SE of {len(items)} items (overall satisfaction of "
        f"{', '.join(area for area, _ in items)}): {seconds:.2f} s ({seconds / 3:.2f} s an item;"
        f" data loaded once beforehand in {loaded:.1f} s, not counted); largest share gap to "
        f"ours {gap:.1e}"
    )
    print(
        f"  full table with --margins, end to end: {table_seconds:.2f} s = "
        f"{table_seconds / seconds:.2f} x samplics' time for three items   [target < 1]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="?", type=int, default=1_000_000, help="respondents")
    parser.add_argument(
        "--db", help="a PostgreSQL URL: fill it (or reuse its fill), time the commands"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="with --db: run each command this many times (this machine kind varies by about "
        "a fifth from run to run); the median is judged",
    )
    options = parser.parse_args()
    if options.db:
        from_store(options.db, options.n, max(options.repeat, 1))
    else:
        in_memory(options.n)


if __name__ == "__main__":
    main()
