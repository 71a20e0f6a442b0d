"""The errors of the analytics package, one small hierarchy.

``AnalyticsError`` is the base: the command line turns any of them into a one-line message
that says what to do, with exit status 1, and leaves no partial output file behind.

- ``NoDataError``: the period (or filter) holds no answers to estimate from or export.
- ``InputError``: an input file (exported answers CSV, margins CSV) is unreadable or malformed.
- ``BreakdownError``: a requested breakdown names an unknown dimension.
- ``WeightingError``: the population margins cannot be matched by the sample (a category
  with population but no respondents, totals that disagree) or raking did not converge.
- ``DatabaseError``: the database cannot be reached, or stopped answering during a read.
- ``OutputError``: the output file cannot be written (a full disk, a read-only place).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

# What a file system says when it has no room, and when it refuses any more data: always
# about the file being written.
NO_ROOM = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
REFUSED_WRITES = NO_ROOM | {errno.EROFS}


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


class RecordsOutOfStep(AnalyticsError):
    """The interview records no longer say what the answers say (changed by hand, say)."""


OUT_OF_STEP = (
    "the interview records are out of step with the answers, so nothing was written. "
    "Rebuild them with `flask --app wsgi analytics rebuild-records`, then run the command again"
)


def database_unavailable(error: BaseException) -> DatabaseError:
    """Return the message for a driver's error: what happened and what to do next."""
    lines = str(error).strip().splitlines()
    said = lines[0] if lines else type(error).__name__
    return DatabaseError(
        f"the database could not be read ({said}); nothing was written. Check that it is "
        "running and that DATABASE_URL names it, then run the command again"
    )


class OutputError(AnalyticsError):
    """The output file cannot be written where it was asked for."""


FREE_SPACE = "Free some space there, or give a path on another disk"


def cannot_write(path: Path, error: OSError) -> OutputError:
    """Return the message for a file system that refused the output: what and what to do."""
    reason = os.strerror(error.errno) if error.errno else str(error)
    if error.filename and Path(error.filename) != path:  # a folder on the way, say
        reason += f": {error.filename}"
    if error.errno in NO_ROOM:
        return output_error(path, reason, FREE_SPACE)
    return output_error(path, reason, "Give a path that you may write to")


def scratch_refused(path: Path, error: OSError, folder: str, use: str) -> OutputError:
    """Return the message for a writer whose scratch files in ``folder`` were refused.

    The output path is not at fault there, so the advice is about the folder: the system's
    temporary folder follows TMPDIR.
    """
    reason = f"{os.strerror(error.errno) if error.errno else error} in {folder}, where {use}"
    if error.errno in NO_ROOM:
        advice = "Free some space there, or set TMPDIR to a folder on another disk"
    else:
        advice = "Set TMPDIR to a folder that you may write to"
    return output_error(path, reason, advice)


def output_error(path: Path, reason: str, advice: str) -> OutputError:
    """Return the message for an output file that could not be written, and what to do."""
    return OutputError(
        f"could not write {path} ({reason}); nothing was written. {advice}, then run the "
        "command again"
    )
