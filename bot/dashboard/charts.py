"""Charts as server-rendered SVG: readable at 360 px wide, with a title and a description.

Each chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>``; the page
always puts the same figures in a table beside it. Colours are set by CSS classes, so the
page works under a strict Content Security Policy, and meet WCAG AA contrast on white.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 340
PLOT = 250  # bar area; the values stand in a column to its right
ROW = 38


@dataclass(frozen=True)
class Bar:
    """One labelled bar; value None when the figure is suppressed."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None


def _head(chart_id: str, title: str, description: str, height: int) -> str:
    return (
        f'<svg class="chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(description)}</desc>'
    )


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: list[Bar],
    suppressed: str,
    percent: bool = True,
) -> Markup:
    """Return horizontal bars with their intervals, one labelled row per bar."""
    height = 10 + ROW * len(bars) + 16
    top = max((b.high or b.value or 0) for b in bars) if bars and not percent else 100.0
    scale = PLOT / (top or 1.0)
    parts = [_head(chart_id, title, description, height)]
    for tick in (0, 25, 50, 75, 100) if percent else ():
        x = tick * scale
        parts.append(
            f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="4" y2="{height - 14}"/>'
            f'<text class="tick" x="{x:.1f}" y="{height - 2}" text-anchor="middle">{tick}</text>'
        )
    for k, bar in enumerate(bars):
        y = 8 + k * ROW
        parts.append(f'<text class="label" x="0" y="{y + 11}">{escape(bar.label)}</text>')
        if bar.value is None:
            parts.append(f'<text class="muted" x="0" y="{y + 28}">{escape(suppressed)}</text>')
            continue
        width = max(bar.value * scale, 1.0)
        parts.append(f'<rect class="bar" x="0" y="{y + 16}" width="{width:.1f}" height="14"/>')
        if bar.low is not None and bar.high is not None:
            x1, x2, middle = bar.low * scale, bar.high * scale, y + 23
            parts.append(
                f'<line class="whisker" x1="{x1:.1f}" x2="{x2:.1f}" y1="{middle}" y2="{middle}"/>'
                f'<line class="whisker" x1="{x1:.1f}" x2="{x1:.1f}" y1="{middle - 5}" '
                f'y2="{middle + 5}"/><line class="whisker" x1="{x2:.1f}" x2="{x2:.1f}" '
                f'y1="{middle - 5}" y2="{middle + 5}"/>'
            )
        shown = f"{bar.value:.1f}%" if percent else f"{bar.value:,.0f}"
        parts.append(
            f'<text class="value" x="{WIDTH - 2}" y="{y + 28}" text-anchor="end">{shown}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    points: list[tuple[str, float | None, float | None, float | None]],
) -> Markup:
    """Return a line over periods (label, value, low, high), with interval whiskers."""
    height, left, bottom, top = 190, 28, 160, 10
    step = (WIDTH - left - 10) / max(len(points) - 1, 1)
    parts = [_head(chart_id, title, description, height)]

    def y_of(value: float) -> float:
        return bottom - (bottom - top) * value / 100

    for tick in (0, 50, 100):
        y = y_of(tick)
        parts.append(
            f'<line class="grid" x1="{left}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{left - 4}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    path: list[str] = []
    for k, (label, value, low, high) in enumerate(points):
        x = left + k * step
        parts.append(
            f'<text class="tick" x="{x:.1f}" y="{height - 14}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
        if value is None:
            path.append("")
            continue
        if low is not None and high is not None:
            parts.append(
                f'<line class="whisker" x1="{x:.1f}" x2="{x:.1f}" y1="{y_of(low):.1f}" '
                f'y2="{y_of(high):.1f}"/>'
            )
        path.append(f"{x:.1f},{y_of(value):.1f}")
        parts.append(f'<circle class="point" cx="{x:.1f}" cy="{y_of(value):.1f}" r="3.5"/>')
    for run in " ".join(path).split("  "):
        if run.strip().count(",") > 1:
            parts.append(f'<polyline class="line" points="{run.strip()}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
