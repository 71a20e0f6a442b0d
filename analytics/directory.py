"""The departments the product knows: name, ministry and service area, by referral code.

This is the one place that reads the department registry. Until the registry moves into the
database (issue 11, first half), names come from ``survey_flows.departments`` and the
ministries from ``INTERIM_MINISTRIES`` below; when the registry lands, only ``departments``
changes, and the dashboard, the reports and the scheduler follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics.errors import InputError
from analytics.scope import Scope
from survey_flows.departments import load_departments

# Which ministry each department of survey_flows/flows/departments.yaml answers to, until the
# database registry records it with the department.
INTERIM_MINISTRIES = {
    "moh-princess-marina": "Ministry of Health",
    "moh-clinics": "Ministry of Health",
    "moe-primary": "Ministry of Education and Skills Development",
    "moe-secondary": "Ministry of Education and Skills Development",
    "dnrs-omang": "Ministry of Labour and Home Affairs",
    "dnrs-births": "Ministry of Labour and Home Affairs",
}


@dataclass(frozen=True)
class DepartmentInfo:
    """A department as people name it."""

    code: str
    names: dict[str, str]  # by language; English is the reference
    ministry: str
    area: str

    def name(self, lang: str) -> str:
        """Return the department's name in a language (English when it has none)."""
        return self.names.get(lang) or self.names["en"]


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: one department, a ministry's departments, or the country."""

    kind: str  # department, ministry, national
    value: str  # the department code, the ministry's name, or "" for the country
    scope: Scope

    def title(self, lang: str) -> str:
        """Return the name of what the report covers, for its title."""
        if self.kind == "department":
            return department_name(self.value, lang)
        if self.kind == "ministry":
            return self.value
        return {"en": "Botswana, all departments", "tn": "Botswana, mafapha otlhe"}.get(
            lang, "Botswana, all departments"
        )


def departments() -> dict[str, DepartmentInfo]:
    """Return every known department by referral code."""
    return {
        code: DepartmentInfo(
            code=code,
            names={"en": department.name},
            ministry=INTERIM_MINISTRIES.get(code, ""),
            area=department.area,
        )
        for code, department in load_departments().items()
    }


def department_name(code: str | None, lang: str) -> str:
    """Return a department's name; say so plainly for a link that no department owns."""
    if code is None:
        return {"tn": "Ga go na kgolagano ya lefapha"}.get(lang, "No department link")
    known = departments().get(code)
    if known is not None:
        return known.name(lang)
    return {"tn": f"Kgolagano e e sa kwadisiwang ({code})"}.get(
        lang, f"Link not in the registry ({code})"
    )


def ministries() -> dict[str, list[str]]:
    """Return each ministry with the codes of its departments."""
    found: dict[str, list[str]] = {}
    for code, info in sorted(departments().items()):
        if info.ministry:
            found.setdefault(info.ministry, []).append(code)
    return found


def report_scope(department: str | None = None, ministry: str | None = None) -> ReportScope:
    """Return the scope of a report on a department, a ministry, or (neither) the country."""
    if department and ministry:
        raise InputError("choose --department or --ministry, not both")
    if department:
        if department not in departments():
            known = ", ".join(sorted(departments()))
            raise InputError(f"unknown department {department!r}; known codes: {known}")
        return ReportScope("department", department, Scope.of([department]))
    if ministry:
        codes = ministries().get(ministry)
        if not codes:
            known = "; ".join(sorted(ministries()))
            raise InputError(f"unknown ministry {ministry!r}; known ministries: {known}")
        return ReportScope("ministry", ministry, Scope.of(codes))
    return ReportScope("national", "", Scope.everything())
