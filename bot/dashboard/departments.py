"""Admins manage the department registry: list, add, deactivate or activate, download assets.

Every change and every file goes through the functions the command line uses
(``bot.departments`` and ``bot.assets``), so a department added here behaves exactly like
one added with ``flask --app wsgi departments add``, and its link, QR codes and poster are
the files ``departments assets`` writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session

from analytics import labels
from bot.assets import ASSET_TYPES, asset, department_for_assets
from bot.dashboard.blueprint import blueprint, directory, requires
from bot.dashboard.text import t
from bot.departments import (
    SERVICE_AREAS,
    Department,
    DepartmentError,
    activate_department,
    add_department,
    check_code,
    deactivate_department,
    get_department,
    list_departments,
)
from bot.pages import PageError, central_page, link_for_department, list_pages

FIELDS = ("code", "name_en", "name_tn", "ministry", "service_areas", "page_id")
MAX_LENGTH = {"code": 250, "name_en": 200, "name_tn": 200, "ministry": 200}


@dataclass
class Entry:
    """What the add form was given, and what is wrong with it, field by field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _central() -> str | None:
    return central_page(current_app.config["SETTINGS"])


def _flow() -> Any:
    return current_app.extensions["turn_deps"].flow


def _link(db: Session, department: Department) -> tuple[str | None, str | None]:
    """Return a department's link, or why it has none."""
    if not department.active:
        return None, None
    try:
        return link_for_department(db, department, _central()), None
    except PageError as problem:
        return None, str(problem)


@blueprint.get("/departments")
@requires("admin")
def departments() -> Any:
    """List every department, active or not, with its link and assets."""
    with current_app.extensions["sessions"]() as db:
        listed = [(d, *_link(db, d)) for d in list_departments(db, include_inactive=True)]
        pages = {page.page_id: page.name for page in list_pages(db)}
    problem = next((why for _, _, why in listed if why), None)
    return render_template(
        "dashboard/departments.html",
        departments=sorted(listed, key=lambda row: (not row[0].active, row[0].name_en.casefold())),
        pages=pages,
        link_problem=problem,
        assets=ASSET_TYPES,
    )


def _read_form() -> Entry:
    """Return the form's values, with the errors a person can fix before the registry looks."""
    form = request.form
    first = form.get("first_area", "")
    others = [area for area in form.getlist("other_areas") if area != first]
    entry = Entry(
        values={
            "code": form.get("code", "").strip(),
            "name_en": form.get("name_en", "").strip(),
            "name_tn": form.get("name_tn", "").strip(),
            "ministry": form.get("ministry", "").strip(),
            "service_areas": [first, *others] if first else others,
            "page_id": form.get("page_id", "") or None,
        }
    )
    for name in ("code", "name_en", "ministry"):
        if not entry.values[name]:
            entry.errors[name] = t(f"missing_{name}")
        elif len(entry.values[name]) > MAX_LENGTH[name]:
            entry.errors[name] = t("too_long", limit=MAX_LENGTH[name])
    if "code" not in entry.errors:
        try:
            check_code(entry.values["code"])
        except DepartmentError as problem:
            entry.errors["code"] = str(problem)
    if len(entry.values["name_tn"]) > MAX_LENGTH["name_tn"]:
        entry.errors["name_tn"] = t("too_long", limit=MAX_LENGTH["name_tn"])
    if not first:
        entry.errors["service_areas"] = t("missing_area")
    return entry


@blueprint.route("/departments/new", methods=["GET", "POST"])
@requires("admin")
def new_department() -> Any:
    """Add a department: code, names, ministry, service areas and (optionally) its Page."""
    form = FlaskForm()  # the CSRF token; the blueprint checks it on every post
    entry = Entry(values={"service_areas": [], "page_id": None})
    if request.method == "POST":
        entry = _read_form()
        if not entry.errors:
            values = entry.values
            try:
                with current_app.extensions["writer_sessions"]() as db, db.begin():
                    added = add_department(
                        db,
                        values["code"],
                        values["name_en"],
                        values["name_tn"] or None,
                        values["ministry"],
                        values["service_areas"],
                        values["page_id"],
                    )
            except DepartmentError as problem:
                entry.errors[problem.field if problem.field in FIELDS else "code"] = str(problem)
            else:
                flash(t("department_added", name=added.name(g.lang)))
                return redirect(url_for("dashboard.departments") + f"#department-{added.code}")
    with current_app.extensions["sessions"]() as db:
        pages = list_pages(db)
    status = 422 if entry.errors else 200
    return (
        render_template(
            "dashboard/department_new.html",
            form=form,
            entry=entry,
            ministries=list(directory().ministries()),
            pages=pages,
            areas=[(area, labels.area(area, g.lang)) for area in SERVICE_AREAS],
            order=[name for name in FIELDS if name in entry.errors],
        ),
        status,
    )


@blueprint.post("/departments/<code>/<any(deactivate, activate):change>")
@requires("admin")
def change_department(code: str, change: str) -> Any:
    """Stop offering a department (its link keeps working), or offer it again."""
    with current_app.extensions["writer_sessions"]() as db, db.begin():
        if get_department(db, code) is None:
            abort(404)
        changed = (deactivate_department if change == "deactivate" else activate_department)(
            db, code
        )
    flash(t(f"department_{change}d", name=changed.name(g.lang)))
    return redirect(url_for("dashboard.departments") + f"#department-{code}")


@blueprint.get("/departments/<code>/<any(" + ", ".join(f'"{n}"' for n in ASSET_TYPES) + "):name>")
@requires("admin")
def department_asset(code: str, name: str) -> Any:
    """Download one of a department's assets: its link, QR code (PNG, SVG) or poster."""
    with current_app.extensions["sessions"]() as db:
        if get_department(db, code) is None:
            abort(404)
        try:
            department, link = department_for_assets(db, code, _central())
        except (DepartmentError, PageError) as problem:
            return render_template("dashboard/error.html", message=str(problem)), 409
    return Response(
        asset(name, department, link, _flow()),
        content_type=ASSET_TYPES[name],
        headers={"Content-Disposition": f'attachment; filename="{code}-{name}"'},
    )
