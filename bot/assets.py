"""A department's printed and shared assets: its m.me link, QR code and A4 poster.

The QR code uses error correction level Q (a quarter of the symbol can be dirty, creased or
covered and it still reads, which suits paper on a clinic wall) and the standard quiet
zone of four modules. The poster is one A4 page in English and Setswana (the Setswana
texts are drafts awaiting review, like the flow's), with the QR code about 11 cm wide so a
phone reads it from a metre or more, the link for those who type it, and one line on why
to answer and how long it takes, counted from the flow (``survey_flows.length``).
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import segno
from sqlalchemy.orm import Session

from bot.config import DEFAULT_FLOW
from bot.departments import Department, DepartmentError, check_code, get_department
from survey_flows.definition import Flow, load_flow
from survey_flows.length import questions_met

if TYPE_CHECKING:
    from fpdf import FPDF  # loaded when a poster is drawn: every app start would pay ~0.3 s

PAGE_HANDLE = re.compile(r"^[A-Za-z0-9.]{1,100}$")
QUIET_ZONE = 4  # modules, as the QR standard asks
LEADING = 1.18  # line height, as a multiple of the font size
ERROR_CORRECTION = "q"  # about 25% of the symbol may be damaged

INK = (0.09, 0.13, 0.2)  # near-black blue: body text
BRAND = (0.0, 0.33, 0.45)  # deep teal: header band, 11:1 contrast with white
MUTED = (0.25, 0.29, 0.35)

# English, then Setswana (draft).
HEADLINE = ("How were you served?", "O ne wa thusiwa jang?")
SCAN = ("Scan with your phone camera", "Bula khamera ya founu o e lebise khoutu e")
OR_OPEN = ("or open", "kgotsa bula")
WHY = (
    "Your answers help improve public services. About {n} questions, most answered "
    "with one tap. Confidential, used only for statistics.",
    "Dikarabo tsa gago di thusa go tokafatsa ditirelo tsa puso. Dipotso di ka nna {n}, "
    "bontsi di arabiwa ka go tobetsa gangwe. Ke sephiri, di dirisediwa dipalopalo fela.",
)


def department_link(page: str, code: str) -> str:
    """Return the m.me link that opens the survey on a Page with the department's code."""
    if not PAGE_HANDLE.match(page or ""):
        raise ValueError(
            f"Page {page!r} must be the Page's username or numeric id (as in m.me/<page>)"
        )
    return f"https://m.me/{quote(page, safe='.')}?ref={quote(check_code(code), safe='=')}"


def _qr(link: str) -> segno.QRCode:
    return segno.make_qr(link, error=ERROR_CORRECTION, boost_error=False)


def qr_png(link: str) -> bytes:
    """Return the link's QR code as a PNG (16 pixels a module, quiet zone included)."""
    out = io.BytesIO()
    _qr(link).save(out, kind="png", scale=16, border=QUIET_ZONE)
    return out.getvalue()


def qr_svg(link: str) -> str:
    """Return the link's QR code as a standalone SVG (scales to any print size)."""
    out = io.BytesIO()
    _qr(link).save(
        out, kind="svg", scale=10, border=QUIET_ZONE, title=link, svgclass=None, lineclass=None
    )
    return out.getvalue().decode()


@cache
def _default_flow() -> Flow:
    return load_flow(DEFAULT_FLOW)


# A font: (family, style, size in points), as ``analytics.report_render.add_fonts`` names them.
Font = tuple[str, str, float]
HEADLINE_FONT: Font = ("DejaVu", "B", 36)
SUBHEAD_FONT: Font = ("DejaVu", "", 24)
NAME_FONT: Font = ("DejaVu", "B", 22)
NAME_TN_FONT: Font = ("DejaVu", "", 16.5)
SCAN_FONT: Font = ("DejaVu", "B", 20)
SCAN_TN_FONT: Font = ("DejaVu", "", 14.5)
SMALL_FONT: Font = ("DejaVu", "", 11)
LINK_FONT: Font = ("DejaVuMono", "B", 16)
WHY_FONT: Font = ("DejaVu", "", 14)
WHY_TN_FONT: Font = ("DejaVu", "I", 12)
FOOTER_FONT: Font = ("DejaVu", "", 10)
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0  # A4, in millimetres
MARGIN = 16.0
POINT = 25.4 / 72  # a point, in millimetres


