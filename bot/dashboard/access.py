"""Every read the dashboard makes, through the viewer's scope.

A ``ScopedReader`` is built for each request from the signed-in person (``reader_for``): an
admin or analyst sees every department, a viewer only their own. Pages ask it for figures,
comments, reports and exports; it narrows any department the page asks for to the scope
(asking for one outside it is ``OutOfScope``, which the pages answer with 404) and applies
the scope to every query and every table. Routes never filter departments themselves.

The figures are the indicator table's: ``analytics.estimates.indicator_tables`` on the
period's tidy data restricted to the scope, with the same breakdowns, minimum cell and
suppression as ``flask --app wsgi analytics indicators``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import pandas as pd
from sqlalchemy.orm import Session, sessionmaker

from analytics import defaults
from analytics.breakdowns import STANDARD, Breakdown
from analytics.directory import DepartmentName, Directory
from analytics.estimates import indicator_tables
from analytics.periods import period_label, recent_periods
from analytics.scope import Scope
from bot import repository
from bot.dashboard.snapshots import PeriodData, SnapshotStore
from bot.models import Report, User
from survey_flows.redaction import mask_text

TREND_WEEKS, TREND_MONTHS = 8, 6
EXAMPLES_PER_TOPIC = 3


class OutOfScope(LookupError):
    """The page asked for a department, report or export outside the viewer's scope."""


def scope_of(user: User) -> Scope:
    """Return whose data a user may see: everything, or their department only."""
    if user.role in ("admin", "analyst"):
        return Scope.everything()
    return Scope.of([user.department] if user.department else [])


@dataclass(frozen=True)
class Filters:
    """What a page shows: a period, optionally one department, and whether test data count."""

    kind: str  # week or month
    label: str  # 2026-W47 or 2026-11
    department: str | None = None
    include_test: bool = False


@dataclass(frozen=True)
class Figures:
    """The estimates of a period for the respondents of a scope."""

    table: pd.DataFrame  # the indicator table: every area, national and the breakdowns
    respondents: int
    started: int
    completed: int

    @property
    def completion_rate(self) -> float | None:
        """Return the share of started interviews that were finished."""
        return self.completed / self.started if self.started else None


def _compute(data: PeriodData, view: Scope, breakdowns: tuple[Breakdown, ...]) -> Figures:
    conversations = view.rows(data.conversations)
    started = len(conversations)
    completed = int((conversations["status"] == "completed").sum())
    survey = None if data.survey is None else view.respondents(data.survey)
    if survey is None or len(survey) == 0:
        return Figures(pd.DataFrame(), 0, started, completed)
    table = pd.concat(
        indicator_tables(survey, list(breakdowns), None, defaults.LEVEL),
        ignore_index=True,
    )
    return Figures(table, len(survey), started, completed)


# Tables computed from a snapshot, kept per process: the same page asked again costs nothing.
# A rebuilt snapshot has a new build time, so its tables are computed anew.
COMPUTED_KEPT = 256
_COMPUTED: OrderedDict[tuple[object, ...], Figures] = OrderedDict()
_LOCK = threading.Lock()


