"""The departments as reports and the dashboard name them, read from the department registry.

The registry lives in the database (``departments``; ``bot.departments`` manages it). A
``Directory`` is one reading of it, taken with the database handle the caller already holds
(the analytics commands' engine, a dashboard request's session, the scheduler's session),
so a department added or renamed shows in the next report or page. It holds every
department, active or not: a department that was deactivated still has answers in the
periods before, and its reports, breakdowns and pages still name it.

This is the one place that turns a referral code into a name in a reader's language, and a
ministry into its departments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from analytics.errors import InputError
from bot.models import DepartmentRecord

if TYPE_CHECKING:
    from analytics.scope import Scope

NATIONAL = {"en": "Botswana, all departments", "tn": "Botswana, mafapha otlhe"}
NO_LINK = {"en": "No department link", "tn": "Ga go na kgolagano ya lefapha"}
UNREGISTERED = {
    "en": "Link not in the registry ({code})",
    "tn": "Kgolagano e e sa kwadisiwang ({code})",
}


def _pick(names: Mapping[str, str], lang: str) -> str:
    return names.get(lang) or names["en"]


@dataclass(frozen=True)
class DepartmentName:
    """A department as readers name it: English and Setswana names, ministry, state."""

    code: str
    name_en: str
    name_tn: str
    ministry: str
    active: bool

    def name(self, lang: str) -> str:
        """Return the name in a language: Setswana for 'tn', English otherwise."""
        return (self.name_tn if lang == "tn" else "") or self.name_en


@dataclass(frozen=True)
class Directory:
    """Every department of the registry, active or not, by referral code."""

    departments: Mapping[str, DepartmentName]

    def name(self, code: str | None, lang: str) -> str:
        """Return a department's name; say so plainly for a link that no department owns."""
        if code is None:
            return _pick(NO_LINK, lang)
        known = self.departments.get(code)
        if known is not None:
            return known.name(lang)
        return _pick(UNREGISTERED, lang).format(code=code)

    def ministries(self) -> dict[str, list[str]]:
        """Return each ministry with the codes of all its departments, active or not."""
        found: dict[str, list[str]] = {}
        for code, department in sorted(self.departments.items()):
            found.setdefault(department.ministry, []).append(code)
        return dict(sorted(found.items()))

    def title(self, kind: str, value: str, lang: str) -> str:
        """Return the name of what a report covers: a department, a ministry or the country."""
        if kind == "department":
            return self.name(value, lang)
        if kind == "ministry":
            return value
        return _pick(NATIONAL, lang)

    def report_scope(
        self, department: str | None = None, ministry: str | None = None
    ) -> ReportScope:
        """Return the scope of a report on a department, a ministry, or (neither) the country."""
        from analytics.scope import Scope

        if department and ministry:
            raise InputError("choose --department or --ministry, not both")
        if department:
            if department not in self.departments:
                known = ", ".join(sorted(self.departments)) or "none registered"
                raise InputError(f"unknown department {department!r}; known codes: {known}")
            return ReportScope("department", department, Scope.of([department]), self)
        if ministry:
            codes = self.ministries().get(ministry)
            if not codes:
                known = "; ".join(self.ministries()) or "none registered"
                raise InputError(f"unknown ministry {ministry!r}; known ministries: {known}")
            return ReportScope("ministry", ministry, Scope.of(codes), self)
        return ReportScope("national", "", Scope.everything(), self)


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: one department, a ministry's departments, or the country."""

    kind: str  # department, ministry, national
    value: str  # the department code, the ministry's name, or "" for the country
    scope: Scope
    directory: Directory = field(compare=False, repr=False)

    def title(self, lang: str) -> str:
        """Return the name of what the report covers, for its title."""
        return self.directory.title(self.kind, self.value, lang)


_QUERY = select(
    DepartmentRecord.code,
    DepartmentRecord.name_en,
    DepartmentRecord.name_tn,
    DepartmentRecord.ministry,
    DepartmentRecord.active,
).order_by(DepartmentRecord.code)


def read_directory(db: Engine | Session) -> Directory:
    """Read the registry through an engine or an open session."""
    if isinstance(db, Engine):
        with db.connect() as connection:
            rows = connection.execute(_QUERY).all()
    else:
        rows = db.execute(_QUERY).all()
    return Directory({row.code: DepartmentName(*row) for row in rows})