def _rgb(color: tuple[float, float, float]) -> tuple[int, int, int]:
    red, green, blue = (round(255 * part) for part in color)
    return red, green, blue


def _wrap(pdf: FPDF, text: str, font: Font, width: float) -> list[str]:
    """Return the text broken into lines that fit the width (words first, then letters)."""
    pdf.set_font(*font)
    lines = pdf.multi_cell(width, text=text, dry_run=True, output="LINES")
    assert isinstance(lines, list)
    return lines


def _draw_lines(
    pdf: FPDF, text: str, font: Font, top: float, color: tuple[float, float, float]
) -> float:
    """Draw text centred and wrapped below ``top``; return the y under its last line."""
    lines = _wrap(pdf, text, font, PAGE_WIDTH - 2 * MARGIN)
    pdf.set_text_color(*_rgb(color))
    y = top
    for line in lines:
        y += font[2] * LEADING * POINT
        pdf.text((PAGE_WIDTH - pdf.get_string_width(line)) / 2, y, line)
    return y


def _link_lines(pdf: FPDF, link: str, width: float) -> list[str]:
    """Return the link as printed, without its scheme: whole if it fits, else cut before
    "?ref=", and any part still too wide at the character that overflows."""
    pdf.set_font(*LINK_FONT)
    shown = link.removeprefix("https://")
    parts = [shown] if pdf.get_string_width(shown) <= width else shown.split("?", 1)
    if len(parts) == 2:
        parts[1] = "?" + parts[1]
    lines: list[str] = []
    for part in parts:
        line = ""
        for char in part:
            if line and pdf.get_string_width(line + char) > width:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


def _draw_qr(pdf: FPDF, link: str, x: float, y: float, side: float) -> None:
    """Draw the QR code as vector squares, quiet zone included, in a square of ``side``."""
    from fpdf.enums import PathPaintRule

    qr = _qr(link)
    modules = len(qr.matrix) + 2 * QUIET_ZONE
    unit = side / modules
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, side, side, style="F")
    with pdf.new_path(paint_rule=PathPaintRule.FILL_NONZERO) as path:
        path.style.fill_color = "#000000"
        for row, cells in enumerate(qr.matrix):
            top = y + (row + QUIET_ZONE) * unit
            column = 0
            while column < len(cells):  # one rectangle per run of dark modules, one path: no seams
                if not cells[column]:
                    column += 1
                    continue
                run = column
                while run < len(cells) and cells[run]:
                    run += 1
                path.rectangle(x + (column + QUIET_ZONE) * unit, top, (run - column) * unit, unit)
                column = run


