"""Reports and the dashboard read department names and ministries from the registry in the
database: a change shows at once, Setswana readers get the registry's Setswana names, and a
deactivated department still appears wherever it has answers."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from analytics.commands import make_group
from analytics.directory import read_directory
from analytics.errors import InputError
from bot.departments import add_department, deactivate_department
from tests.dashboard.conftest import DEPARTMENT_A, DEPARTMENT_B, MONTH, WEEK, csrf_token
from tests.dashboard.test_reports import pdf_pages

OMANG = "Civil and National Registration (Omang)"


def department_options(html: str) -> dict[str, str]:
    """Return the department filter's choices: code -> name shown."""
    select = html.split('<select id="department" name="department">', 1)[1].split("</select>")[0]
    found = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    return {code: name for code, name in found if code}


def test_pages_name_departments_from_the_registry_in_the_viewers_language(filled, client_for):
    admin = client_for("admin@example.org")
    page = admin.get(f"/dashboard/?period={WEEK}")
    assert department_options(page.text)[DEPARTMENT_A] == "Ministry of Health clinics"
    token = csrf_token(page.text)
    admin.post("/dashboard/language", data={"csrf_token": token, "lang": "tn", "next": "/"})
    with filled.extensions["sessions"]() as db:
        setswana = read_directory(db).departments[DEPARTMENT_A].name_tn
    assert setswana != "Ministry of Health clinics"
    page = admin.get(f"/dashboard/?period={WEEK}&department={DEPARTMENT_A}")
    assert department_options(page.text)[DEPARTMENT_A] == setswana
    assert f'<p class="lead">{setswana}</p>' in page.text
    # A name corrected in the registry shows on the next page, in every process.
    with filled.extensions["db_engine"].begin() as connection:
        connection.execute(
            text("UPDATE departments SET name_tn = 'Dikliniki tsa Botsogo' WHERE code = :code"),
            {"code": DEPARTMENT_A},
        )
    page = admin.get(f"/dashboard/?period={WEEK}")
    assert department_options(page.text)[DEPARTMENT_A] == "Dikliniki tsa Botsogo"


def test_a_deactivated_department_still_appears_where_it_has_answers(filled, client_for, tmp_path):
    with filled.extensions["sessions"]() as db, db.begin():
        deactivate_department(db, DEPARTMENT_B)
    admin = client_for("admin@example.org")
    with_answers = department_options(admin.get(f"/dashboard/?period={WEEK}").text)
    assert with_answers[DEPARTMENT_B] == f"{OMANG} (no longer active)"
    before_the_data = department_options(admin.get("/dashboard/?period=2026-W40").text)
    assert DEPARTMENT_B not in before_the_data and DEPARTMENT_A in before_the_data
    figures = admin.get(f"/dashboard/?period={WEEK}&department={DEPARTMENT_B}")
    assert figures.status_code == 200 and f'<p class="lead">{OMANG}</p>' in figures.text
    # Its viewer keeps seeing it.
    viewer = client_for("viewer-b@example.org")
    assert DEPARTMENT_B in department_options(viewer.get("/dashboard/?period=2026-W40").text)

    group = make_group(lambda: filled.extensions["db_engine"])
    for name, extra in (
        ("national", []),
        ("ministry", ["--ministry", "Ministry of Labour and Home Affairs"]),
        ("department", ["--department", DEPARTMENT_B]),
    ):
        out = tmp_path / f"{name}.pdf"
        result = CliRunner().invoke(group, ["report", "--period", MONTH, "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        words = " ".join(" ".join(pdf_pages(out.read_bytes())).split())
        assert OMANG in words, name
        assert "Link not in the registry" not in words


def test_ministries_come_from_the_registry(app):
    engine = app.extensions["db_engine"]
    with pytest.raises(InputError, match=r"known ministries: .*Ministry of Health"):
        read_directory(engine).report_scope(ministry="Ministry of Local Government")
    with app.extensions["sessions"]() as db, db.begin():
        add_department(
            db, "mlg-maun", "Maun council", "Lekgotla la Maun", "Ministry of Local Government",
            ["government_services"],
        )  # fmt: skip
        deactivate_department(db, "mlg-maun")
    scope = read_directory(engine).report_scope(ministry="Ministry of Local Government")
    assert scope.scope.departments == {"mlg-maun"}  # inactive departments keep their reports
    assert scope.title("en") == "Ministry of Local Government"
    assert read_directory(engine).report_scope(department="mlg-maun").title("tn") == (
        "Lekgotla la Maun"
    )
