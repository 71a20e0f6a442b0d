"""Truth recovery: how often do the published 95% intervals cover the simulator's truth?

Simulated people answer through the survey engine (break-offs, DK/RA, routing), drawn from
an urban-heavy sample; the answers are raked to the population margins and estimated as
``analytics indicators --margins`` does (``analytics.synthetic_truth``). Prints the share of
weighted cells whose interval covers the true value, overall and per breakdown.

Run: .venv/bin/python benchmarks/truth_recovery.py [N] [--seed S] [--urban-share U]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from analytics.synthetic_truth import coverage, simulated_data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=20_000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--urban-share", type=float, default=0.80)
    args = parser.parse_args()

    started = time.perf_counter()
    data = simulated_data(args.n, args.seed, args.urban_share)
    found = coverage(data)
    cells = found.cells
    print(
        f"truth recovery: {args.n:,} simulated people (seed {args.seed}, sample urban share "
        f"{args.urban_share:.2f} against 0.64), {found.respondents:,} respondents"
    )
    print(
        f"  raked with {found.without_urban_rural:,} respondents without urban/rural "
        "(break-offs before the demographics, DK, refusals)"
    )
    band = 3 * np.sqrt(0.95 * 0.05 / len(cells))
    print(
        f"  coverage of 95% intervals: {found.share:.1%} of {len(cells)} weighted cells "
        f"(95% +/- {band:.1%} is three binomial standard deviations)"
    )
    for dimension, part in cells.groupby("dimension"):
        print(f"    {dimension:<12} {part['covered'].mean():.1%} of {len(part)}")
    z = (cells["percent"] - cells["true_percent"]) / cells["se"]
    print(f"  mean z {z.mean():+.2f}, sd of z {z.std():.2f} (0 and 1 for unbiased intervals)")
    print(f"  took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
