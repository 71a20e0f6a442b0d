"""Department management in the dashboard: an admin lists, adds, deactivates and activates
departments and downloads their assets through the registry's own functions, with clear
errors; nobody else can."""

from __future__ import annotations

import io
import re

import pytest
import zxingcpp
from PIL import Image

from bot.assets import qr_png, qr_svg
from bot.departments import get_department, list_departments
from tests.dashboard.conftest import csrf_token
from tests.dashboard.test_scope import visible

LINK = "https://m.me/BotswanaSurvey?ref=ghanzi-births"
GHANZI = {
    "code": "ghanzi-births",
    "name_en": "Ghanzi births office",
    "name_tn": "Ofisi ya ditsalo ya Ghanzi",
    "ministry": "Ministry of Labour and Home Affairs",
    "first_area": "government_services",
    "other_areas": ["healthcare", "government_services"],
    "page_id": "",
}


@pytest.fixture
def dashboard_settings(settings):
    """The app knows its central Page, so departments get links."""
    return settings.with_overrides(fb_page_username="BotswanaSurvey")


def post_new(client, **changes):
    """Post the add form as a browser does (after loading it for its CSRF token)."""
    token = csrf_token(client.get("/dashboard/departments/new").text)
    return client.post(
        "/dashboard/departments/new", data={**GHANZI, **changes, "csrf_token": token}
    )


def field_error(html: str, name: str) -> str | None:
    """Return the error shown beside a field of the form, if any."""
    found = re.search(rf'<p class="field-error" id="error-{name}">([^<]*)</p>', html)
    return found.group(1) if found else None


def decode(data: bytes) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))]


def test_an_admin_adds_a_department_and_gets_its_link_qr_codes_and_poster(app, client_for):
    admin = client_for("admin@example.org")
    listed = admin.get("/dashboard/departments")
    assert listed.status_code == 200
    assert "Civil and National Registration (Omang)" in listed.text

    response = post_new(admin)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard/departments#department-ghanzi-births")
    with app.extensions["sessions"]() as db:
        added = get_department(db, "ghanzi-births")
    assert added is not None and added.active and added.page_id is None
    assert (added.name_en, added.name_tn, added.ministry) == (
        GHANZI["name_en"],
        GHANZI["name_tn"],
        GHANZI["ministry"],
    )
    # The service asked first comes first; ticking it again among the others changes nothing.
    assert added.service_areas == ("government_services", "healthcare")

    page = admin.get("/dashboard/departments")
    assert "Ghanzi births office was added." in page.text
    card = page.text.split('id="department-ghanzi-births"', 1)[1].split("</li>\n", 1)[0]
    assert LINK in card
    files = {}
    for name in ("link.txt", "qr.png", "qr.svg", "poster.pdf"):
        url = f"/dashboard/departments/ghanzi-births/{name}"
        assert url in card
        download = admin.get(url)
        assert download.status_code == 200, name
        assert download.headers["Content-Disposition"] == (
            f'attachment; filename="ghanzi-births-{name}"'
        )
        files[name] = download.data
    # The very files `departments assets` writes.
    assert files["link.txt"].decode() == LINK + "\n"
    assert files["qr.png"] == qr_png(LINK) and decode(files["qr.png"]) == [LINK]
    assert files["qr.svg"].decode() == qr_svg(LINK)
    assert files["poster.pdf"].startswith(b"%PDF")


def test_the_form_says_what_to_fix_beside_each_field_and_stores_nothing(app, client_for):
    admin = client_for("admin@example.org")
    with app.extensions["sessions"]() as db:
        before = list_departments(db, include_inactive=True)

    empty = post_new(admin, code="", name_en="", ministry="", first_area="", other_areas=[])
    assert empty.status_code == 422
    assert field_error(empty.text, "code") == "Give the department a code."
    assert field_error(empty.text, "name_en") == "Give the department&#39;s name in English."
    assert field_error(empty.text, "ministry") == "Give the ministry it belongs to."
    assert field_error(empty.text, "service_areas") == "Choose the service asked about first."
    summary = empty.text.split('role="alert"', 1)[1].split("</div>", 1)[0]
    assert summary.count('<li><a href="#field-') == 4
    assert 'id="field-code"' in empty.text and 'aria-invalid="true" autofocus' in empty.text

    bad_code = post_new(admin, code="ghanzi births&x=1")
    assert bad_code.status_code == 422
    assert "cannot be a link&#39;s ref" in field_error(bad_code.text, "code")
    # What was typed is kept, so only the mistake needs retyping.
    assert 'value="Ofisi ya ditsalo ya Ghanzi"' in bad_code.text

    taken = post_new(admin, code="dnrs-omang")
    assert taken.status_code == 422
    assert "already exists" in field_error(taken.text, "code")

    long_name = post_new(admin, name_tn="x" * 201)
    assert field_error(long_name.text, "name_tn") == "Keep it to 200 characters."

    unknown_page = post_new(admin, page_id="99999")
    assert "unknown Page" in field_error(unknown_page.text, "page_id")

    no_token = admin.post("/dashboard/departments/new", data=GHANZI)
    assert no_token.status_code == 400
    with app.extensions["sessions"]() as db:
        assert list_departments(db, include_inactive=True) == before


