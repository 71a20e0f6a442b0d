"""The weekly or monthly report: what it is computed from, and the writer of its files.

It shows the headline estimates, who answered compared with the population, where people
stopped, which items went unanswered, how long interviews took and what people asked to
improve, and says plainly what a self-selected sample can and cannot support. The functions
here compute those tables; ``report_content`` puts them in plain words for a department, a
ministry or the country, and ``report_render`` writes the PDF or the Markdown with charts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.breakdowns import cells, group
from analytics.codebook import (
    AREAS,
    NO_ANSWER,
    NOT_ASKED,
    SUBSTANTIVE,
    rating_questions,
)
from analytics.directory import ReportScope
from analytics.estimates import area_table
from analytics.suppression import Rule, publish
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


# The breakdowns a report shows beside the national figures. They are suppressed together,
# so that the week-by-week and department rows cannot be subtracted from the national row.
REPORT_BREAKDOWNS = [("week",), ("department",)]


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
    rule: Rule = field(default_factory=Rule)

    @cached_property
    def published(self) -> pd.DataFrame:
        """Return every estimate the report may show, suppressed as one table.

        National rows and those by week and by department, of the weighted rows when there
        are weights, else of the unweighted ones.
        """
        groupings = group(self.data.respondents, REPORT_BREAKDOWNS)
        frames = []
        for area in AREAS:
            table = publish(area_table(self.data, area, groupings, self.weights), self.rule)
            frames.append(table[table["weighted"] == (self.weights is not None)])
        return pd.concat(frames, ignore_index=True)


def estimates_table(inputs: ReportInputs) -> pd.DataFrame:
    """Return every estimate of each area for all the report's respondents, suppressed."""
    table = inputs.published
    return table[table["dimension"] == "total"].reset_index(drop=True)


def overall_by(inputs: ReportInputs, dimension: str) -> pd.DataFrame:
    """Return overall satisfaction per area and category of one breakdown dimension."""
    table = inputs.published
    chosen = table[
        (table["dimension"] == dimension) & (table["estimate"] == "overall_satisfaction")
    ]
    return chosen[["service_area", "category", "percent", "n_valid"]].reset_index(drop=True)


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


def write_report(
    inputs: ReportInputs,
    out: str | Path,
    fmt: str,
    scope: ReportScope,
    label: str | None = None,
    lang: str = "en",
) -> Path:
    """Write the report as PDF or Markdown (with PNG charts beside it); return its path.

    ``out`` is the file to write, or a folder to write ``report-<kind>-<period>.<ext>`` into.
    ``scope`` says whom it covers and names the departments (``Directory.report_scope``).
    """
    from analytics.periods import period_label
    from analytics.report_content import build_document
    from analytics.report_render import write_markdown, write_pdf

    label = label or period_label(inputs.kind, inputs.data.period)
    target = Path(out)
    if target.suffix.lower() not in (".pdf", ".md"):
        suffix = "pdf" if fmt == "pdf" else "md"
        name = f"report-{inputs.kind}-{label}" + (f"-{scope.value}" if scope.value else "")
        target = target / f"{_safe(name)}.{suffix}"
    document = build_document(inputs, scope, label, lang)
    if fmt == "pdf":
        return write_pdf(document, target)
    return write_markdown(document, target)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in name)
