"""What each command does, from plain arguments: read, weigh, estimate, write, report.

The command group (``commands``) parses options and imports this module only when a command
runs, so that registering the group costs the Flask command line nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine
from tqdm import tqdm

from analytics import defaults
from analytics.breakdowns import STANDARD, parse_breakdowns
from analytics.codebook import AREAS, income_quintiles
from analytics.directory import read_directory
from analytics.errors import InputError, NoDataError, WeightingError
from analytics.estimates import indicator_tables
from analytics.export import (
    METHODS_TEXT,
    atomic_output,
    write_indicators_csv,
    write_indicators_xlsx,
)
from analytics.load import (
    Period,
    count_answers,
    csv_chunks,
    database_chunks,
    load_conversations,
    load_topic_counts,
)
from analytics.margins import read_margins
from analytics.periods import parse_period, period_label
from analytics.report import ReportInputs, write_report
from analytics.scope import Scope
from analytics.sdmx import INCOME_OMITTED, sdmx_rows
from analytics.store import load_survey
from analytics.suppression import Rule
from analytics.tidy import SurveyData, collect
from analytics.weights import RakingReport, rake

EngineFactory = Callable[[], Engine]
Say = Callable[[str], None]


def _chunks(
    get_engine: EngineFactory, period: Period, include_test: bool, source: Path | None
) -> Iterator[pd.DataFrame]:
    """Yield answer chunks from the database or an exported CSV, with a progress bar."""
    if source is not None:
        chunks, total = csv_chunks(source, period, include_test), None
    else:
        engine = get_engine()
        total = count_answers(engine, period, include_test)
        chunks = database_chunks(engine, period, include_test)
    with tqdm(total=total, unit=" answers", desc="reading", disable=None) as bar:
        for chunk in chunks:
            bar.update(len(chunk))
            yield chunk


def _survey(
    get_engine: EngineFactory,
    period: Period,
    include_test: bool,
    source: Path | None,
    department: str | None = None,
) -> SurveyData:
    """Return the period's respondents (of one department) from a CSV or the database."""
    if source is not None:
        data = collect(_chunks(get_engine, period, include_test, source), period)
        if department is not None:
            data = Scope.of([department]).respondents(data)
    else:
        scope = Scope.everything() if department is None else Scope.of([department])
        data = load_survey(get_engine(), period, include_test, scope)
    if len(data) == 0:
        raise NoDataError(
            f"no respondent of {period.label()} came through department {department!r}; "
            "check the referral code (as in m.me/<page>?ref=<code>)"
        )
    return data


def _weights(
    data: SurveyData, margins: Path | None, trim: tuple[float, float], say: Say
) -> tuple[pd.DataFrame | None, np.ndarray | None, RakingReport | None]:
    if margins is None:
        return None, None, None
    table = read_margins(margins)
    try:
        weights, report = rake(data.respondents, table, trim)
    except WeightingError as error:
        raise WeightingError(f"{margins}: {error}") from error
    for line in report.lines():
        say(line)
    return table, weights, report


