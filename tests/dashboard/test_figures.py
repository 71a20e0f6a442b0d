"""The dashboard's figures are the indicator table's, in words a person reads."""

from __future__ import annotations

import re

import pandas as pd
from click.testing import CliRunner

from analytics.commands import make_group
from tests.dashboard.conftest import B_SECRET, DEPARTMENT_A, DEPARTMENT_B, WEEK, csrf_token
from tests.dashboard.test_scope import visible

RAW = re.compile(
    r"\b(?:hc|pe|se|gov|ed|wg)_[a-z_]+\b|\btopic_\w+|\b(?:overall_satisfaction|attribute_average|"
    r"n_valid|healthcare|government_services|primary_education|secondary_education)\b|"
    r"\bsex\s*=|moh-|dnrs-|moe-"
)


def indicator_table(app, tmp_path, department: str | None) -> pd.DataFrame:
    """Return the table `analytics indicators` writes for the week and department."""
    out = tmp_path / f"table-{department}.csv"
    args = ["indicators", "--out", str(out), "--from", "2026-11-02", "--to", "2026-11-08"]
    if department:
        args += ["--department", department]
    result = CliRunner().invoke(make_group(lambda: app.extensions["db_engine"]), args)
    assert result.exit_code == 0, result.output
    return pd.read_csv(out, dtype={"category": str})


def cells(html: str, caption: str) -> dict[str, str]:
    """Return the rows of the table with this caption: first cell -> second cell."""
    table = html.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><th scope=\"row\">(.*?)</th>\s*<td[^>]*>(.*?)</td>", table, re.S)
    return {name.strip(): value.strip() for name, value in rows}


def test_the_numbers_on_the_pages_are_the_indicator_tables(filled, client_for, tmp_path):
    for email, department in (("viewer-a@example.org", DEPARTMENT_A), ("admin@example.org", None)):
        expected = indicator_table(filled, tmp_path, department)
        total = expected[expected["dimension"] == "total"]
        client = client_for(email)
        overview = client.get(f"/dashboard/?period={WEEK}").text
        shown = cells(overview, "Satisfied overall, by service")
        names = {"healthcare": "Health care", "primary_education": "Primary schools",
                 "secondary_education": "Secondary schools",
                 "government_services": "ID and civil documents"}  # fmt: skip
        overall = total[total["estimate"] == "overall_satisfaction"]
        assert len(shown) == 4
        for row in overall.itertuples(index=False):
            text = "too few answers to show" if pd.isna(row.percent) else f"{row.percent:.1f}%"
            assert shown[names[row.service_area]] == text
        page = client.get(f"/dashboard/area/healthcare?period={WEEK}").text
        by_sex = cells(page, "Satisfied overall, by group: Sex")
        sex = expected[
            (expected["dimension"] == "sex")
            & (expected["service_area"] == "healthcare")
            & (expected["estimate"] == "overall_satisfaction")
        ].set_index("category")
        for code, name in (("1", "Male"), ("2", "Female")):
            value = sex.loc[code, "percent"]
            assert by_sex[name] == (
                "too few answers to show" if pd.isna(value) else f"{value:.1f}%"
            )


def test_pages_show_names_never_codes_or_ids(filled, client_for):
    admin = client_for("admin@example.org")
    urls = [
        f"/dashboard/?period={WEEK}",
        f"/dashboard/comments?period={WEEK}",
        *(f"/dashboard/area/{a}?period={WEEK}" for a in
          ("healthcare", "primary_education", "secondary_education", "government_services")),
    ]  # fmt: skip
    for url in urls:
        text = visible(admin.get(url).text)
        assert not RAW.search(text), (url, RAW.search(text))
    page = admin.get(f"/dashboard/area/healthcare?period={WEEK}").text
    assert "Everyone treated equally" in page and "Female" in page and "Town or city" not in page
    assert "<svg" in page and 'role="img"' in page and "<title" in page and "<desc" in page


def test_the_pages_speak_setswana_when_asked(filled, client_for):
    viewer = client_for("viewer-a@example.org")
    page = viewer.get(f"/dashboard/?period={WEEK}")
    viewer.post(
        "/dashboard/language",
        data={"lang": "tn", "csrf_token": csrf_token(page.text), "next": "/dashboard/"},
    )
    area = viewer.get(f"/dashboard/area/healthcare?period={WEEK}").text
    assert "Tlhokomelo ya boitekanelo" in area and "Mosadi" in area and "Bong" in area
    assert not RAW.search(visible(area))


def test_comments_are_shown_with_phone_numbers_masked(filled, client_for):
    viewer = client_for("viewer-b@example.org")
    page = viewer.get(f"/dashboard/comments?period={WEEK}").text
    assert "Omang office B queue was awful, call [phone]" in page
    assert "71234567" not in page and B_SECRET not in page
    assert DEPARTMENT_B not in visible(page)
