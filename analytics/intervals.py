"""Confidence intervals for shares: Wilson, and the logit interval of a linearised share.

All functions take and return proportions (0 to 1) as numpy arrays, vectorised over cells.
"""

from __future__ import annotations

import numpy as np

# scipy.special, not scipy.stats: the same quantile functions, without the seconds that
# importing every distribution costs each command.
from scipy.special import ndtri, stdtrit


def wilson(successes: np.ndarray, n: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Return the Wilson score interval of ``successes`` out of ``n`` (NaN where n is 0)."""
    z = ndtri(0.5 + level / 2)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.asarray(successes, dtype=float) / n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low, high = centre - half, centre + half
    empty = ~(n > 0)
    return np.where(empty, np.nan, np.clip(low, 0, 1)), np.where(empty, np.nan, np.clip(high, 0, 1))


def logit_t(
    p: np.ndarray, se: np.ndarray, degrees_of_freedom: int, level: float
) -> tuple[np.ndarray, np.ndarray]:
    """Return the interval built on the logit scale with a Student t quantile.

    This is the interval of Stata's ``svy: proportion`` and samplics; it stays inside 0-1.
    It is undefined (NaN) where the share is exactly 0 or 1.
    """
    t = stdtrit(max(degrees_of_freedom, 1), 0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        logit = np.log(p / (1 - p))
        scale = se / (p * (1 - p))
        low = 1 / (1 + np.exp(-(logit - t * scale)))
        high = 1 / (1 + np.exp(-(logit + t * scale)))
    inside = (p > 0) & (p < 1)
    return np.where(inside, low, np.nan), np.where(inside, high, np.nan)