def _about(
    data: SurveyData,
    include_test: bool,
    department: str | None,
    raking: RakingReport | None,
    rule: Rule,
    level: float,
) -> list[tuple[str, str]]:
    rows = [
        ("period", data.period.label() + " (UTC, both days included)"),
        ("respondents", f"{len(data):,}"),
        ("flow versions", ", ".join(data.flow_versions) or "unknown"),
        ("test data", "included" if include_test else "excluded (is_test rows left out)"),
        ("department", department or "all"),
        ("weighting", " ".join(raking.lines()) if raking else "none: unweighted estimates"),
        ("minimum cell", f"{rule.min_cell} valid answers"),
        ("minimum effective size", f"{rule.min_neff:g} (weighted cells, Kish)"),
        ("confidence level", f"{level:.0%}"),
        ("generated", f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"),
    ]
    return rows + [(f"method {k}", text) for k, text in enumerate(METHODS_TEXT, start=1)]


def write_indicators(
    get_engine: EngineFactory,
    out: Path,
    fmt: str,
    period: Period,
    by: tuple[str, ...],
    department: str | None,
    margins: Path | None,
    trim: tuple[float, float],
    min_cell: int,
    level: float,
    include_test: bool,
    source: Path | None,
    say: Say,
    min_neff: float = defaults.MIN_NEFF,
) -> str:
    """Write the indicator table as CSV, Excel or SDMX-CSV; return what was written."""
    breakdowns = parse_breakdowns(by) if by else list(STANDARD)
    data = _survey(get_engine, period, include_test, source, department)
    _, weights, raking = _weights(data, margins, trim, say)
    rule = Rule(min_cell, min_neff)
    tables = tqdm(
        indicator_tables(data, breakdowns, weights, level, rule),
        total=len(AREAS),
        desc="estimating",
        unit=" area",
        disable=None,
    )
    if fmt == "csv":
        rows = write_indicators_csv(tables, out)
    elif fmt == "xlsx":
        about = _about(data, include_test, department, raking, rule, level)
        rows = write_indicators_xlsx(tables, about, out)
    else:
        year = period.end.year if period.end else data.respondents["first_at"].max().year
        quintiles = income_quintiles()
        if not quintiles:
            say(INCOME_OMITTED)
        sdmx = sdmx_rows(
            pd.concat(tables, ignore_index=True), str(year), income_quintiles=quintiles
        )
        if sdmx.empty:
            raise NoDataError(
                "no cell has enough valid answers for the SDMX file; lower --min-cell "
                "only if the statistics office accepts smaller cells, or widen the period"
            )
        with atomic_output(out) as temporary:
            sdmx.to_csv(temporary, index=False)
        rows = len(sdmx)
    return f"wrote {rows:,} rows for {len(data):,} respondents to {out}"


def _counted(frames: Iterator[pd.DataFrame], total: int, step: str) -> Iterator[pd.DataFrame]:
    """Pass slices of respondents on, with a progress bar (count and rate) on stderr."""
    with tqdm(total=total, unit=" respondents", desc=step, disable=None) as bar:
        for frame in frames:
            yield frame
            bar.update(len(frame))


def write_microdata(
    get_engine: EngineFactory,
    out: Path,
    fmt: str,
    wide: bool,
    period: Period,
    margins: Path | None,
    trim: tuple[float, float],
    include_test: bool,
    source: Path | None,
    say: Say,
) -> str:
    """Write pseudonymous microdata, long or wide, with its codebook; return what was written."""
    # Imported here: the file writers (pyreadstat, openpyxl) would slow every table's start.
    from analytics.long_copy import copy_long_csv
    from analytics.microdata import wide_frames, write_long, write_wide

    if wide:
        data = _survey(get_engine, period, include_test, source)
        _, weights, _ = _weights(data, margins, trim, say)
        labelled = fmt in ("sav", "dta")
        if labelled:
            say("SPSS and Stata files are written in one call after the bar (it shows no progress)")
        step = "preparing" if labelled else "writing"
        slices = _counted(wide_frames(data, weights), len(data), step)
        rows = write_wide(slices, out, fmt)
    else:
        if margins is not None:
            raise InputError("weights go with respondents: add --wide to use --margins")
        if (
            fmt == "csv"
            and source is None
            and (engine := get_engine()).dialect.name == "postgresql"
        ):
            rows = copy_long_csv(engine, period, include_test, out)
        else:
            rows = write_long(_chunks(get_engine, period, include_test, source), out, fmt)
    return f"wrote {rows:,} rows to {out} (codebook beside it or in the workbook)"


def report_inputs(
    get_engine: EngineFactory,
    kind: str,
    period: Period,
    scope: Scope,
    margins: Path | None,
    trim: tuple[float, float],
    min_cell: int,
    include_test: bool,
    say: Say,
    min_neff: float = defaults.MIN_NEFF,
) -> ReportInputs:
    """Return what the report of a period is built from, for the respondents of a scope."""
    data = load_survey(get_engine(), period, include_test, scope)
    if len(data) == 0:
        raise NoDataError(
            f"no respondent of {period.label()} came through the chosen department(s); "
            "check the code or the period"
        )
    table, weights, raking = _weights(data, margins, trim, say)
    engine = get_engine()
    return ReportInputs(
        data=data,
        conversations=scope.rows(load_conversations(engine, period, include_test)),
        topics=load_topic_counts(engine, period, include_test, scope),
        kind=kind,
        margins=table,
        weights=weights,
        raking=raking,
        rule=Rule(min_cell, min_neff),
    )


def write_period_report(
    get_engine: EngineFactory,
    period_name: str,
    day: datetime | None,
    out: Path,
    fmt: str,
    department: str | None,
    ministry: str | None,
    margins: Path | None,
    trim: tuple[float, float],
    min_cell: int,
    include_test: bool,
    say: Say,
    min_neff: float = defaults.MIN_NEFF,
) -> str:
    """Write the report of a week or month for a department, a ministry or the country.

    ``period_name`` is ``week`` or ``month`` (the last complete one, or the one containing
    ``day``), or a named period such as ``2026-W47`` or ``2026-11``.
    """
    today = datetime.now(UTC).date()
    if period_name in ("week", "month") and day is not None:
        kind, period = period_name, Period.containing(period_name, day.date())
    else:
        kind, period = parse_period(period_name, today)
    scope = read_directory(get_engine()).report_scope(department, ministry)
    inputs = report_inputs(
        get_engine, kind, period, scope.scope, margins, trim, min_cell, include_test, say, min_neff
    )
    path = write_report(inputs, out, fmt, scope, period_label(kind, period))
    return f"wrote {path}"


def simulate_respondents(get_engine: EngineFactory, n: int, seed: int, days: int) -> list[str]:
    """Insert n simulated respondents over the last ``days`` days; return the true figures."""
    # Imported here: the simulator brings the survey engine, which no other command needs.
    from analytics.simulate import true_percentages
    from analytics.synthetic_store import insert_synthetic

    today = datetime.combine(datetime.now(UTC).date(), datetime.min.time())
    started = time.perf_counter()
    with tqdm(total=n, unit=" people", desc="simulating", disable=None) as bar:
        stored = insert_synthetic(
            get_engine(), n, seed, today - timedelta(days=days), days, advance=bar.update
        )
    seconds = time.perf_counter() - started
    truth = true_percentages()
    headline = truth[truth["estimate"] != "attribute"]
    return [
        f"interviewed {n:,} simulated people through the survey engine in {seconds:.0f} s: "
        f"{stored:,} respondents stored, {n - stored:,} declined consent or were under 18 "
        "and left only a tally (is_test; use --include-test)",
        "true population percentages:",
        *(
            f"  {row.service_area:<20} {row.estimate:<21} {row.true_percent:.1f}"
            for row in headline.itertuples(index=False)
        ),
    ]
