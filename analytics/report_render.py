"""Write a report's content as an A4 PDF or as Markdown with PNG charts.

Charts are drawn with matplotlib's Agg canvas (no display, safe in a web or worker process):
horizontal bars with their 95% intervals, or lines over weeks. The PDF uses the DejaVu fonts
that ship with matplotlib, so any name in English or Setswana prints, and its text can be
extracted and searched.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
import numpy as np
from fpdf import FPDF
from fpdf.fonts import FontFace
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analytics.export import atomic_output
from analytics.report_content import (
    Bars,
    Block,
    Document,
    Heading,
    Lines,
    PageBreak,
    Paragraph,
    Table,
)

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
# The faces any PDF of the product prints with (reports here, posters in bot.assets).
FONT_FILES = {
    ("DejaVu", ""): "DejaVuSans.ttf",
    ("DejaVu", "B"): "DejaVuSans-Bold.ttf",
    ("DejaVu", "I"): "DejaVuSans-Oblique.ttf",
    ("DejaVuMono", "B"): "DejaVuSansMono-Bold.ttf",
}
INK, BAR, WHISKER = "#1a1a1a", "#1f4e79", "#000000"
SUPPRESSED = "too few answers to show"


def _png(figure: Figure) -> bytes:
    canvas = FigureCanvasAgg(figure)
    figure.tight_layout()
    buffer = io.BytesIO()
    canvas.print_png(buffer)
    return buffer.getvalue()


def chart_png(chart: Bars | Lines, dpi: int = 160) -> bytes:
    """Draw a chart as PNG bytes."""
    if isinstance(chart, Lines):
        return _lines_png(chart, dpi)
    height = max(1.6, 0.42 * len(chart.labels) + 0.9)
    figure = Figure(figsize=(7.2, height), dpi=dpi)
    axes = figure.add_subplot()
    y = np.arange(len(chart.labels))
    values = np.array([np.nan if v is None else v for v in chart.values], dtype=float)
    axes.barh(y, np.nan_to_num(values), color=BAR, height=0.6)
    if chart.low is not None and chart.high is not None:
        low = np.array([np.nan if v is None else v for v in chart.low], dtype=float)
        high = np.array([np.nan if v is None else v for v in chart.high], dtype=float)
        shown = ~np.isnan(low) & ~np.isnan(high)
        axes.errorbar(
            values[shown],
            y[shown],
            xerr=[values[shown] - low[shown], high[shown] - values[shown]],
            fmt="none",
            ecolor=WHISKER,
            capsize=3,
            linewidth=1,
        )
    right = 100.0 if chart.percent else max(1.0, float(np.nanmax(values, initial=1.0)) * 1.15)
    for position, value in zip(y, values, strict=True):
        text = (
            SUPPRESSED
            if np.isnan(value)
            else (f"{value:.1f}%" if chart.percent else f"{value:,.0f}")
        )
        axes.text(
            right * 0.01 if np.isnan(value) else value + right * 0.01,
            position - 0.3,
            text,
            fontsize=8,
            color=INK,
            va="bottom",
        )
    axes.set_yticks(y, chart.labels, fontsize=8.5, color=INK)
    axes.invert_yaxis()
    axes.set_xlim(0, right)
    axes.set_title(chart.title, fontsize=10, color=INK, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def _lines_png(chart: Lines, dpi: int) -> bytes:
    figure = Figure(figsize=(7.2, 3.2), dpi=dpi)
    axes = figure.add_subplot()
    x = np.arange(len(chart.points))
    markers = ["o", "s", "^", "D"]
    for k, (name, values) in enumerate(chart.series.items()):
        y = np.array([np.nan if v is None else v for v in values], dtype=float)
        axes.plot(x, y, marker=markers[k % len(markers)], label=name)
    axes.set_xticks(x, [p.split(" (")[0] for p in chart.points], fontsize=7.5, rotation=20)
    axes.set_ylim(0, 100)
    axes.set_ylabel("percent")
    axes.set_title(chart.title, fontsize=10, color=INK, loc="left")
    axes.legend(fontsize=7.5, loc="lower left")
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def add_fonts(pdf: FPDF, *faces: tuple[str, str]) -> None:
    """Give a PDF the DejaVu faces it uses (family, style), as keys of ``FONT_FILES``.

    DejaVu prints every letter of English and Setswana (and most scripts), and every face
    added is embedded, so add only the ones the document uses.
    """
    for family, style in faces:
        pdf.add_font(family, style, str(FONTS / FONT_FILES[family, style]))


class _Pdf(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.report_title = title
        add_fonts(self, ("DejaVu", ""), ("DejaVu", "B"))
        self.set_auto_page_break(True, margin=16)
        self.set_margins(16, 16, 16)
        self.set_title(title)
        self.set_lang("en")

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", "", 7.5)
        self.set_text_color(70, 70, 70)
        self.cell(0, 5, f"{self.report_title} - page {self.page_no()}", align="C")


def write_pdf(document: Document, path: str | Path) -> Path:
    """Write the document as an A4 PDF; return its path."""
    pdf = _Pdf(document.title)
    pdf.add_page()
    pdf.set_text_color(26, 26, 26)
    pdf.set_font("DejaVu", "B", 16)
    pdf.multi_cell(0, 8, document.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    pdf.multi_cell(0, 6, document.subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    for position, block in enumerate(document.blocks):
        if isinstance(block, Heading):
            # Keep a heading with what it introduces: no title alone at the foot of a page.
            needed = _kept_with(pdf, document.blocks[position:])
            if pdf.get_y() + needed > pdf.h - pdf.b_margin:
                pdf.add_page()
        _pdf_block(pdf, block)
    target = Path(path)
    with atomic_output(target) as temporary:
        pdf.output(str(temporary))
    return target


def _chart_height(pdf: _Pdf, chart: Bars | Lines) -> float:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    if isinstance(chart, Lines):
        return width * 3.2 / 7.2
    return width * max(1.6, 0.42 * len(chart.labels) + 0.9) / 7.2


def _kept_with(pdf: _Pdf, blocks: list[Block]) -> float:
    """Return the height a run of headings needs with the start of what follows them."""
    needed = 0.0
    for block in blocks:
        if isinstance(block, Heading):
            needed += 12.0
        elif isinstance(block, Bars | Lines):
            return needed + _chart_height(pdf, block)  # a chart is never split
        elif isinstance(block, Table):
            return needed + 6.0 * min(len(block.rows) + 1, 4)
        else:
            return needed + 15.0
    return needed


def _pdf_block(pdf: _Pdf, block: object) -> None:
    if isinstance(block, PageBreak):
        pdf.add_page()
    elif isinstance(block, Heading):
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 13 if block.level <= 2 else 11)
        pdf.multi_cell(0, 7, block.text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    elif isinstance(block, Paragraph):
        pdf.set_font("DejaVu", "", 9.5)
        pdf.multi_cell(0, 5, block.text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    elif isinstance(block, Table):
        _pdf_table(pdf, block)
    elif isinstance(block, Bars | Lines):
        image = chart_png(block)
        width = pdf.w - pdf.l_margin - pdf.r_margin
        height = _chart_height(pdf, block)
        if pdf.get_y() + height > pdf.h - pdf.b_margin:
            pdf.add_page()
        pdf.image(io.BytesIO(image), w=width, h=height, alt_text=block.title)
        pdf.ln(2)


def _pdf_table(pdf: _Pdf, table: Table) -> None:
    pdf.set_font("DejaVu", "", 8.5)
    header = any(table.columns)
    heading = FontFace(emphasis="BOLD", fill_color=(230, 236, 243))
    with pdf.table(
        first_row_as_headings=header,
        headings_style=heading,
        line_height=5,
        padding=1.2,
        text_align="LEFT",
        borders_layout="HORIZONTAL_LINES",
    ) as grid:
        if header:
            grid.row(table.columns)
        for values in table.rows:
            grid.row([str(v) for v in values])
    pdf.ln(3)


def write_markdown(document: Document, path: str | Path) -> Path:
    """Write the document as Markdown, with its charts as PNG files beside it; return it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# {document.title}", "", document.subtitle, ""]
    charts = 0
    for block in document.blocks:
        if isinstance(block, Heading):
            lines += ["#" * block.level + " " + block.text, ""]
        elif isinstance(block, Paragraph):
            lines += [block.text, ""]
        elif isinstance(block, Table):
            lines += [_markdown_table(block), ""]
        elif isinstance(block, Bars | Lines):
            charts += 1
            image = target.with_name(f"{target.stem}-chart{charts}.png")
            with atomic_output(image) as temporary:
                temporary.write_bytes(chart_png(block))
            lines += [f"![{block.title}]({image.name})", ""]
    with atomic_output(target) as temporary:
        temporary.write_text("\n".join(lines), encoding="utf-8")
    return target


def _markdown_table(table: Table) -> str:
    if not table.rows:
        return "_None in this period._"

    def cell(value: str) -> str:
        return value.replace("|", "/")

    header = "| " + " | ".join(cell(c) for c in table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in table.rows]
    return "\n".join([header, rule, *body])
