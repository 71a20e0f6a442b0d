"""Downloads: the indicator table, microdata and codebook, as the command line writes them.

Each file is written by the same analytics function as its command, into a private temporary
folder, then streamed in chunks and deleted. A viewer downloads their department's indicator
table; microdata (one row per answer or per person) are for analysts and admins only.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Response, abort, current_app, g, render_template, request
from flask_login import current_user

from analytics import defaults
from analytics.errors import AnalyticsError
from bot.clock import utcnow
from bot.dashboard.access import OutOfScope
from bot.dashboard.blueprint import ANYONE, blueprint, requires
from bot.dashboard.pages import filters_from_request, period_choices, reader
from bot.dashboard.snapshots import period_of

CHUNK = 256 * 1024
MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sdmx": "text/csv",
    "sav": "application/x-spss-sav",
    "dta": "application/x-stata-dta",
}


def _stream(folder: Path, path: Path) -> Iterator[bytes]:
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _send(folder: Path, path: Path, fmt: str) -> Response:
    return Response(
        _stream(folder, path),
        mimetype=MIMETYPES.get(fmt, "application/octet-stream"),
        headers={
            "Content-Disposition": f'attachment; filename="{path.name}"',
            "Content-Length": str(path.stat().st_size),
        },
    )


def _fail(folder: Path, error: AnalyticsError) -> Any:
    shutil.rmtree(folder, ignore_errors=True)
    return render_template("dashboard/error.html", message=str(error)), 422


def _say(_line: str) -> None:
    """Progress lines of the commands have nowhere to go in a download."""


@blueprint.get("/downloads")
@requires(*ANYONE)
def downloads() -> Any:
    """The download forms."""
    today = utcnow().date()
    scoped = reader()
    return render_template(
        "dashboard/downloads.html",
        periods=period_choices(today),
        departments=scoped.departments(g.lang),
        national=scoped.scope.national,
        analyst=current_user.role in ("admin", "analyst"),
        indicator_formats=defaults.INDICATOR_FORMATS,
        microdata_formats=defaults.MICRODATA_FORMATS,
    )


@blueprint.get("/downloads/indicators")
@requires(*ANYONE)
def indicators() -> Any:
    """The indicator table of a period for a department in scope (or all, for analysts)."""
    from analytics import tasks

    fmt = request.args.get("format", "csv")
    if fmt not in defaults.INDICATOR_FORMATS:
        abort(404)
    filters = filters_from_request(utcnow().date())
    try:
        department = reader().single_department(filters.department)
    except OutOfScope:
        abort(404)
    folder = Path(tempfile.mkdtemp(prefix="export-"))
    suffix = "csv" if fmt == "sdmx" else fmt
    path = folder / f"indicators-{filters.label}-{department or 'all'}.{suffix}"
    try:
        tasks.write_indicators(
            lambda: current_app.extensions["db_engine"],
            path,
            fmt,
            period_of(filters.kind, filters.label),
            (),
            department,
            None,
            defaults.TRIM,
            defaults.MIN_CELL,
            defaults.LEVEL,
            filters.include_test,
            None,
            _say,
        )
    except AnalyticsError as error:
        return _fail(folder, error)
    return _send(folder, path, fmt)


@blueprint.get("/downloads/microdata")
@requires("admin", "analyst")
def microdata() -> Any:
    """Pseudonymous microdata of a period, long or wide, or only its codebook."""
    from analytics import tasks

    fmt = request.args.get("format", "csv")
    if fmt not in defaults.MICRODATA_FORMATS:
        abort(404)
    filters = filters_from_request(utcnow().date())
    if filters.department is not None:
        abort(404)  # microdata cover every department; the files carry the department column
    wide = request.args.get("wide") == "1"
    folder = Path(tempfile.mkdtemp(prefix="export-"))
    path = folder / f"microdata-{'wide' if wide else 'long'}-{filters.label}.{fmt}"
    try:
        tasks.write_microdata(
            lambda: current_app.extensions["db_engine"],
            path,
            fmt,
            wide,
            period_of(filters.kind, filters.label),
            None,
            defaults.TRIM,
            filters.include_test,
            None,
            _say,
        )
    except AnalyticsError as error:
        return _fail(folder, error)
    if request.args.get("codebook") == "1":
        if fmt == "xlsx":
            abort(404)  # the workbook carries its codebook as a sheet
        codebook = path.with_name(path.stem + ".codebook.csv")
        path.unlink()
        return _send(folder, codebook, "csv")
    for extra in folder.glob("*.codebook.csv"):
        extra.unlink()
    return _send(folder, path, fmt)
