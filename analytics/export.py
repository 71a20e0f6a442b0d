"""Writers of the indicator table (CSV, Excel with a methods sheet) and safe output files."""

from __future__ import annotations

import glob
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analytics.errors import REFUSED_WRITES, cannot_write

if TYPE_CHECKING:
    from openpyxl.cell import WriteOnlyCell

METHODS_TEXT = (
    "Share positive: percent of valid answers coded 3 (strongly agree / very satisfied) or 2 "
    "(agree / satisfied). Each question has its own denominator; codes 97 (NA), 98 (DK), "
    "99 (RA) and unanswered items (given up) are excluded and counted in n_na, n_dk, n_ra, "
    "n_no_answer.",
    "Attribute average: simple mean of the five attribute shares; n_valid is the smallest "
    "of the five denominators.",
    "Overall satisfaction: percent of valid answers to the overall question coded 3 or 2.",
    "Unweighted intervals: Wilson score interval for shares; the attribute average uses the "
    "linearised variance of the mean of five ratios with a logit-scale Student t interval.",
    "Weighted intervals: Taylor linearisation of the ratio estimator, respondents as primary "
    "sampling units drawn with replacement, logit-scale Student t interval (n - 1 degrees of "
    "freedom); Wilson on Kish's effective sample size where a share is 0 or 100.",
    "Suppression: a cell with fewer valid answers than the minimum cell size, or a weighted "
    "cell whose Kish effective sample size (sum of weights squared over sum of squared "
    "weights) is below the minimum effective size, is blanked whole: percent, interval, "
    "standard error, method and every count (suppressed = True). Further cells of the same "
    "breakdown (or the national row) are blanked with it until no blanked cell can be worked "
    "out by subtracting published counts from totals; an attribute average is blanked when "
    "one of its attributes is. A cell with no valid answer is published empty, without an "
    "interval method.",
    "The sample is self-selected (Messenger), not a probability sample: weighting corrects "
    "the margins used, not other differences between respondents and the population.",
)


@contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path that replaces ``path`` only when the block succeeds.

    A place that cannot take the file (not allowed, read-only, full) is an ``OutputError``
    that names it, whichever writer found out. The temporary name carries the writer's
    process id, so that the partial file of a writer killed outright (``kill -9``, the
    machine's memory killer), which nothing could remove then, is removed by the next
    write of the same file.
    """
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_orphans(target)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", dir=target.parent)
    except OSError as error:
        raise cannot_write(target, error) from error
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        # mkstemp makes the file private; give it the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        temporary.chmod(0o666 & ~umask)
        temporary.replace(target)
    except OSError as error:
        if error.errno not in REFUSED_WRITES:
            raise
        raise cannot_write(target, error) from error
    finally:
        temporary.unlink(missing_ok=True)


_PARTIAL = re.compile(r"(\d+)\.\w+")  # after ".NAME.": the writer's process id, then mkstemp's


def _remove_orphans(target: Path) -> None:
    """Remove the partial files of earlier writes of ``target`` whose process is gone."""
    for partial in target.parent.glob(f".{glob.escape(target.name)}.*.*"):
        # mkstemp's random part has no dot: ".people.2026.csv.81.x" is another file's
        ours = _PARTIAL.fullmatch(partial.name[len(target.name) + 2 :])
        if ours and not _running(int(ours[1])):
            partial.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def write_indicators_csv(tables: Iterable[pd.DataFrame], path: str | Path) -> int:
    """Write indicator tables one after another to a CSV file; return the number of rows."""
    rows = 0
    with atomic_output(path) as temporary, temporary.open("w", newline="") as handle:
        for table in tables:
            table.to_csv(handle, index=False, header=rows == 0)
            rows += len(table)
    return rows


def write_indicators_xlsx(
    tables: Iterable[pd.DataFrame], about: list[tuple[str, str]], path: str | Path
) -> int:
    """Write indicator tables and an ``about`` sheet (period, versions, methods) to Excel."""
    # Imported here: a CSV table does not wait for openpyxl.
    from analytics.workbooks import saved_workbook

    rows = 0
    with saved_workbook(Path(path)) as workbook:
        sheet = workbook.create_sheet("indicators")
        for table in tables:
            if rows == 0:
                sheet.append(_bold(sheet, list(table.columns)))
            for record in table.itertuples(index=False):
                sheet.append([None if pd.isna(value) else value for value in record])
            rows += len(table)
        notes = workbook.create_sheet("about")
        notes.append(_bold(notes, ["item", "description"]))
        for key, text in about:
            notes.append([key, text])
    return rows


def _bold(sheet: object, values: list[str]) -> list[WriteOnlyCell]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells
