"""A viewer of department A learns nothing of department B, on any route, by any URL or id."""

from __future__ import annotations

import re

from sqlalchemy import select

from analytics.directory import read_directory
from bot.models import Report
from bot.report_schedule import build_report
from tests.dashboard.conftest import A_COMMENT, DEPARTMENT_A, DEPARTMENT_B, MONTH, WEEK

AREAS = ("healthcare", "primary_education", "secondary_education", "government_services")


def visible(html: str) -> str:
    """Return the text a person sees (tags and attribute values removed)."""
    return re.sub(r"<[^>]+>", " ", html)


def build_reports(app) -> dict[str, int]:
    """Build a report for A, for B, for B's ministry and for the whole country; return ids."""
    engine, sessions = app.extensions["db_engine"], app.extensions["sessions"]
    made = {
        "a": build_report(engine, sessions, "week", WEEK, "department", DEPARTMENT_A),
        "b": build_report(engine, sessions, "week", WEEK, "department", DEPARTMENT_B),
        "ministry_b": build_report(
            engine, sessions, "month", MONTH, "ministry", "Ministry of Labour and Home Affairs"
        ),
        "national": build_report(engine, sessions, "month", MONTH, "national", ""),
    }
    assert all(report.status == "ready" for report in made.values())
    return {name: report.id for name, report in made.items()}


def test_a_viewer_of_a_department_sees_nothing_of_another_on_any_route(filled, client_for):
    ids = build_reports(filled)
    b_name = read_directory(filled.extensions["db_engine"]).name(DEPARTMENT_B, "en")
    assert b_name == "Civil and National Registration (Omang)"
    viewer = client_for("viewer-a@example.org")
    pages = {
        "overview": f"/dashboard/?period={WEEK}",
        "month": f"/dashboard/?period={MONTH}",
        "comments": f"/dashboard/comments?period={WEEK}",
        "reports": "/dashboard/reports",
        "downloads": "/dashboard/downloads",
        **{area: f"/dashboard/area/{area}?period={WEEK}" for area in AREAS},
    }
    for name, url in pages.items():
        page = viewer.get(url)
        assert page.status_code == 200, name
        text = visible(page.text)
        assert b_name not in text and DEPARTMENT_B not in page.text, name
        assert "queue was awful" not in page.text, name
    comments = visible(viewer.get(f"/dashboard/comments?period={WEEK}").text)
    assert A_COMMENT in comments

    # B's department code in every URL that takes one: not found, and nothing of B shown.
    guessed = [
        f"/dashboard/?period={WEEK}&department={DEPARTMENT_B}",
        f"/dashboard/comments?period={WEEK}&department={DEPARTMENT_B}",
        f"/dashboard/downloads/indicators?period={WEEK}&department={DEPARTMENT_B}&format=csv",
        *(f"/dashboard/area/{a}?period={WEEK}&department={DEPARTMENT_B}" for a in AREAS),
    ]
    for url in guessed:
        response = viewer.get(url)
        assert response.status_code == 404, url
        assert b_name not in visible(response.text)

    # Report ids, guessed one by one: only A's own report opens.
    opened = {
        report_id
        for report_id in range(1, max(ids.values()) + 3)
        if viewer.get(f"/dashboard/reports/{report_id}.pdf").status_code == 200
    }
    assert opened == {ids["a"]}
    listed = viewer.get("/dashboard/reports").text
    assert f"/dashboard/reports/{ids['b']}.pdf" not in listed
    assert f"/dashboard/reports/{ids['national']}.pdf" not in listed

    # Microdata hold every department: viewers get none. Admin pages are closed too,
    # department management included, for their own department as for another.
    for url in (
        f"/dashboard/downloads/microdata?period={WEEK}&format=csv",
        f"/dashboard/downloads/microdata?period={WEEK}&format=csv&codebook=1",
        "/dashboard/users",
        "/dashboard/subscriptions",
        "/dashboard/departments",
        "/dashboard/departments/new",
        *(
            f"/dashboard/departments/{code}/{name}"
            for code in (DEPARTMENT_A, DEPARTMENT_B)
            for name in ("link.txt", "qr.png", "qr.svg", "poster.pdf")
        ),
    ):
        assert viewer.get(url).status_code == 403, url


def test_a_viewer_cannot_build_or_post_for_another_department(filled, client_for):
    viewer = client_for("viewer-a@example.org")
    page = viewer.get("/dashboard/reports")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    for department in (DEPARTMENT_B, ""):  # another department, or the whole country
        response = viewer.post(
            "/dashboard/reports/build",
            data={"csrf_token": token, "period": WEEK, "department": department},
        )
        assert response.status_code == 404
    with filled.extensions["sessions"]() as db:
        assert db.scalars(select(Report)).all() == []
    for url in (
        "/dashboard/users",
        "/dashboard/subscriptions",
        "/dashboard/departments/new",
        f"/dashboard/departments/{DEPARTMENT_B}/deactivate",
        f"/dashboard/departments/{DEPARTMENT_A}/deactivate",
    ):
        assert (
            viewer.post(url, data={"csrf_token": token, "email": "x@example.org"}).status_code
            == 403
        ), url


def test_the_indicator_download_of_a_viewer_covers_their_department_only(filled, client_for):
    viewer = client_for("viewer-a@example.org")
    own = viewer.get(f"/dashboard/downloads/indicators?period={WEEK}&format=csv")
    assert own.status_code == 200
    analyst = client_for("analyst@example.org")
    theirs = analyst.get(
        f"/dashboard/downloads/indicators?period={WEEK}&format=csv&department={DEPARTMENT_A}"
    )
    national = analyst.get(f"/dashboard/downloads/indicators?period={WEEK}&format=csv")
    assert own.data == theirs.data  # the same table as A's, not the national one
    assert own.data != national.data
