"""The errors of the analytics package, one small hierarchy.

``AnalyticsError`` is the base: the command line turns any of them into a one-line message
that says what to do, with exit status 1, and leaves no partial output file behind.

- ``NoDataError``: the period (or filter) holds no answers to estimate from or export.
- ``InputError``: an input file (exported answers CSV, margins CSV) is unreadable or malformed.
- ``BreakdownError``: a requested breakdown names an unknown dimension.
- ``WeightingError``: the population margins cannot be matched by the sample (a category
  with population but no respondents, totals that disagree) or raking did not converge.
- ``DatabaseError``: the database cannot be reached, or stopped answering during a read.
"""

from __future__ import annotations


class AnalyticsError(Exception):
    """Base of every error this package raises on purpose."""


class NoDataError(AnalyticsError):
    """Nothing to estimate or export for the requested period and filters."""


class InputError(AnalyticsError):
    """An input file is missing columns or holds values outside the data contract."""


class BreakdownError(AnalyticsError):
    """A breakdown names a dimension that the respondent table does not have."""


class WeightingError(AnalyticsError):
    """Raking to the population margins is impossible or did not converge."""


class DatabaseError(AnalyticsError):
    """The database cannot be reached, or it stopped answering while it was read."""


def database_unavailable(error: BaseException) -> DatabaseError:
    """Return the message for a driver's error: what happened and what to do next."""
    lines = str(error).strip().splitlines()
    said = lines[0] if lines else type(error).__name__
    return DatabaseError(
        f"the database could not be read ({said}); nothing was written. Check that it is "
        "running and that DATABASE_URL names it, then run the command again"
    )
