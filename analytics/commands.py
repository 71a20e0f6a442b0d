"""The ``analytics`` command group: indicators, microdata, report, simulate.

``make_group(get_engine)`` builds the group; the bot offers it on the Flask command line
(``flask --app wsgi analytics ...``, bot.analytics_command) with a function that returns an
engine on the configured database. Nothing here imports Flask, and pandas and the rest load
only when an analytics command runs (``analytics.tasks``), so the group starts fast.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from analytics import defaults
from analytics.errors import AnalyticsError, InputError, database_unavailable

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from analytics.load import Period

DATE = click.DateTime(formats=["%Y-%m-%d"])
EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
REPORT_FORMATS = ("pdf", "md")
TRIM_TEXT = ",".join(f"{bound:g}" for bound in defaults.TRIM)


def _friendly(command: Callable[..., None]) -> Callable[..., None]:
    """Turn the package's errors into a one-line message and exit status 1."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except AnalyticsError as error:
            raise click.ClickException(str(error)) from error
        except Exception as error:
            if not _unreachable(error):
                raise
            raise click.ClickException(str(database_unavailable(error))) from error

    return run


def _unreachable(error: Exception) -> bool:
    """Return whether SQLAlchemy says the database is out of reach (not a bug of ours)."""
    from sqlalchemy import exc

    return isinstance(error, exc.OperationalError | exc.InterfaceError)


def _period(start: datetime | None, end: datetime | None) -> Period:
    from analytics.load import Period

    if start and end and start > end:
        raise InputError(
            f"--from {start:%Y-%m-%d} is after --to {end:%Y-%m-%d}: give the earlier day "
            "to --from (both days are included)"
        )
    return Period(start.date() if start else None, end.date() if end else None)


def _trim(text: str) -> tuple[float, float]:
    try:
        low, high = (float(part) for part in text.split(","))
    except ValueError as error:
        raise InputError(f"--trim takes two numbers like {TRIM_TEXT} (got {text!r})") from error
    if not 0 < low <= 1 <= high:
        raise InputError("--trim bounds must satisfy 0 < low <= 1 <= high")
    return low, high


def _format(out: Path, chosen: str | None, allowed: tuple[str, ...]) -> str:
    fmt = chosen or out.suffix.lower().lstrip(".")
    if fmt not in allowed:
        raise InputError(f"choose --format from {', '.join(allowed)} (or name the file so)")
    return fmt


def _say(text: str) -> None:
    click.echo(text, err=True)