class ScopedReader:
    """The dashboard's reads for one viewer's scope."""

    def __init__(
        self,
        scope: Scope,
        store: SnapshotStore,
        sessions: sessionmaker[Session],
        directory: Directory,
    ) -> None:
        self.scope = scope
        self.store = store
        self.sessions = sessions
        self.directory = directory

    # --- the scope ------------------------------------------------------------------

    def departments(self, lang: str, filters: Filters | None = None) -> list[DepartmentName]:
        """Return the departments the viewer may choose, by name in their language.

        A viewer's own department is always there. Otherwise a deactivated department is
        offered only where it has data: for a chosen period, if anyone answered through it
        then (or the page asks for it); in a form that picks the period itself (``filters``
        None), always.
        """
        in_scope = [d for d in self.directory.departments.values() if self.scope.allows(d.code)]
        if filters is not None and self.scope.national and not all(d.active for d in in_scope):
            answered = self._answered(filters) | {filters.department}
            in_scope = [d for d in in_scope if d.active or d.code in answered]
        return sorted(in_scope, key=lambda d: d.name(lang).casefold())

    def _answered(self, filters: Filters) -> set[str | None]:
        """Return the departments that have respondents or interviews in a period."""
        data = self.period_data(filters)
        frames = [data.conversations]
        if data.survey is not None:
            frames.append(data.survey.respondents)
        return {code for frame in frames for code in frame["department"].dropna().unique()}

    def view(self, department: str | None) -> Scope:
        """Return the scope of a page that asks for one department (or for all of its own)."""
        if department is None:
            return self.scope
        if not self.scope.allows(department):
            raise OutOfScope(department)
        return self.scope.narrow([department])

    def single_department(self, department: str | None) -> str | None:
        """Return the one department an export covers (None: all, for a national scope)."""
        view = self.view(department)
        if view.departments is None:
            return None
        if len(view.departments) != 1:
            raise OutOfScope("choose one department")
        return next(iter(view.departments))

    # --- figures --------------------------------------------------------------------

    def period_data(self, filters: Filters) -> PeriodData:
        """Return the period's data (all departments; apply ``view`` before use)."""
        return self.store.get(filters.kind, filters.label, filters.include_test)

    def figures(self, filters: Filters, breakdowns: tuple[Breakdown, ...] = STANDARD) -> Figures:
        """Return the indicator table of a period for the page's scope."""
        view = self.view(filters.department)
        data = self.period_data(filters)
        key = (filters.kind, filters.label, filters.include_test, data.built_at, view, breakdowns)
        with _LOCK:
            if key in _COMPUTED:
                _COMPUTED.move_to_end(key)
                return _COMPUTED[key]
        figures = _compute(data, view, breakdowns)
        with _LOCK:
            _COMPUTED[key] = figures
            while len(_COMPUTED) > COMPUTED_KEPT:
                _COMPUTED.popitem(last=False)
        return figures

    def trend(self, filters: Filters, kind: str, today: date) -> Iterator[tuple[str, pd.DataFrame]]:
        """Yield each recent week or month with the national rows of its indicator table."""
        count = TREND_WEEKS if kind == "week" else TREND_MONTHS
        for period in recent_periods(kind, today, count):
            label = period_label(kind, period)
            figures = self.figures(Filters(kind, label, filters.department, filters.include_test))
            table = figures.table
            if not table.empty:
                table = table[table["dimension"] == "total"]
            yield label, table

    def topics(self, filters: Filters) -> pd.DataFrame:
        """Return how many improvement answers were coded with each topic, most first."""
        view = self.view(filters.department)
        topics = view.rows(self.period_data(filters).topics)
        counts = topics["topic"].value_counts()
        return counts.rename_axis("topic").reset_index(name="answers")

    def comments(self, filters: Filters, limit: int = 400) -> dict[str, list[str]]:
        """Return a few recent comments for each topic, masked, newest first."""
        view = self.view(filters.department)
        period = self.period_data(filters).period
        assert period.lower is not None and period.upper is not None
        with self.sessions() as session:
            rows = repository.improvement_comments(
                session, view, period.lower, period.upper, filters.include_test, limit
            )
        examples: dict[str, list[str]] = {}
        for _, text, topic, _ in rows:
            chosen = examples.setdefault(topic, [])
            if len(chosen) < EXAMPLES_PER_TOPIC:
                chosen.append(mask_text(text))
        return examples

    # --- reports --------------------------------------------------------------------

    @cached_property
    def _reports(self) -> list[Report]:
        with self.sessions() as session:
            return [r for r in repository.report_summaries(session) if self._covers(r.departments)]

    def _covers(self, codes: list[str] | None) -> bool:
        if self.scope.departments is None:
            return True
        return codes is not None and set(codes) <= self.scope.departments

    def reports(self) -> list[Report]:
        """Return the reports whose every figure lies inside the scope, newest first."""
        return self._reports

    def report_pdf(self, report_id: int) -> tuple[Report, bytes]:
        """Return a report and its PDF, if it lies inside the scope and is built."""
        chosen = next((r for r in self._reports if r.id == report_id), None)
        if chosen is None or chosen.status != "ready":
            raise OutOfScope(report_id)
        with self.sessions() as session:
            report = session.get(Report, report_id)
            if report is None or report.pdf is None:
                raise OutOfScope(report_id)
            return report, report.pdf


def reader_for(
    user: User, store: SnapshotStore, sessions: sessionmaker[Session], directory: Directory
) -> ScopedReader:
    """Return the reads a signed-in person may make."""
    return ScopedReader(scope_of(user), store, sessions, directory)
