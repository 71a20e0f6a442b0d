"""The weekly or monthly report for line managers: Markdown with PNG charts.

It shows the headline estimates, who answered compared with the population, where people
stopped, which items went unanswered, how long interviews took and what people asked to
improve, and says plainly what a self-selected sample can and cannot support.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analytics.breakdowns import cells, group
from analytics.codebook import (
    AREAS,
    DIMENSIONS,
    NO_ANSWER,
    NOT_ASKED,
    SUBSTANTIVE,
    rating_questions,
)
from analytics.estimates import area_table, suppress
from analytics.export import atomic_output
from analytics.load import Period
from analytics.tidy import SurveyData
from analytics.weights import RakingReport, margin_comparison

LIMITS = (
    "This survey reaches people who chose to answer on Messenger; it is not a probability "
    "sample. It **can** show how satisfaction differs between services, attributes, "
    "departments and weeks among the people who answered, track change over time for a "
    "similar audience, and point to concrete problems (break-off points, improvement "
    "topics). It **cannot** by itself estimate the satisfaction of the whole population: "
    "people without Facebook or a smartphone, with less schooling, older or rural people "
    "are likely under-represented, and those who answer may be more (or less) satisfied "
    "than those who do not. Weighting to population margins corrects the shares of the "
    "groups weighted on, not differences within them. Confidence intervals describe "
    "sampling noise only, assuming the weighted sample were a random one; they do not "
    "cover self-selection bias. Official SDG 16.6.2 figures require a probability sample."
)


@dataclass(frozen=True)
class ReportInputs:
    """What the report is built from: the period's data and its paradata."""

    data: SurveyData
    conversations: pd.DataFrame
    topics: pd.DataFrame
    kind: str  # week or month
    margins: pd.DataFrame | None = None
    weights: np.ndarray | None = None
    raking: RakingReport | None = None
    min_cell: int = 30


def _markdown(frame: pd.DataFrame, digits: int = 1) -> str:
    if frame.empty:
        return "_None in this period._"
    shown = frame.copy()
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.{digits}f}")
    header = "| " + " | ".join(map(str, shown.columns)) + " |"
    rule = "|" + "|".join("---" for _ in shown.columns) + "|"
    body = [
        "| " + " | ".join("" if pd.isna(v) else str(v) for v in row) + " |"
        for row in shown.itertuples(index=False)
    ]
    return "\n".join([header, rule, *body])


def _save(figure: Figure, path: Path) -> str:
    # Draw with the Agg canvas directly: no pyplot, no display, safe in a web or worker process.
    canvas = FigureCanvasAgg(figure)
    figure.tight_layout()
    with atomic_output(path) as temporary, temporary.open("wb") as handle:
        canvas.print_png(handle)
    return path.name


def headline(inputs: ReportInputs) -> pd.DataFrame:
    """Return the attribute average and overall satisfaction of each area, nationally."""
    rows = []
    national = group(inputs.data.respondents, [])
    for area in AREAS:
        table = suppress(area_table(inputs.data, area, national, inputs.weights), inputs.min_cell)
        table = table[table["weighted"] == (inputs.weights is not None)]
        for record in table[table["estimate"] != "attribute"].itertuples(index=False):
            rows.append(
                {
                    "service": area.replace("_", " "),
                    "estimate": record.estimate.replace("_", " "),
                    "percent": record.percent,
                    "95% interval": ""
                    if pd.isna(record.ci_low)
                    else f"{record.ci_low:.1f}-{record.ci_high:.1f}",
                    "valid answers": record.n_valid,
                }
            )
    return pd.DataFrame(rows)


def overall_by(inputs: ReportInputs, dimension: str) -> pd.DataFrame:
    """Return overall satisfaction per area and category of one breakdown dimension."""
    frames = []
    groupings = group(inputs.data.respondents, [(dimension,)])[1:]
    for area in AREAS:
        table = suppress(area_table(inputs.data, area, groupings, inputs.weights), inputs.min_cell)
        chosen = table[
            (table["dimension"] == dimension)
            & (table["estimate"] == "overall_satisfaction")
            & (table["weighted"] == (inputs.weights is not None))
        ]
        frames.append(chosen[["service_area", "category", "percent", "n_valid"]])
    return pd.concat(frames, ignore_index=True)