def _options(
    *options: Callable[[Any], Any],
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Apply several click options in the order they are listed."""

    def apply(command: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


PERIOD = _options(
    click.option("--from", "start", type=DATE, help="First day (UTC), inclusive."),
    click.option("--to", "end", type=DATE, help="Last day (UTC), inclusive."),
)
INCLUDE_TEST = click.option("--include-test", is_flag=True, help="Include test and simulated rows.")
INPUT = click.option(
    "--input",
    "source",
    type=EXISTING_FILE,
    help="Read an exported long answers CSV instead of the database.",
)
TRIM = click.option(
    "--trim", default=TRIM_TEXT, show_default=True, help="Weight bounds, times the mean weight."
)
MIN_CELL = click.option(
    "--min-cell",
    type=click.IntRange(min=0),
    default=defaults.MIN_CELL,
    show_default=True,
    help="Suppress cells with fewer valid answers.",
)
MIN_NEFF = click.option(
    "--min-neff",
    type=click.FloatRange(min=0),
    default=defaults.MIN_NEFF,
    show_default=True,
    help="Also suppress weighted cells whose Kish effective sample size is smaller.",
)


def make_group(get_engine: Callable[[], Engine]) -> click.Group:
    """Build the ``analytics`` command group around a function returning the database engine."""

    @click.group("analytics")
    def group() -> None:
        """Estimates, exports, reports and simulated data (SDG 16.6.2)."""

    @group.command("indicators")
    @click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--format", "fmt", type=click.Choice(defaults.INDICATOR_FORMATS))
    @PERIOD
    @click.option(
        "--by",
        multiple=True,
        help="Breakdowns, e.g. sex,age_band,sex+urban_rural (default: sex, age band, "
        "urban/rural, income band, disability).",
    )
    @click.option("--department", help="Only respondents who came through this referral code.")
    @click.option(
        "--margins",
        type=EXISTING_FILE,
        help="Population margins CSV (dimension,category,population): adds weighted rows.",
    )
    @TRIM
    @MIN_CELL
    @MIN_NEFF
    @click.option(
        "--level",
        type=click.FloatRange(0.5, 0.999),
        default=defaults.LEVEL,
        show_default=True,
        help="Confidence level of the intervals.",
    )
    @INCLUDE_TEST
    @INPUT
    @_friendly
    def indicators(
        out: Path,
        fmt: str | None,
        start: datetime | None,
        end: datetime | None,
        by: tuple[str, ...],
        department: str | None,
        margins: Path | None,
        trim: str,
        min_cell: int,
        min_neff: float,
        level: float,
        include_test: bool,
        source: Path | None,
    ) -> None:
        """Write the indicator table: every estimate, interval and count per breakdown cell."""
        from analytics import tasks

        message = tasks.write_indicators(
            get_engine,
            out,
            _format(out, fmt, defaults.INDICATOR_FORMATS),
            _period(start, end),
            by,
            department,
            margins,
            _trim(trim),
            min_cell,
            level,
            include_test,
            source,
            _say,
            min_neff=min_neff,
        )
        click.echo(message)

    @group.command("microdata")
    @click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--format", "fmt", type=click.Choice(defaults.MICRODATA_FORMATS))
    @click.option("--wide", is_flag=True, help="One row per respondent instead of per answer.")
    @PERIOD
    @click.option("--margins", type=EXISTING_FILE, help="Add a raking weight (with --wide).")
    @TRIM
    @INCLUDE_TEST
    @INPUT
    @_friendly
    def microdata(
        out: Path,
        fmt: str | None,
        wide: bool,
        start: datetime | None,
        end: datetime | None,
        margins: Path | None,
        trim: str,
        include_test: bool,
        source: Path | None,
    ) -> None:
        """Export pseudonymous microdata with a codebook (CSV, Excel, SPSS or Stata)."""
        from analytics import tasks

        message = tasks.write_microdata(
            get_engine,
            out,
            _format(out, fmt, defaults.MICRODATA_FORMATS),
            wide,
            _period(start, end),
            margins,
            _trim(trim),
            include_test,
            source,
            _say,
        )
        click.echo(message)

    @group.command("report")
    @click.option(
        "--period",
        "period_name",
        required=True,
        help="An ISO week (2026-W47), a month (2026-11), or week / month for the last "
        "complete one.",
    )
    @click.option("--department", help="A department's report (its referral code).")
    @click.option("--ministry", help="A ministry's report (all its departments).")
    @click.option(
        "--format",
        "fmt",
        type=click.Choice(REPORT_FORMATS),
        help="pdf or md (Markdown with PNG charts); default from --out, else md.",
    )
    @click.option(
        "--out",
        default="reports",
        show_default=True,
        type=click.Path(path_type=Path),
        help="The file to write, or a folder to write it into.",
    )
    @click.option(
        "--on",
        "day",
        type=DATE,
        help="With --period week or month: any day of the wanted one.",
    )
    @click.option("--margins", type=EXISTING_FILE, help="Population margins CSV: weighted.")
    @TRIM
    @MIN_CELL
    @MIN_NEFF
    @INCLUDE_TEST
    @_friendly
    def report(
        period_name: str,
        department: str | None,
        ministry: str | None,
        fmt: str | None,
        out: Path,
        day: datetime | None,
        margins: Path | None,
        trim: str,
        min_cell: int,
        min_neff: float,
        include_test: bool,
    ) -> None:
        """Write the weekly or monthly report (PDF, or Markdown with charts) for a department,
        a ministry or the whole country."""
        from analytics import tasks

        chosen = fmt or ("pdf" if out.suffix.lower() == ".pdf" else "md")
        message = tasks.write_period_report(
            get_engine,
            period_name,
            day,
            out,
            chosen,
            department,
            ministry,
            margins,
            _trim(trim),
            min_cell,
            include_test,
            _say,
            min_neff=min_neff,
        )
        click.echo(message)

    @group.command("rebuild-records")
    @_friendly
    def rebuild_records() -> None:
        """Rebuild every interview's record and packed answers from its answer rows.

        The bot keeps them in step as answers change; this is for answers changed by hand.
        """
        from analytics.records import rebuild_records

        with get_engine().begin() as connection:
            written = rebuild_records(connection)
        click.echo(f"rebuilt the records of {written:,} interviews")

    @group.command("simulate")
    @click.argument("n", type=click.IntRange(min=1))
    @click.option("--seed", type=int, default=1, show_default=True)
    @click.option(
        "--days",
        type=click.IntRange(min=1),
        default=56,
        show_default=True,
        help="Spread interviews over this many days up to today.",
    )
    @_friendly
    def simulate(n: int, seed: int, days: int) -> None:
        """Fill the database with N synthetic respondents (test data) from known proportions."""
        from analytics import tasks

        for line in tasks.simulate_respondents(get_engine, n, seed, days):
            click.echo(line)

    return group
