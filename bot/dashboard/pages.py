"""The pages of figures: the overview, one service area, and the comments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from flask import abort, current_app, g, render_template, request
from flask_login import current_user

from analytics import defaults, labels
from analytics.codebook import AREAS, ATTRIBUTES, rating_questions
from analytics.errors import InputError
from analytics.periods import parse_period, period_label, recent_periods
from bot.clock import utcnow
from bot.dashboard import charts
from bot.dashboard.access import Filters, OutOfScope, ScopedReader, reader_for
from bot.dashboard.blueprint import ANYONE, blueprint, directory, requires
from bot.dashboard.text import t

BREAKDOWNS = ("sex", "age_band", "urban_rural", "income_band", "disability")


def reader() -> ScopedReader:
    """Return the reads the signed-in person may make."""
    return reader_for(
        current_user.as_user(),
        current_app.extensions["dashboard_snapshots"],
        current_app.extensions["sessions"],
        directory(),
    )


def filters_from_request(today: date) -> Filters:
    """Return the period, department and test-data choice the page was asked for."""
    text = request.args.get("period") or period_label("week", parse_period("week", today)[1])
    try:
        kind, _ = parse_period(text, today)
    except InputError:
        abort(404)
    if text in ("week", "month"):
        abort(404)
    department = request.args.get("department") or None
    return Filters(kind, text, department, request.args.get("test") == "1")


@dataclass(frozen=True)
class Row:
    """One line of a figures table, ready to print."""

    label: str
    percent: str
    interval: str
    n: str
    value: float | None
    low: float | None
    high: float | None


def _number(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _count(value: Any, suppressed: bool) -> str:
    """Return a number of ratings; a suppressed cell's is hidden with its figure."""
    if pd.isna(value):
        return "-" if suppressed else "0"
    return f"{int(value):,}"


def rows_of(table: pd.DataFrame, label_of: Any) -> list[Row]:
    """Return table rows as printable rows, with a suppressed figure shown as such."""
    rows = []
    for record in table.itertuples(index=False):
        value = _number(record.percent)
        rows.append(
            Row(
                label_of(record),
                "-" if value is None else f"{value:.1f}%",
                "-" if value is None else f"{record.ci_low:.1f} - {record.ci_high:.1f}",
                _count(record.n_valid, record.suppressed),
                value,
                _number(record.ci_low),
                _number(record.ci_high),
            )
        )
    return rows


def bars(rows: list[Row]) -> list[charts.Bar]:
    """Return chart bars for printable rows."""
    return [charts.Bar(r.label, r.value, r.low, r.high) for r in rows]


def period_choices(today: date) -> list[tuple[str, str]]:
    """Return the periods a viewer can pick: recent weeks, then recent months."""
    choices = []
    for kind, count in (("week", 8), ("month", 6)):
        for period in reversed(recent_periods(kind, today, count)):
            label = period_label(kind, period)
            name = labels.period_name(kind, label, g.lang)
            if period.end is not None and period.end >= today:
                name += " (" + t("this_week" if kind == "week" else "this_month") + ")"
            choices.append((label, name))
    return choices


def _context(scoped: ScopedReader, filters: Filters, today: date) -> dict[str, Any]:
    return {
        "filters": filters,
        "periods": period_choices(today),
        "departments": scoped.departments(g.lang, filters),
        "national": scoped.scope.national,
        "min_cell": defaults.MIN_CELL,
        "period_name": labels.period_name(filters.kind, filters.label, g.lang),
        "shown_department": (
            scoped.directory.name(filters.department, g.lang)
            if filters.department
            else (t("all_departments") if scoped.scope.national else None)
        ),
    }


@blueprint.get("/")
@requires(*ANYONE)
def overview() -> Any:
    """The figures of a period: people who answered, and each service's satisfaction."""
    today = utcnow().date()
    filters = filters_from_request(today)
    scoped = reader()
    try:
        figures = scoped.figures(filters)
        built_at = scoped.period_data(filters).built_at
    except OutOfScope:
        abort(404)
    lang = g.lang
    areas = []
    table = figures.table
    for area in AREAS:
        if table.empty:
            break
        part = table[(table["service_area"] == area) & (table["dimension"] == "total")]
        if not ((part["n_valid"].fillna(0) > 0) | part["suppressed"]).any():
            continue  # nobody rated this service (a suppressed cell has ratings)
        headline = part[part["estimate"] != "attribute"]
        areas.append((area, rows_of(headline, lambda r: labels.attribute(r.attribute, lang))))
    overall = [Row(labels.area(area, lang), *_pick(rows, -1)) for area, rows in areas]
    chart = charts.bar_chart(
        "overall",
        t("overall_title"),
        t("attributes_desc"),
        bars(overall),
        t("suppressed"),
    )
    return render_template(
        "dashboard/overview.html",
        figures=figures,
        areas=areas,
        overall=overall,
        chart=chart,
        built_at=built_at,
        **_context(scoped, filters, today),
    )