def completion(conversations: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return conversations by status and the questions where unfinished ones stopped."""
    status = conversations["status"].value_counts().rename_axis("status").reset_index(name="n")
    status["percent"] = 100 * status["n"] / max(status["n"].sum(), 1)
    stopped = conversations[conversations["status"].isin(["expired", "stopped"])]
    breaks = (
        stopped["current_question"]
        .fillna("(before the first question)")
        .value_counts()
        .rename_axis("question")
        .reset_index(name="break-offs")
    )
    breaks["percent of started"] = 100 * breaks["break-offs"] / max(len(conversations), 1)
    return status, breaks


def item_nonresponse(data: SurveyData) -> pd.DataFrame:
    """Return, per rating question, who reached it and how many gave no usable answer."""
    rows = []
    for area in AREAS:
        questions = rating_questions(area)
        codes = data.question_codes(questions)
        for position, qid in enumerate(questions):
            column = codes[:, position]
            reached = int((column != NOT_ASKED).sum())
            dk, ra = int((column == 98).sum()), int((column == 99).sum())
            no_answer = int((column == NO_ANSWER).sum())
            na = int((column == 97).sum())
            asked = reached - na  # NA is set by routing: the question did not apply
            rows.append(
                {
                    "question": qid,
                    "reached": reached,
                    "valid": int(np.isin(column, SUBSTANTIVE).sum()),
                    "DK": dk,
                    "RA": ra,
                    "NA": na,
                    "no answer": no_answer,
                    "non-response %": 100 * (dk + ra + no_answer) / asked if asked else np.nan,
                }
            )
    return pd.DataFrame(rows)


def interview_minutes(conversations: pd.DataFrame) -> dict[str, float]:
    """Return the median and quartiles of completed interviews' length, in minutes."""
    done = conversations.dropna(subset=["completed_at"])
    minutes = (done["completed_at"] - done["started_at"]).dt.total_seconds() / 60
    if minutes.empty:
        return {"completed": 0, "median": np.nan, "q1": np.nan, "q3": np.nan}
    return {
        "completed": len(minutes),
        "median": float(minutes.median()),
        "q1": float(minutes.quantile(0.25)),
        "q3": float(minutes.quantile(0.75)),
    }


def sample_composition(inputs: ReportInputs) -> pd.DataFrame:
    """Return sample shares per category, beside population and weighted shares if known."""
    if inputs.margins is not None:
        return margin_comparison(inputs.data.respondents, inputs.margins, inputs.weights)
    frames = []
    for name in ("sex", "age_band", "urban_rural", "income_band", "disability", "district"):
        cell, labels = cells(inputs.data.respondents, (name,))
        counts = np.bincount(cell, minlength=len(labels))
        frames.append(
            pd.DataFrame(
                {
                    "dimension": name,
                    "category": labels,
                    "respondents": counts,
                    "sample_share": counts / counts.sum(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _category_name(dimension: str, category: str) -> str:
    labels = DIMENSIONS.get(dimension) or {}
    return labels.get(int(category), category) if category.isdigit() else category


def _composition_chart(composition: pd.DataFrame, path: Path) -> str:
    dimensions = list(dict.fromkeys(composition["dimension"]))
    figure = Figure(figsize=(9, 2.4 * len(dimensions)))
    for k, name in enumerate(dimensions, start=1):
        axes = figure.add_subplot(len(dimensions), 1, k)
        part = composition[composition["dimension"] == name]
        names = [_category_name(name, c) for c in part["category"]]
        y = np.arange(len(part))
        axes.barh(y + 0.2, 100 * part["sample_share"], height=0.4, label="sample")
        if "population_share" in part:
            axes.barh(y - 0.2, 100 * part["population_share"], height=0.4, label="population")
        axes.set_yticks(y, names)
        axes.set_title(name.replace("_", " "))
        axes.set_xlabel("percent")
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _save(figure, path)


def _bar_chart(labels: list[str], values: list[float], title: str, path: Path) -> str:
    figure = Figure(figsize=(8, max(2.5, 0.35 * len(labels) + 1)))
    axes = figure.add_subplot()
    axes.barh(np.arange(len(labels)), values)
    axes.set_yticks(np.arange(len(labels)), labels)
    axes.invert_yaxis()
    axes.set_title(title)
    return _save(figure, path)


def _trend_chart(trend: pd.DataFrame, path: Path) -> str:
    figure = Figure(figsize=(8, 4))
    axes = figure.add_subplot()
    for area, part in trend.groupby("service_area", sort=False):
        axes.plot(part["category"], part["percent"], marker="o", label=area.replace("_", " "))
    axes.set_ylim(0, 100)
    axes.set_ylabel("% satisfied overall")
    axes.legend()
    return _save(figure, path)


def write_report(inputs: ReportInputs, out_dir: str | Path) -> Path:
    """Write the period's report and its charts to ``out_dir``; return the Markdown file."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    period: Period = inputs.data.period
    stem = f"report-{inputs.kind}-{period.start}"
    status, breaks = completion(inputs.conversations)
    minutes = interview_minutes(inputs.conversations)
    composition = sample_composition(inputs)
    weighted = "weighted" if inputs.weights is not None else "unweighted"
    lines = [
        f"# Satisfaction with public services (SDG 16.6.2): {inputs.kind}ly report",
        "",
        f"Period: {period.label()} (UTC). Respondents: {len(inputs.data):,}. "
        f"Questionnaire versions: {', '.join(inputs.data.flow_versions) or 'unknown'}. "
        f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. Estimates are {weighted}; cells "
        f"with fewer than {inputs.min_cell} valid answers are not shown.",
        "",
        "## What this sample can and cannot tell",
        "",
        LIMITS,
        "",
        "## Headline estimates",
        "",
        _markdown(headline(inputs)),
        "",
    ]
    if inputs.kind == "month":
        trend = overall_by(inputs, "week")
        lines += [
            "## Overall satisfaction week by week",
            "",
            f"![trend]({_trend_chart(trend, out / f'{stem}-trend.png')})",
            "",
            _markdown(trend),
            "",
        ]
    lines += [
        "## Overall satisfaction by department (referral)",
        "",
        _markdown(overall_by(inputs, "department")),
        "",
        "## Who answered, compared with the population",
        "",
        "Shares among respondents who gave a value."
        + ("" if inputs.margins is not None else " Pass --margins to compare with the population."),
        "",
        f"![composition]({_composition_chart(composition, out / f'{stem}-sample.png')})",
        "",
        _markdown(composition, digits=3),
        "",
    ]
    if inputs.raking is not None:
        lines += ["## Weighting", "", *[f"- {line}" for line in inputs.raking.lines()], ""]
    lines += ["## Completion and break-off", "", _markdown(status), ""]
    if not breaks.empty:
        top = breaks.head(15)
        chart = _bar_chart(
            list(top["question"]),
            list(top["break-offs"]),
            "Where unfinished interviews stopped",
            out / f"{stem}-breakoff.png",
        )
        lines += [f"![break-off]({chart})", "", _markdown(breaks), ""]
    lines += [
        "## Item non-response (rating questions)",
        "",
        "DK, RA and no answer (given up) as a share of those asked; NA (not applicable, set by "
        "routing) is not non-response.",
        "",
        _markdown(item_nonresponse(inputs.data)),
        "",
        "## Interview length",
        "",
        f"Completed interviews: {minutes['completed']:,}; median {minutes['median']:.1f} "
        f"minutes (quartiles {minutes['q1']:.1f}-{minutes['q3']:.1f}).",
        "",
        "## What people asked to improve (coded topics)",
        "",
    ]
    if inputs.topics.empty:
        lines += ["_No coded improvement answers in this period._", ""]
    else:
        chart = _bar_chart(
            list(inputs.topics["topic"]),
            list(inputs.topics["answers"]),
            "Improvement topics",
            out / f"{stem}-topics.png",
        )
        lines += [f"![topics]({chart})", "", _markdown(inputs.topics), ""]
    path = out / f"{stem}.md"
    with atomic_output(path) as temporary:
        temporary.write_text("\n".join(lines), encoding="utf-8")
    return path
