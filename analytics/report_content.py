"""What a report says, in plain words: sections of headings, paragraphs, tables and charts.

The content is built once from the period's data and rendered as PDF or Markdown
(``report_render``). Every label is a name from ``analytics.labels`` or the flow file:
no question id, answer code or referral code reaches a reader. The last page says what
period and whom the figures cover, how many people answered, and how they were computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analytics import labels
from analytics.breakdowns import UNKNOWN
from analytics.codebook import AREAS, QUESTION_BY_ID
from analytics.directory import ReportScope
from analytics.report import (
    LIMITS,
    ReportInputs,
    completion,
    estimates_table,
    interview_minutes,
    item_nonresponse,
    overall_by,
    sample_composition,
)


@dataclass(frozen=True)
class Heading:
    """A section title."""

    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of plain text."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table of text cells with a header row."""

    columns: list[str]
    rows: list[list[str]]


@dataclass(frozen=True)
class Bars:
    """Horizontal bars, optionally with an interval each; None marks a suppressed value."""

    title: str
    labels: Sequence[str]
    values: Sequence[float | None]
    low: Sequence[float | None] | None = None
    high: Sequence[float | None] | None = None
    percent: bool = True


@dataclass(frozen=True)
class Lines:
    """One line per series over ordered points (e.g. weeks); None marks a gap."""

    title: str
    points: list[str]
    series: dict[str, list[float | None]]


@dataclass(frozen=True)
class PageBreak:
    """Start the next block on a new page (PDF)."""


Block = Heading | Paragraph | Table | Bars | Lines | PageBreak


@dataclass
class Document:
    """A report's title and blocks, in reading order."""

    title: str
    subtitle: str
    blocks: list[Block] = field(default_factory=list)


METHODS = (
    "Who counts: a person who answered at least one question in the period, once, with "
    "their latest answer to each question. Test and simulated interviews are left out.",
    "Share positive: of the people who gave a rating, the percentage who agreed or strongly "
    "agreed (for the overall question: satisfied or very satisfied). Each question has its "
    "own base: people who said they did not know, refused, or to whom it did not apply are "
    "left out of that base and counted apart.",
    "Average of the five: the simple mean of the five attribute percentages of a service, "
    "as the SDG 16.6.2 methodology defines it.",
    "Intervals: 95% confidence intervals (Wilson score intervals for percentages; the "
    "average's interval allows for the same people rating all five attributes).",
    "Small numbers: a figure based on fewer than {min_cell} ratings (or, when weighted, on "
    "an effective number of ratings below {min_neff:g}) is not shown, so that no one's "
    "answers can be singled out and no figure rests on too few people. Where a hidden "
    "figure could be worked out from a total and the figures beside it, enough of those "
    "are hidden too, with their numbers of ratings.",
    "The people who answered chose to; they are not a random sample of the population. "
    "The figures describe them, and follow change for a similar audience.",
)


def pct(value: float | None) -> str:
    """Return a percentage with one decimal, or a dash for a figure not shown."""
    return "-" if value is None or pd.isna(value) else f"{value:.1f}%"


def interval(low: float | None, high: float | None) -> str:
    """Return an interval as '52.1 to 63.0'."""
    if low is None or high is None or pd.isna(low) or pd.isna(high):
        return "-"
    return f"{low:.1f} to {high:.1f}"


def ratings(value: object) -> str:
    """Return a number of ratings, or a dash where it is hidden with a small figure."""
    return "-" if value is None or pd.isna(value) else f"{int(value):,}"  # type: ignore[call-overload]