def _pick(rows: list[Row], position: int) -> tuple[Any, ...]:
    row = rows[position]
    return (row.percent, row.interval, row.n, row.value, row.low, row.high)


@blueprint.get("/area/<area>")
@requires(*ANYONE)
def area_page(area: str) -> Any:
    """One service: each attribute, the trend by week and by month, and the breakdowns."""
    if area not in AREAS:
        abort(404)
    today = utcnow().date()
    filters = filters_from_request(today)
    scoped = reader()
    lang = g.lang
    try:
        figures = scoped.figures(filters)
        weekly = list(scoped.trend(filters, "week", today))
        monthly = list(scoped.trend(filters, "month", today))
    except OutOfScope:
        abort(404)
    table = figures.table
    name = labels.area(area, lang)
    attributes: list[Row] = []
    groups: list[tuple[str, str, list[Row], Any]] = []
    questions = []
    if not table.empty:
        national = table[(table["service_area"] == area) & (table["dimension"] == "total")]
        attributes = rows_of(national, lambda r: labels.attribute(r.attribute, lang))
        for dimension in BREAKDOWNS:
            part = table[
                (table["service_area"] == area)
                & (table["dimension"] == dimension)
                & (table["estimate"] == "overall_satisfaction")
            ]
            group_rows = rows_of(part, lambda r, d=dimension: labels.category(d, r.category, lang))
            title = f"{t('breakdowns')}: {labels.dimension(dimension, lang)}"
            groups.append(
                (
                    dimension,
                    labels.dimension(dimension, lang),
                    group_rows,
                    charts.bar_chart(
                        f"by-{dimension}", title, title, bars(group_rows), t("suppressed")
                    ),
                )
            )
        questions = [
            (labels.attribute(attribute, lang), labels.question_text(qid, lang))
            for attribute, qid in zip(
                [*ATTRIBUTES[area], "overall"], rating_questions(area), strict=True
            )
        ]
    trends = []
    for kind, series in (("week", weekly), ("month", monthly)):
        points: list[tuple[str, float | None, float | None, float | None]] = []
        rows: list[Row] = []
        for label, part in series:
            chosen = (
                part[(part["service_area"] == area) & (part["estimate"] == "overall_satisfaction")]
                if not part.empty
                else part
            )
            short = label[-3:] if kind == "week" else labels.month_name(label, lang)[:3]
            if chosen.empty:
                points.append((short, None, None, None))
                rows.append(
                    Row(labels.period_name(kind, label, lang), "-", "-", "0", None, None, None)
                )
                continue
            row = rows_of(chosen, lambda r, k=kind, lab=label: labels.period_name(k, lab, lang))[0]
            points.append((short, row.value, row.low, row.high))
            rows.append(row)
        title = t("trend_week" if kind == "week" else "trend_month") + f": {name}"
        trends.append(
            (kind, title, rows, charts.line_chart(f"trend-{kind}", title, t("trend_desc"), points))
        )
    chart = charts.bar_chart(
        "attributes",
        t("attributes_title", area=name),
        t("attributes_desc"),
        bars(attributes),
        t("suppressed"),
    )
    return render_template(
        "dashboard/area.html",
        area=area,
        area_name=name,
        figures=figures,
        attributes=attributes,
        chart=chart,
        trends=trends,
        groups=groups,
        questions=questions,
        **_context(scoped, filters, today),
    )


@blueprint.get("/comments")
@requires(*ANYONE)
def comments() -> Any:
    """The coded improvement topics of a period, with a few masked example comments."""
    today = utcnow().date()
    filters = filters_from_request(today)
    scoped = reader()
    try:
        topics = scoped.topics(filters)
        examples = scoped.comments(filters)
    except OutOfScope:
        abort(404)
    lang = g.lang
    items = [
        (labels.topic(r.topic, lang), int(r.answers), examples.get(r.topic, []))
        for r in topics.itertuples(index=False)
    ]
    chart = charts.bar_chart(
        "topics",
        t("topics"),
        t("topics"),
        [charts.Bar(name, float(count)) for name, count, _ in items],
        t("suppressed"),
        percent=False,
    )
    return render_template(
        "dashboard/comments.html", items=items, chart=chart, **_context(scoped, filters, today)
    )
