"""Reporting periods by name: an ISO week (``2026-W47``) or a calendar month (``2026-11``)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from analytics.errors import InputError
from analytics.load import Period

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def period_label(kind: str, period: Period) -> str:
    """Return the name of a week or month period: ``2026-W47`` or ``2026-11``."""
    assert period.start is not None
    if kind == "week":
        year, week, _ = period.start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{period.start:%Y-%m}"


def parse_period(text: str, today: date) -> tuple[str, Period]:
    """Return the kind (week or month) and days of a named period.

    ``week`` and ``month`` name the last complete one before ``today``.
    """
    text = text.strip()
    if text in ("week", "month"):
        return text, Period.previous(text, today)
    if match := _WEEK.match(text):
        year, week = int(match[1]), int(match[2])
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError as error:
            raise InputError(f"{text} is not an ISO week (weeks run 01 to 52 or 53)") from error
        return "week", Period(monday, monday + timedelta(days=6))
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise InputError(f"{text} is not a month: use YYYY-MM, e.g. 2026-11")
        return "month", Period.containing("month", date(year, month, 1))
    raise InputError(
        f"cannot read the period {text!r}: give an ISO week like 2026-W47, a month like "
        "2026-11, or 'week' / 'month' for the last complete one"
    )


def recent_periods(kind: str, today: date, count: int) -> list[Period]:
    """Return the ``count`` periods up to the one containing today, oldest first."""
    periods = [Period.containing(kind, today)]
    while len(periods) < count:
        start = periods[0].start
        assert start is not None
        periods.insert(0, Period.containing(kind, start - timedelta(days=1)))
    return periods