def poster_pdf(department: Department, link: str, flow: Flow | None = None) -> bytes:
    """Return a one-page A4 poster in English and Setswana with the QR code and the link."""
    from fpdf import FPDF

    from analytics.report_render import add_fonts

    flow = flow or _default_flow()
    area = department.service_areas[0] if department.service_areas else None
    questions = questions_met(flow, area)
    text_width = PAGE_WIDTH - 2 * MARGIN
    pdf = FPDF(format="A4")
    add_fonts(pdf, ("DejaVu", ""), ("DejaVu", "B"), ("DejaVu", "I"), ("DejaVuMono", "B"))
    pdf.set_auto_page_break(False)
    pdf.c_margin = 0  # lines are wrapped to the full text width
    pdf.set_title(f"{department.name_en}: public services survey")
    pdf.set_author(department.ministry)
    pdf.set_subject(link)
    pdf.set_lang("en")
    pdf.add_page()

    band = 52.0
    pdf.set_fill_color(*_rgb(BRAND))
    pdf.rect(0, 0, PAGE_WIDTH, band, style="F")
    y = _draw_lines(pdf, HEADLINE[0], HEADLINE_FONT, 10, (1, 1, 1))
    _draw_lines(pdf, HEADLINE[1], SUBHEAD_FONT, y + 3, (1, 1, 1))

    y = _draw_lines(pdf, department.name_en, NAME_FONT, band + 6, INK)
    if department.name_tn != department.name_en:
        y = _draw_lines(pdf, department.name_tn, NAME_TN_FONT, y + 1, MUTED)

    footer = 16.0
    # What stands under the QR code: (text, font, space above, colour), top down.
    below = [
        (SCAN[0], SCAN_FONT, 2.0, INK),
        (SCAN[1], SCAN_TN_FONT, 0.0, MUTED),
        (f"{OR_OPEN[0]} / {OR_OPEN[1]}", SMALL_FONT, 2.0, MUTED),
        *((line, LINK_FONT, 0.0, INK) for line in _link_lines(pdf, link, text_width)),
        (WHY[0].format(n=questions), WHY_FONT, 5.0, INK),
        (WHY[1].format(n=questions), WHY_TN_FONT, 2.0, MUTED),
    ]
    needed = sum(
        gap + len(_wrap(pdf, text, font, text_width)) * font[2] * LEADING * POINT
        for text, font, gap, _ in below
    )
    qr_top = y + 4
    side = min(135.0, PAGE_HEIGHT - footer - 6 - needed - qr_top)
    _draw_qr(pdf, link, (PAGE_WIDTH - side) / 2, qr_top, side)
    y = qr_top + side
    for text, font, gap, color in below:
        y = _draw_lines(pdf, text, font, y + gap, color)

    pdf.set_fill_color(237, 242, 245)
    pdf.rect(0, PAGE_HEIGHT - footer, PAGE_WIDTH, footer, style="F")
    _draw_lines(
        pdf, f"{department.ministry}  ·  SDG 16.6.2", FOOTER_FONT, PAGE_HEIGHT - footer + 4, MUTED
    )
    return bytes(pdf.output())


# Each asset's file name and media type, in the order they are written and listed.
ASSET_TYPES = {
    "link.txt": "text/plain; charset=utf-8",
    "qr.png": "image/png",
    "qr.svg": "image/svg+xml",
    "poster.pdf": "application/pdf",
}


def asset(name: str, department: Department, link: str, flow: Flow | None = None) -> bytes:
    """Return one of a department's assets by file name (a key of ``ASSET_TYPES``)."""
    if name == "link.txt":
        return (link + "\n").encode()
    if name == "qr.png":
        return qr_png(link)
    if name == "qr.svg":
        return qr_svg(link).encode()
    if name == "poster.pdf":
        return poster_pdf(department, link, flow)
    raise ValueError(f"no asset is called {name!r}: one of {', '.join(ASSET_TYPES)}")


def department_for_assets(
    session: Session, code: str, central: str | None
) -> tuple[Department, str]:
    """Return an active department and its link, or raise saying why it can have no assets.

    ``central`` is the central survey Page (``bot.pages.central_page``). A deactivated
    department gets no new assets: its old links keep working, but nothing new should
    send people to it.
    """
    from bot.pages import link_for_department

    department = get_department(session, code)
    if department is None:
        raise DepartmentError(
            f"no department has the code {code!r}: `flask --app wsgi departments list` shows them",
            "code",
        )
    if not department.active:
        raise DepartmentError(f"department {code!r} is inactive: activate it first", "code")
    return department, link_for_department(session, department, central)


def write_assets(
    department: Department, link: str, out_dir: Path, flow: Flow | None = None
) -> list[Path]:
    """Write link.txt, qr.png, qr.svg and poster.pdf into a folder; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in ASSET_TYPES:
        path = out_dir / name
        path.write_bytes(asset(name, department, link, flow))
        paths.append(path)
    return paths
