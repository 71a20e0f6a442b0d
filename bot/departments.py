"""The department registry: who hands out a survey link, for which services, on which Page.

A department's code is the ``ref`` of its m.me link. A deactivated department disappears
from the lists that offer departments (the simulator, new links), but its code keeps
working: people who already started finish their interview, and a late referral still
gets the survey, only without a first service area (``AreaLookup`` knows active ones only).

The functions take the caller's session and flush; the caller commits. Bad input raises
``DepartmentError``, a ValueError whose message says what to fix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from analytics.directory import DepartmentName
from bot import repository
from bot.clock import utcnow
from bot.messenger.events import REF_PATTERN
from bot.models import DepartmentRecord
from survey_flows.departments import BLOCK_OF_AREA

SERVICE_AREAS = tuple(BLOCK_OF_AREA)


class DepartmentError(ValueError):
    """A department cannot be added or changed as asked; the message says what to fix.

    ``field`` names the input at fault (``code``, ``name_en``, ``name_tn``, ``ministry``,
    ``service_areas`` or ``page_id``) when there is one, so a form can show it beside it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Department(DepartmentName):
    """A department as the rest of the product sees it: its names, ministry and state (as
    reports name it, ``analytics.directory``), the service areas it provides and its Page."""

    service_areas: tuple[str, ...] = ()
    page_id: str | None = None


def _department(record: DepartmentRecord, areas: Iterable[str]) -> Department:
    return Department(
        code=record.code,
        name_en=record.name_en,
        name_tn=record.name_tn,
        ministry=record.ministry,
        service_areas=tuple(areas),
        active=record.active,
        page_id=record.page_id,
    )


def list_departments(session: Session, include_inactive: bool = False) -> list[Department]:
    """Return the departments by code (active ones only unless asked)."""
    return [
        _department(record, areas)
        for record, areas in repository.department_rows(session, include_inactive)
    ]


def get_department(session: Session, code: str) -> Department | None:
    """Return the department with this code, active or not, or None."""
    found = repository.find_department(session, code)
    return _department(*found) if found else None


def departments_of_ministry(session: Session, ministry: str) -> list[Department]:
    """Return the active departments of one ministry."""
    return [
        _department(record, areas)
        for record, areas in repository.department_rows(session, ministry=ministry)
    ]


def check_code(code: str) -> str:
    """Return the code if it can be an m.me ref, else raise DepartmentError."""
    if not REF_PATTERN.match(code or ""):
        raise DepartmentError(
            f"department code {code!r} cannot be a link's ref: use 1 to 250 letters, digits, "
            "'_', '-' or '=' (for example moh-clinics)",
            "code",
        )
    return code


def add_department(
    session: Session,
    code: str,
    name_en: str,
    name_tn: str | None,
    ministry: str,
    service_areas: Iterable[str],
    page_id: str | None = None,
) -> Department:
    """Register a new, active department; a missing Setswana name takes the English one."""
    check_code(code)
    name_en, ministry = (name_en or "").strip(), (ministry or "").strip()
    name_tn = (name_tn or "").strip() or name_en
    if not name_en:
        raise DepartmentError("give the department's name (--name)", "name_en")
    if not ministry:
        raise DepartmentError("give the department's ministry (--ministry)", "ministry")
    for field, label, value in (
        ("name_en", "name", name_en),
        ("name_tn", "Setswana name", name_tn),
        ("ministry", "ministry", ministry),
    ):
        if len(value) > 200:
            raise DepartmentError(f"the {label} has {len(value)} characters; keep it to 200", field)
    areas = list(dict.fromkeys(service_areas))
    if not areas:
        raise DepartmentError(
            "give at least one service area (--service-area): " + ", ".join(SERVICE_AREAS),
            "service_areas",
        )
    unknown = [area for area in areas if area not in SERVICE_AREAS]
    if unknown:
        raise DepartmentError(
            f"unknown service area {unknown[0]!r}: use one of " + ", ".join(SERVICE_AREAS),
            "service_areas",
        )
    existing = repository.find_department(session, code)
    if existing is not None:
        state = "" if existing[0].active else ", inactive"
        raise DepartmentError(
            f"department {code!r} already exists ({existing[0].name_en}{state}); "
            "choose another code",
            "code",
        )
    if page_id is not None and repository.find_page(session, page_id) is None:
        raise DepartmentError(
            f"unknown Page {page_id!r}: add it first with "
            f"`flask --app wsgi pages add {page_id} --name NAME`, or leave --page out to use "
            "the central survey Page",
            "page_id",
        )
    record = DepartmentRecord(
        code=code,
        name_en=name_en,
        name_tn=name_tn,
        ministry=ministry,
        active=True,
        page_id=page_id,
        created_at=utcnow(),
    )
    try:
        with session.begin_nested():
            repository.add_department_record(session, record, areas)
    except IntegrityError as exc:  # another admin added the same code meanwhile
        raise DepartmentError(
            f"department {code!r} already exists; choose another code", "code"
        ) from exc
    return _department(record, areas)


def _set_active(session: Session, code: str, active: bool) -> Department:
    found = repository.find_department(session, code)
    if found is None:
        raise DepartmentError(
            f"no department has the code {code!r}: `flask --app wsgi departments list "
            "--all` shows them"
        )
    record, areas = found
    record.active = active
    session.flush()
    return _department(record, areas)


def deactivate_department(session: Session, code: str) -> Department:
    """Stop offering a department; its link keeps working for anyone who uses it."""
    return _set_active(session, code, False)


def activate_department(session: Session, code: str) -> Department:
    """Offer a deactivated department again."""
    return _set_active(session, code, True)


def attach_page(session: Session, code: str, page_id: str | None) -> Department:
    """Serve a department from a stored Page (or, with None, from the central Page)."""
    found = repository.find_department(session, code)
    if found is None:
        raise DepartmentError(f"no department has the code {code!r}")
    if page_id is not None and repository.find_page(session, page_id) is None:
        raise DepartmentError(f"unknown Page {page_id!r}: add it with `pages add` first")
    record, areas = found
    record.page_id = page_id
    session.flush()
    return _department(record, areas)


class AreaLookup:
    """The engine's ``area_for``: the first service area of an active department, or None.

    It reads the registry on each call (once per new conversation with a referral), on its
    own short session, so a department added or deactivated anywhere counts at once.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def __call__(self, ref: str) -> str | None:
        """Return the service area to ask first for a referral code."""
        with self.sessions() as session:
            return repository.first_service_area(session, ref)
