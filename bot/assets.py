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
from urllib.parse import quote

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from bot.config import DEFAULT_FLOW
from bot.departments import Department, check_code
from survey_flows.definition import Flow, load_flow
from survey_flows.length import questions_met

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


def _draw_lines(
    canvas: Canvas,
    text: str,
    font: str,
    size: float,
    top: float,
    width: float,
    color: tuple[float, float, float],
) -> float:
    """Draw text centred and wrapped below ``top``; return the y under its last line."""
    page_width, _ = A4
    canvas.setFont(font, size)
    canvas.setFillColorRGB(*color)
    y = top
    for line in simpleSplit(text, font, size, width):
        y -= size * LEADING
        canvas.drawCentredString(page_width / 2, y, line)
    return y


def _link_lines(link: str, font: str, size: float, width: float) -> list[str]:
    """Return the link as printed, without its scheme: whole if it fits, else cut before
    "?ref=", and any part still too wide at the character that overflows."""
    shown = link.removeprefix("https://")
    parts = [shown] if stringWidth(shown, font, size) <= width else shown.split("?", 1)
    if len(parts) == 2:
        parts[1] = "?" + parts[1]
    lines: list[str] = []
    for part in parts:
        line = ""
        for char in part:
            if line and stringWidth(line + char, font, size) > width:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


def _draw_qr(canvas: Canvas, link: str, x: float, y: float, side: float) -> None:
    """Draw the QR code as vector squares, quiet zone included, in a square of ``side``."""
    qr = _qr(link)
    modules = len(qr.matrix) + 2 * QUIET_ZONE
    unit = side / modules
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, side, side, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for row, cells in enumerate(qr.matrix):
        bottom = y + side - (row + QUIET_ZONE + 1) * unit
        column = 0
        while column < len(cells):  # one rectangle per run of dark modules: no seams
            if not cells[column]:
                column += 1
                continue
            run = column
            while run < len(cells) and cells[run]:
                run += 1
            path.rect(x + (column + QUIET_ZONE) * unit, bottom, (run - column) * unit, unit)
            column = run
    canvas.drawPath(path, stroke=0, fill=1)


def poster_pdf(department: Department, link: str, flow: Flow | None = None) -> bytes:
    """Return a one-page A4 poster in English and Setswana with the QR code and the link."""
    flow = flow or _default_flow()
    area = department.service_areas[0] if department.service_areas else None
    questions = questions_met(flow, area)
    width, height = A4
    margin = 16 * mm
    text_width = width - 2 * margin
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(f"{department.name_en}: public services survey")
    canvas.setAuthor(department.ministry)
    canvas.setSubject(link)

    band = 52 * mm
    canvas.setFillColorRGB(*BRAND)
    canvas.rect(0, height - band, width, band, stroke=0, fill=1)
    y = _draw_lines(
        canvas, HEADLINE[0], "Helvetica-Bold", 40, height - 10 * mm, text_width, (1, 1, 1)
    )
    _draw_lines(canvas, HEADLINE[1], "Helvetica", 26, y - 3 * mm, text_width, (1, 1, 1))

    y = _draw_lines(
        canvas, department.name_en, "Helvetica-Bold", 24, height - band - 6 * mm, text_width, INK
    )
    if department.name_tn != department.name_en:
        y = _draw_lines(canvas, department.name_tn, "Helvetica", 18, y - 1 * mm, text_width, MUTED)

    footer = 16 * mm
    # What stands under the QR code: (text, font, size, space above, colour), top down.
    below = [
        (SCAN[0], "Helvetica-Bold", 22, 2 * mm, INK),
        (SCAN[1], "Helvetica", 16, 0, MUTED),
        (f"{OR_OPEN[0]} / {OR_OPEN[1]}", "Helvetica", 12, 2 * mm, MUTED),
        *(
            (line, "Courier-Bold", 16, 0, INK)
            for line in _link_lines(link, "Courier-Bold", 16, text_width)
        ),
        (WHY[0].format(n=questions), "Helvetica", 16, 5 * mm, INK),
        (WHY[1].format(n=questions), "Helvetica-Oblique", 14, 2 * mm, MUTED),
    ]
    needed = sum(
        gap + len(simpleSplit(text, font, size, text_width)) * size * LEADING
        for text, font, size, gap, _ in below
    )
    qr_top = y - 4 * mm
    side = min(135 * mm, qr_top - footer - 6 * mm - needed)
    _draw_qr(canvas, link, (width - side) / 2, qr_top - side, side)
    y = qr_top - side
    for text, font, size, gap, color in below:
        y = _draw_lines(canvas, text, font, size, y - gap, text_width, color)

    canvas.setFillColorRGB(0.93, 0.95, 0.96)
    canvas.rect(0, 0, width, footer, stroke=0, fill=1)
    _draw_lines(
        canvas,
        f"{department.ministry}  ·  SDG 16.6.2",
        "Helvetica",
        11,
        footer - 4 * mm,
        text_width,
        MUTED,
    )
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def write_assets(
    department: Department, link: str, out_dir: Path, flow: Flow | None = None
) -> list[Path]:
    """Write link.txt, qr.png, qr.svg and poster.pdf into a folder; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = {
        "link.txt": (link + "\n").encode(),
        "qr.png": qr_png(link),
        "qr.svg": qr_svg(link).encode(),
        "poster.pdf": poster_pdf(department, link, flow),
    }
    paths = []
    for name, content in files.items():
        path = out_dir / name
        path.write_bytes(content)
        paths.append(path)
    return paths
