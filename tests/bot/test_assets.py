"""A department's link, QR code and poster: a phone camera must open the link from the QR
code, whether it is printed from the PNG, the SVG or the poster."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from bot.app import close_services
from bot.assets import department_link, poster_pdf, qr_png, qr_svg, write_assets
from bot.departments import Department, add_department, deactivate_department
from survey_flows.definition import load_flow
from survey_flows.length import questions_met

FLOW = load_flow(Path(__file__).resolve().parents[2] / "survey_flows/flows/sdg16_6_2.yaml")
OMANG = Department(
    code="dnrs-omang",
    name_en="Civil and National Registration (Omang)",
    name_tn="Kwadiso ya Baagi (Omang)",
    ministry="Ministry of Labour and Home Affairs",
    service_areas=("government_services",),
    active=True,
    page_id=None,
)
LINK = "https://m.me/BotswanaSurvey?ref=dnrs-omang"


def _decode(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def _render(pdf: bytes, tmp_path: Path, dpi: int = 100) -> Image.Image:
    """Turn the PDF's page into an image as a printer would, with poppler's pdftoppm."""
    assert shutil.which("pdftoppm"), "pdftoppm is missing: scripts/setup-browser installs it"
    source = tmp_path / "poster.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(source), str(tmp_path / "page")],
        check=True,
    )
    return Image.open(tmp_path / "page.png")


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "text.pdf"
    source.write_bytes(pdf)
    done = subprocess.run(["pdftotext", str(source), "-"], check=True, capture_output=True)
    return " ".join(done.stdout.decode().split())


def test_the_link_carries_the_code_as_ref_and_is_url_safe():
    assert department_link("BotswanaSurvey", "dnrs-omang") == LINK
    assert (
        department_link("112233445566778", "a=b_c-9") == "https://m.me/112233445566778?ref=a=b_c-9"
    )
    with pytest.raises(ValueError, match="letters, digits"):
        department_link("BotswanaSurvey", "dnrs omang&x=1")
    with pytest.raises(ValueError, match="username or numeric id"):
        department_link("evil.example/path?", "dnrs-omang")


def test_the_qr_png_decodes_to_the_link_with_print_grade_error_correction():
    image = Image.open(io.BytesIO(qr_png(LINK)))
    assert _decode(image) == [LINK]
    [result] = zxingcpp.read_barcodes(image)
    assert result.format == zxingcpp.BarcodeFormat.QRCode
    assert result.ec_level == "Q"
    # Quiet zone: four white modules (16 px each) all round.
    assert image.convert("L").crop((0, 0, 64, image.height)).getextrema() == (255, 255)


def test_the_qr_still_reads_with_a_smear_across_it():
    # A band across the data, 8% of the height: lost with error correction L or M, read with Q.
    image = Image.open(io.BytesIO(qr_png(LINK))).convert("L")
    side = image.width
    top = int(side * 0.45)
    image.paste(255, (int(side * 0.12), top, int(side * 0.88), top + int(side * 0.08)))
    assert _decode(image) == [LINK]


@pytest.mark.browser
def test_the_qr_svg_decodes_to_the_link_when_a_browser_draws_it(tmp_path):
    from playwright.sync_api import sync_playwright

    svg = qr_svg(LINK)
    assert svg.lstrip().startswith("<?xml") and f"<title>{LINK}</title>" in svg
    (tmp_path / "qr.svg").write_text(svg)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium") or "/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu"],
        )
        page = browser.new_page()
        page.goto((tmp_path / "qr.svg").as_uri())
        shot = page.screenshot()
        browser.close()
    assert _decode(Image.open(io.BytesIO(shot))) == [LINK]


def test_the_poster_is_one_a4_page_whose_qr_opens_the_link(tmp_path):
    pdf = poster_pdf(OMANG, LINK, FLOW)
    image = _render(pdf, tmp_path)
    assert abs(image.width - 827) <= 1 and abs(image.height - 1169) <= 1  # A4 at 100 dpi
    assert _decode(image) == [LINK]
    # Large enough to read from a metre: the QR code spans half the page width or more.
    [found] = zxingcpp.read_barcodes(image)
    corners = [found.position.top_left, found.position.top_right]
    assert corners[1].x - corners[0].x >= image.width / 2


def test_the_poster_says_who_why_and_how_long_in_both_languages(tmp_path):
    text = _pdf_text(poster_pdf(OMANG, LINK, FLOW), tmp_path)
    questions = questions_met(FLOW, "government_services")
    assert 15 < questions < 40
    for expected in (
        "How were you served?",
        "O ne wa thusiwa jang?",
        "Civil and National Registration (Omang)",
        "Kwadiso ya Baagi (Omang)",
        "Scan with your phone camera",
        "m.me/BotswanaSurvey",
        "?ref=dnrs-omang",
        f"About {questions} questions",
        f"Dipotso di ka nna {questions}",
        "Ministry of Labour and Home Affairs",
    ):
        assert expected in text


def test_names_outside_latin_1_print_as_themselves(tmp_path):
    # The registry takes any name an admin types: dashes, curly quotes, accented letters.
    named = Department(
        code="maun-clinic",
        name_en="Maun clinic \u2014 \u2018Letsholathebe\u2019 wing",
        name_tn="Kliniki ya Maun \u0161 \u014b",
        ministry="Ministry of Health",
        active=True,
        service_areas=("healthcare",),
    )
    link = department_link("BotswanaSurvey", "maun-clinic")
    pdf = poster_pdf(named, link, FLOW)
    text = _pdf_text(pdf, tmp_path)
    assert named.name_en in text and named.name_tn in text
    assert _decode(_render(pdf, tmp_path)) == [link]


def test_a_long_code_and_name_still_fit_and_scan(tmp_path):
    code = "district-" + "x" * 230
    long_one = Department(
        code=code,
        name_en="A department with a very long name " * 3,
        name_tn="Lefapha " * 12,
        ministry="Ministry of Health",
        active=True,
        service_areas=("healthcare",),
    )
    link = department_link("BotswanaSurvey", code)
    pdf = poster_pdf(long_one, link, FLOW)
    assert _decode(_render(pdf, tmp_path, dpi=150)) == [link]
    assert code[-30:] in _pdf_text(pdf, tmp_path).replace(" ", "")


def test_the_interview_length_is_counted_from_the_flow():
    # A person who used one service meets that block's questions, not the others'.
    health = questions_met(FLOW, "healthcare")
    everything = questions_met(FLOW, "healthcare", used_everything=True)
    hc_block = [q for q in FLOW.questions if q.block == "healthcare" and not q.optional]
    assert everything > health
    assert everything - questions_met(FLOW, None) >= len(hc_block) - 3


def test_write_assets_writes_the_four_files(tmp_path):
    paths = write_assets(OMANG, LINK, tmp_path / "out", FLOW)
    assert [p.name for p in paths] == ["link.txt", "qr.png", "qr.svg", "poster.pdf"]
    assert (tmp_path / "out" / "link.txt").read_text() == LINK + "\n"
    assert (tmp_path / "out" / "poster.pdf").read_bytes().startswith(b"%PDF")


# --- the command ---------------------------------------------------------------------------


def _assets(app, *args: str):
    return app.test_cli_runner().invoke(args=["departments", "assets", *args])


@pytest.fixture
def named_app(settings, graph):
    from bot.app import create_app

    app = create_app(
        settings.with_overrides(graph_api_url=graph.url, fb_page_username="BotswanaSurvey")
    )
    yield app
    close_services(app)


def test_a_new_department_gets_a_working_link_qr_and_poster_in_two_commands(named_app, tmp_path):
    runner = named_app.test_cli_runner()
    added = runner.invoke(
        args=[
            "departments",
            "add",
            "ghanzi-births",
            "--name",
            "Ghanzi births office",
            "--name-tn",
            "Ofisi ya ditsalo ya Ghanzi",
            "--ministry",
            "Ministry of Labour and Home Affairs",
            "--service-area",
            "government_services",
        ]
    )
    assert added.exit_code == 0, added.output
    result = _assets(named_app, "ghanzi-births", "--out", str(tmp_path / "ghanzi"))
    assert result.exit_code == 0, result.output
    link = "https://m.me/BotswanaSurvey?ref=ghanzi-births"
    assert (tmp_path / "ghanzi" / "link.txt").read_text().strip() == link
    assert _decode(Image.open(tmp_path / "ghanzi" / "qr.png")) == [link]
    poster = (tmp_path / "ghanzi" / "poster.pdf").read_bytes()
    assert _decode(_render(poster, tmp_path)) == [link]


def test_assets_refuse_what_cannot_make_a_working_link(app, named_app, db, tmp_path):
    no_page = _assets(app, "dnrs-omang", "--out", str(tmp_path / "a"))
    assert no_page.exit_code == 1 and "set FB_PAGE_USERNAME (or FB_PAGE_ID)" in no_page.output
    unknown = _assets(named_app, "nope", "--out", str(tmp_path / "b"))
    assert unknown.exit_code == 1 and "no department has the code 'nope'" in unknown.output
    deactivate_department(db, "dnrs-births")
    db.commit()
    inactive = _assets(named_app, "dnrs-births", "--out", str(tmp_path / "c"))
    assert inactive.exit_code == 1 and "inactive" in inactive.output
    assert not any((tmp_path / d).exists() for d in "abc")


def test_departments_commands_list_deactivate_and_refuse_bad_input(app, db):
    runner = app.test_cli_runner()
    bad = runner.invoke(
        args=[
            "departments",
            "add",
            "x y",
            "--name",
            "X",
            "--ministry",
            "M",
            "--service-area",
            "healthcare",
        ]
    )
    assert bad.exit_code == 1 and bad.output.count("\n") == 1 and "letters, digits" in bad.output
    area = runner.invoke(
        args=[
            "departments",
            "add",
            "xy",
            "--name",
            "X",
            "--ministry",
            "M",
            "--service-area",
            "hospitals",
        ]
    )
    assert area.exit_code == 1 and "unknown service area 'hospitals'" in area.output
    assert runner.invoke(args=["departments", "deactivate", "moe-primary"]).exit_code == 0
    listed = runner.invoke(args=["departments", "list"]).output
    assert "moe-primary" not in listed and "moe-secondary\tactive\tsecondary_education" in listed
    everything = runner.invoke(args=["departments", "list", "--all"]).output
    assert "moe-primary\tinactive" in everything
    missing = runner.invoke(args=["departments", "deactivate", "nope"])
    assert missing.exit_code == 1
    add_department(db, "ok", "OK", None, "M", ["healthcare"])  # the API still works after