def test_deactivating_keeps_the_department_listed_without_new_assets(app, client_for):
    admin = client_for("admin@example.org")
    token = csrf_token(admin.get("/dashboard/departments").text)
    response = admin.post(
        "/dashboard/departments/dnrs-births/deactivate", data={"csrf_token": token}
    )
    assert response.status_code == 302
    with app.extensions["sessions"]() as db:
        assert get_department(db, "dnrs-births").active is False
    page = admin.get("/dashboard/departments")
    card = visible(page.text.split('id="department-dnrs-births"', 1)[1].split("</li>\n", 1)[0])
    assert "no longer active" in card and "Activate" in card
    assert "/dashboard/departments/dnrs-births/poster.pdf" not in page.text
    refused = admin.get("/dashboard/departments/dnrs-births/poster.pdf")
    assert refused.status_code == 409 and "inactive: activate it first" in refused.text

    admin.post("/dashboard/departments/dnrs-births/activate", data={"csrf_token": token})
    with app.extensions["sessions"]() as db:
        assert get_department(db, "dnrs-births").active is True
    assert admin.get("/dashboard/departments/dnrs-births/poster.pdf").status_code == 200
    assert admin.get("/dashboard/departments/nope/poster.pdf").status_code == 404
    assert (
        admin.post("/dashboard/departments/nope/deactivate", data={"csrf_token": token})
    ).status_code == 404


def test_without_a_central_page_the_list_says_what_to_set(app, client_for):
    # A department of a stored Page gets its link from that Page; the others need the
    # central one, which these settings do not name.
    app.config["SETTINGS"] = app.config["SETTINGS"].with_overrides(fb_page_username="")
    admin = client_for("admin@example.org")
    page = admin.get("/dashboard/departments")
    assert "set FB_PAGE_USERNAME (or FB_PAGE_ID)" in page.text
    refused = admin.get("/dashboard/departments/dnrs-omang/qr.png")
    assert refused.status_code == 409 and "FB_PAGE_USERNAME" in refused.text


def test_the_new_department_is_offered_wherever_departments_are_chosen(app, client_for):
    admin = client_for("admin@example.org")
    assert post_new(admin).status_code == 302
    for url in ("/dashboard/", "/dashboard/downloads", "/dashboard/reports"):
        assert 'value="ghanzi-births"' in admin.get(url).text, url
    subscriptions = admin.get("/dashboard/subscriptions").text
    assert "Weekly: Ghanzi births office" in subscriptions
    users = admin.get("/dashboard/users").text
    assert '<option value="ghanzi-births">Ghanzi births office</option>' in users


@pytest.mark.parametrize("who", ["viewer-a@example.org", "analyst@example.org"])
def test_only_an_admin_may_manage_departments(app, client_for, who):
    client = client_for(who)
    token = csrf_token(client.get("/dashboard/reports").text)
    assert "/dashboard/departments" not in client.get("/dashboard/reports").text  # no menu entry
    for url in (
        "/dashboard/departments",
        "/dashboard/departments/new",
        *(f"/dashboard/departments/dnrs-omang/{n}" for n in ("link.txt", "qr.png", "qr.svg")),
        "/dashboard/departments/moh-clinics/poster.pdf",
    ):
        assert client.get(url).status_code == 403, url
    assert post_new(client).status_code == 403
    for url in (
        "/dashboard/departments/new",
        "/dashboard/departments/moh-clinics/deactivate",
        "/dashboard/departments/dnrs-omang/activate",
    ):
        assert client.post(url, data={**GHANZI, "csrf_token": token}).status_code == 403, url
    with app.extensions["sessions"]() as db:
        assert get_department(db, "ghanzi-births") is None
        assert get_department(db, "moh-clinics").active
