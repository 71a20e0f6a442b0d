"""Benchmark of the analytics pipeline on a million simulated respondents; prints figures.

The synthetic answer rows are generated in memory, batch by batch (``analytics.simulate``),
not inserted into a database: the figures measure the analytics, not the database. Batches
stream into the pipeline as the database loader's chunks would; the time spent generating
them is measured and subtracted, and reported apart.

Run: .venv/bin/python benchmarks/analytics_bench.py [N]
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.breakdowns import cells
from analytics.codebook import AREAS, rating_questions
from analytics.estimates import cell_estimates, indicator_tables
from analytics.load import Period
from analytics.microdata import wide_frame, write_long, write_wide
from analytics.simulate import population_margins, synthetic_batches
from analytics.tidy import collect
from analytics.weights import rake

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


def main(n: int) -> None:
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
        frame = wide_frame(data, weights)
        for fmt, target in (("csv", 30), ("sav", 60)):
            began = time.perf_counter()
            write_wide(frame, out / f"wide.{fmt}", fmt)
            seconds = time.perf_counter() - began
            size = (out / f"wide.{fmt}").stat().st_size / 1024**3
            print(
                f"  microdata wide {fmt.upper():4}: {seconds:6.1f} s  ({len(frame):,} rows, "
                f"{frame.shape[1]} columns, {size:.2f} GB)   [target < {target} s]"
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


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
