"""Reports in the dashboard: listed and downloaded within the viewer's scope, built on demand."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import StringField

from analytics import labels
from bot.clock import utcnow
from bot.dashboard.access import OutOfScope, ScopedReader
from bot.dashboard.blueprint import ANYONE, blueprint, choice_name, requires
from bot.dashboard.pages import period_choices, reader
from bot.dashboard.text import t


class BuildForm(FlaskForm):  # type: ignore[misc]
    """Which period and whose report to build now."""

    period = StringField("period")
    department = StringField("department")


def _choices(scoped: ScopedReader) -> dict[str, list[tuple[str, str]]]:
    departments = [(d.code, choice_name(d)) for d in scoped.departments(g.lang)]
    if scoped.scope.national:
        departments.insert(0, ("", scoped.directory.title("national", "", g.lang)))
    return {"periods": period_choices(utcnow().date()), "departments": departments}


@blueprint.get("/reports")
@requires(*ANYONE)
def reports() -> Any:
    """List the reports the viewer may read."""
    scoped = reader()
    rows = [
        (
            r,
            labels.period_name(r.frequency, r.period_label, g.lang),
            scoped.directory.title(r.scope_kind, r.scope_value, g.lang),
        )
        for r in scoped.reports()
    ]
    return render_template("dashboard/reports.html", rows=rows, **_choices(scoped))


@blueprint.get("/reports/<int:report_id>.pdf")
@requires(*ANYONE)
def report_pdf(report_id: int) -> Any:
    """Download a report's PDF."""
    try:
        report, pdf = reader().report_pdf(report_id)
    except OutOfScope:
        abort(404)
    name = f"report-{report.period_label}-{report.scope_value or 'national'}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@blueprint.post("/reports/build")
@requires(*ANYONE)
def build_report() -> Any:
    """Build (or find) the report of a period for a department in scope, or the country."""
    from bot.report_schedule import build_report as build

    scoped = reader()
    form = BuildForm()
    if not form.validate_on_submit() or form.period.data not in dict(_choices(scoped)["periods"]):
        abort(400)
    department = form.department.data or None
    try:
        scoped.view(department)
    except OutOfScope:
        abort(404)
    if department is None and not scoped.scope.national:
        abort(404)
    label = form.period.data
    kind = "week" if "W" in label else "month"
    report = build(
        current_app.extensions["db_engine"],
        current_app.extensions["writer_sessions"],
        kind,
        label,
        "department" if department else "national",
        department or "",
        "en",  # reports are written in English for now
        include_test=request.form.get("test") == "1",
    )
    flash(t("saved") if report.status == "ready" else (report.error or t("no_data")))
    return redirect(url_for("dashboard.reports"))
