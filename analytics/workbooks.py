"""Excel workbooks written whole or not at all, with one message when a disk refuses.

openpyxl's write-only workbooks build each sheet in a file of the system's temporary folder,
then copy the sheets into the archive when the workbook is saved. When a write fails there
(the temporary folder full, or the output's disk), openpyxl leaves the sheets' files, their
writers and the archive open. Collected later, they fail again, and Python prints their
tracebacks after the message the analyst should read, and the sheets' files stay behind in
the temporary folder. ``saved_workbook`` closes and removes all of it at once, quietly, and
names the place that refused the write.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from analytics.errors import REFUSED_WRITES, scratch_refused
from analytics.export import atomic_output


@contextmanager
def saved_workbook(path: Path) -> Iterator[Workbook]:
    """Yield a write-only workbook, saved to ``path`` when the block succeeds.

    A refusal while the sheets are built names the temporary folder (``TMPDIR`` moves it);
    one while the file is saved names ``path``.
    """
    workbook = Workbook(write_only=True)
    try:
        with _scratch_refusals(path):
            yield workbook
            for sheet in workbook.worksheets:  # their last lines go to the temporary folder
                sheet.close()
        with atomic_output(path) as temporary:
            archive = ZipFile(temporary, "w", ZIP_DEFLATED, allowZip64=True)
            try:
                ExcelWriter(workbook, archive).save()
            finally:
                with suppress(OSError):  # closed already unless the save failed
                    archive.close()
    except BaseException:
        _discard(workbook)
        raise


@contextmanager
def _scratch_refusals(path: Path) -> Iterator[None]:
    folder = tempfile.gettempdir()
    try:
        yield
    except OSError as error:
        refused = error.errno in REFUSED_WRITES  # a write says no more, and names no file
        if not refused and not _inside(error.filename, folder):
            raise
        raise scratch_refused(path, error, folder, "sheets are built") from error


def _inside(filename: object, folder: str) -> bool:
    return isinstance(filename, str) and Path(filename).is_relative_to(folder)


def _discard(workbook: Workbook) -> None:
    """Close each sheet's writer and remove its file, whatever state a failure left."""
    for sheet in workbook.worksheets:
        with suppress(Exception):
            if not sheet.closed:
                sheet.close()
        # openpyxl keeps a write-only sheet's writer here; it has no public handle.
        writer = getattr(sheet, "_writer", None)
        if writer is not None:
            with suppress(Exception):
                writer.close()
            with suppress(Exception):
                writer.cleanup()