def _value(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def question_name(question_id: str, lang: str) -> str:
    """Return a question as a reader knows it: 'Health care: Easy to reach', or its text."""
    question = QUESTION_BY_ID.get(question_id)
    if question is not None and question.attribute is not None:
        area = labels.area(question.service_area, lang)
        return f"{area}: {labels.attribute(question.attribute, lang)}"
    try:
        text = labels.question_text(question_id, lang)
    except KeyError:
        return "A question of an earlier questionnaire" if lang == "en" else "Potso e nngwe"
    return text if len(text) <= 70 else text[:67].rstrip() + "..."


def _area_blocks(table: pd.DataFrame, area: str, lang: str) -> list[Block]:
    rows = table[table["service_area"] == area]
    if rows["percent"].isna().all():
        return []  # nothing rated, or every figure too small to show
    names = [labels.attribute(a, lang) for a in rows["attribute"]]
    chart = Bars(
        f"{labels.area(area, lang)}: share positive, with 95% intervals",
        names,
        [_value(v) for v in rows["percent"]],
        [_value(v) for v in rows["ci_low"]],
        [_value(v) for v in rows["ci_high"]],
    )
    body = [
        [name, pct(r.percent), interval(r.ci_low, r.ci_high), ratings(r.n_valid)]
        for name, r in zip(names, rows.itertuples(index=False), strict=True)
    ]
    return [
        Heading(labels.area(area, lang), 3),
        chart,
        Table(["", "Share positive", "95% interval", "Ratings"], body),
    ]


def _summary(inputs: ReportInputs, table: pd.DataFrame, scope: ReportScope, lang: str) -> str:
    status, _ = completion(inputs.conversations)
    started = int(status["n"].sum())
    done = int(status.loc[status["status"] == "completed", "n"].sum())
    who = (
        "in the whole country"
        if scope.kind == "national"
        else f"through the links of {scope.title(lang)}"
    )
    parts = [f"{len(inputs.data):,} people answered {who}"]
    if started:
        parts[0] += f"; {done / started:.0%} of the {started:,} interviews started were finished"
    sentences = [parts[0] + "."]
    overall = table[table["estimate"] == "overall_satisfaction"]
    shown = overall.dropna(subset=["percent"])
    if not shown.empty:
        best = shown.sort_values("n_valid", ascending=False).iloc[0]
        sentences.append(
            f"Of those who rated {labels.area(best.service_area, lang).lower()}, "
            f"{best.percent:.1f}% were satisfied overall "
            f"(95% interval {interval(best.ci_low, best.ci_high)})."
        )
        attributes = table[
            (table["service_area"] == best.service_area) & (table["estimate"] == "attribute")
        ].dropna(subset=["percent"])
        if len(attributes) >= 2:
            high = attributes.loc[attributes["percent"].idxmax()]
            low = attributes.loc[attributes["percent"].idxmin()]
            sentences.append(
                f"Rated best: {labels.attribute(high.attribute, lang).lower()} "
                f"({high.percent:.1f}%); rated worst: "
                f"{labels.attribute(low.attribute, lang).lower()} ({low.percent:.1f}%)."
            )
    elif len(inputs.data):
        sentences.append("Too few people rated a service to give a figure this period.")
    if not inputs.topics.empty:
        top = inputs.topics.iloc[0]
        sentences.append(
            f"The improvement asked for most often: {labels.topic(top.topic, lang).lower()} "
            f"({int(top.answers):,} of {int(inputs.topics['answers'].sum()):,} coded answers)."
        )
    sentences.append(
        "These figures describe the people who chose to answer, not the whole population."
    )
    return " ".join(sentences)


def build_document(
    inputs: ReportInputs, scope: ReportScope, label: str, lang: str = "en"
) -> Document:
    """Return the report of a period for a department, a ministry or the country."""
    kind_word = "Weekly" if inputs.kind == "week" else "Monthly"
    period_name = labels.period_name(inputs.kind, label, lang)
    table = estimates_table(inputs)
    doc = Document(
        title=f"{kind_word} report: satisfaction with public services",
        subtitle=f"{scope.title(lang)}. {period_name}.",
    )
    add = doc.blocks.append
    add(Paragraph(_summary(inputs, table, scope, lang)))
    add(Heading("Headline estimates"))
    headline = table[table["estimate"] != "attribute"]
    headline_rows = [
        [
            labels.area(r.service_area, lang),
            labels.attribute(r.attribute, lang),
            pct(r.percent),
            interval(r.ci_low, r.ci_high),
            ratings(r.n_valid),
        ]
        for r in headline.itertuples(index=False)
    ]
    add(Table(["Service", "Estimate", "Percent", "95% interval", "Ratings"], headline_rows))
    overall = headline[headline["estimate"] == "overall_satisfaction"]
    add(
        Bars(
            "Satisfied overall, by service (95% intervals)",
            [labels.area(a, lang) for a in overall["service_area"]],
            [_value(v) for v in overall["percent"]],
            [_value(v) for v in overall["ci_low"]],
            [_value(v) for v in overall["ci_high"]],
        )
    )
    add(Heading("Each attribute of each service"))
    too_few = []
    for area in AREAS:
        blocks = _area_blocks(table, area, lang)
        if blocks:
            doc.blocks.extend(blocks)
        elif _rated(table[table["service_area"] == area]):
            too_few.append(labels.area(area, lang))
    if too_few:
        add(Paragraph(f"Too few ratings to show figures for: {', '.join(too_few)}."))
    if inputs.kind == "month":
        doc.blocks.extend(_trend_blocks(inputs, lang))
    if scope.kind != "department":
        doc.blocks.extend(_department_blocks(inputs, scope, lang))
    doc.blocks.extend(_composition_blocks(inputs, lang))
    doc.blocks.extend(_completion_blocks(inputs, lang))
    doc.blocks.extend(_topic_blocks(inputs, lang))
    doc.blocks.extend(_about_blocks(inputs, scope, label, lang))
    return doc


def _rated(rows: pd.DataFrame) -> bool:
    """Return whether anyone rated these rows' service, hidden or shown."""
    return bool(((rows["n_valid"].fillna(0) > 0) | rows["suppressed"]).any())


def _trend_blocks(inputs: ReportInputs, lang: str) -> list[Block]:
    trend = overall_by(inputs, "week")
    if trend.empty:
        return []
    weeks = list(dict.fromkeys(trend["category"]))
    series = {
        labels.area(area, lang): [
            _value(part.loc[part["category"] == week, "percent"].squeeze())
            if (part["category"] == week).any()
            else None
            for week in weeks
        ]
        for area, part in trend.groupby("service_area", sort=False)
    }
    names = [labels.category("week", w, lang) for w in weeks]
    rows = [
        [
            labels.area(r.service_area, lang),
            labels.category("week", r.category, lang),
            pct(r.percent),
            ratings(r.n_valid),
        ]
        for r in trend.itertuples(index=False)
    ]
    return [
        Heading("Satisfied overall, week by week"),
        Lines("Satisfied overall, week by week (%)", names, series),
        Table(["Service", "Week", "Satisfied overall", "Ratings"], rows),
    ]


def _department_blocks(inputs: ReportInputs, scope: ReportScope, lang: str) -> list[Block]:
    by_department = overall_by(inputs, "department")
    if by_department.empty:
        return []
    rows = [
        [
            labels.category("department", r.category, lang, scope.directory),
            labels.area(r.service_area, lang),
            pct(r.percent),
            ratings(r.n_valid),
        ]
        for r in by_department.itertuples(index=False)
        if pd.isna(r.n_valid) or r.n_valid > 0  # a hidden count hides a rated department
    ]
    return [
        Heading("Satisfied overall, by department"),
        Table(["Department", "Service", "Satisfied overall", "Ratings"], rows),
    ]


def _composition_blocks(inputs: ReportInputs, lang: str) -> list[Block]:
    composition = sample_composition(inputs)
    composition = composition[composition["category"].astype(str) != UNKNOWN]
    # Each share is among the people who gave a value for that question, as the
    # methodology counts every percentage; those who did not are counted apart.
    known = composition.groupby("dimension", sort=False)["respondents"].transform("sum")
    shares = 100 * composition["respondents"] / known.where(known > 0)
    rows, chart_labels, chart_values = [], [], []
    has_population = "population_share" in composition.columns
    for dimension, group in composition.groupby("dimension", sort=False):
        if dimension == "district":
            continue  # thirteen districts take a page; the dashboard shows them
        name = labels.dimension(str(dimension), lang)
        for r in group.itertuples():
            category = labels.category(str(dimension), str(r.category), lang)
            share = float(shares[r.Index])
            row = [name, category, pct(share)]
            if has_population:
                population = getattr(r, "population_share", np.nan)
                row.append("-" if pd.isna(population) else f"{100 * float(population):.1f}%")
            rows.append(row)
            if dimension in ("sex", "age_band", "urban_rural"):
                chart_labels.append(f"{name}: {category}")
                chart_values.append(share)
        unknown = len(inputs.data) - int(group["respondents"].sum())
        rows.append(
            [name, labels.pick(labels.UNKNOWN, lang), f"{unknown:,} not counted in the shares"]
            + (["-"] if has_population else [])
        )
    columns = ["", "Group", "Share of those who said"] + (["Population"] if has_population else [])
    return [
        Heading("Who answered"),
        Paragraph(
            "The share of each group among the respondents who told us their group; those "
            "who did not are counted on the row 'Not known' and left out of the shares. "
            "Groups that answer less often than others are under-represented in every "
            "figure of this report."
        ),
        Bars("Who answered (percent of those who said)", chart_labels, chart_values),
        Table(columns, rows),
    ]


def _completion_blocks(inputs: ReportInputs, lang: str) -> list[Block]:
    status, breaks = completion(inputs.conversations)
    minutes = interview_minutes(inputs.conversations)
    blocks: list[Block] = [
        Heading("Completion and break-off"),
        Table(
            ["What happened", "Interviews", "Percent"],
            [
                [labels.outcome(r.status, lang), f"{int(r.n):,}", f"{r.percent:.1f}%"]
                for r in status.itertuples(index=False)
            ],
        ),
    ]
    if not breaks.empty:
        top = breaks.head(10)
        names = [
            "Before the first question" if q.startswith("(") else question_name(q, lang)
            for q in top["question"]
        ]
        stops = [float(n) for n in top["break-offs"]]
        blocks.append(Bars("Where unfinished interviews stopped", names, stops, percent=False))
    nonresponse = item_nonresponse(inputs.data)
    asked = nonresponse[nonresponse["reached"] > 0]
    blocks += [
        Heading("Item non-response"),
        Paragraph(
            "Of the people asked each rating question, how many did not know, refused or gave "
            "no usable answer. Questions that did not apply to someone are not counted."
        ),
        Table(
            ["Question", "Asked", "Did not know", "Refused", "No answer", "Non-response"],
            [
                [
                    question_name(r["question"], lang),
                    f"{int(r['reached'] - r['NA']):,}",
                    f"{int(r['DK']):,}",
                    f"{int(r['RA']):,}",
                    f"{int(r['no answer']):,}",
                    pct(r["non-response %"]),
                ]
                for r in asked.to_dict("records")
            ],
        ),
        Heading("Interview length"),
        Paragraph(
            f"Finished interviews: {minutes['completed']:,}. Half took less than "
            f"{minutes['median']:.1f} minutes; the middle half took between "
            f"{minutes['q1']:.1f} and {minutes['q3']:.1f} minutes."
            if minutes["completed"]
            else "No interview was finished in this period."
        ),
    ]
    return blocks


def _topic_blocks(inputs: ReportInputs, lang: str) -> list[Block]:
    blocks: list[Block] = [Heading("What people asked to improve")]
    if inputs.topics.empty:
        return [*blocks, Paragraph("No improvement answer was coded in this period.")]
    names = [labels.topic(t, lang) for t in inputs.topics["topic"]]
    counts = [float(c) for c in inputs.topics["answers"]]
    return [
        *blocks,
        Paragraph(
            "The last question asks what one thing would most improve the services; "
            "each answer is coded with one topic."
        ),
        Bars("Improvement topics (answers)", names, counts, percent=False),
        Table(["Topic", "Answers"], [[n, f"{c:,.0f}"] for n, c in zip(names, counts, strict=True)]),
    ]


def _about_blocks(inputs: ReportInputs, scope: ReportScope, label: str, lang: str) -> list[Block]:
    status, _ = completion(inputs.conversations)
    versions = sorted({v.split("@", 1)[-1] for v in inputs.data.flow_versions})
    weighting = (
        " ".join(inputs.raking.lines())
        if inputs.raking is not None
        else "None: every respondent counts the same."
    )
    rows = [
        [
            "Period",
            f"{labels.period_name(inputs.kind, label, lang)}; "
            f"{labels.period_days(inputs.data.period, lang)} (UTC)",
        ],
        ["Covers", scope.title(lang)],
        ["People who answered", f"{len(inputs.data):,}"],
        ["Interviews started", f"{int(status['n'].sum()):,}"],
        ["Questionnaire version", ", ".join(versions) or "unknown"],
        ["Weighting", weighting],
        ["Smallest figure shown", f"{inputs.rule.min_cell} ratings"],
    ]
    return [
        PageBreak(),
        Heading("About these figures"),
        Table(["", ""], rows),
        Heading("Methods", 3),
        *[
            Paragraph(text.format(min_cell=inputs.rule.min_cell, min_neff=inputs.rule.min_neff))
            for text in METHODS
        ],
        Heading("What this sample can and cannot tell", 3),
        Paragraph(LIMITS.replace("**", "")),
    ]
