"""Defaults shared by the estimators and the command line (kept free of heavy imports)."""

from __future__ import annotations

LEVEL = 0.95  # confidence level of the intervals
MIN_CELL = 30  # fewer valid answers than this: the cell is suppressed
MIN_NEFF = 30.0  # weighted cells: a Kish effective sample size below this is suppressed too
TRIM = (0.2, 5.0)  # weight bounds, as multiples of the mean weight
MICRODATA_FORMATS = ("csv", "xlsx", "sav", "dta")
INDICATOR_FORMATS = ("csv", "xlsx", "sdmx")
