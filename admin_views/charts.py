"""Charts drawn on the server as inline SVG: no chart library to pin, load or keep up to
date, nothing for the browser to run, and the page is complete as soon as it arrives."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

_BAR = "#206bc4"
_GRID = "#e6e7e9"
_TEXT = "#49566c"


def _nice_max(value: float) -> float:
    """The axis top: 1, 2 or 5 × a power of ten at or above `value`."""
    if value <= 0:
        return 1
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def horizontal_bars(items: Sequence[tuple[str, float]], *, title: str, width: int = 560,
                    row_height: int = 22, label_width: int = 170) -> Markup:
    """One bar per item, label on the left and value at the bar's end."""
    height = max(len(items), 1) * row_height + 10
    top = _nice_max(max((v for _, v in items), default=0))
    plot = width - label_width - 60
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg" font-family="inherit" font-size="12">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(items):
        y = 5 + index * row_height
        bar = 0 if not value else max(plot * value / top, 1)
        shown = label if len(label) <= 26 else label[:25] + "…"
        parts.append(
            f'<g class="bar" data-label="{escape(label)}" data-value="{value:g}">'
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end" fill="{_TEXT}">{escape(shown)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{bar:.1f}" height="{row_height - 8}" rx="2" fill="{_BAR}"/>'
            f'<text x="{label_width + bar + 6:.1f}" y="{y + 15}" fill="{_TEXT}">{value:,.0f}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(items: Sequence[tuple[str, float]], *, title: str, width: int = 560, height: int = 240) -> Markup:
    """Vertical columns over labelled periods, with a light grid and the axis maximum."""
    left, bottom, top_pad = 44, 28, 12
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    top = _nice_max(max((v for _, v in items), default=0))
    slot = plot_w / max(len(items), 1)
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg" font-family="inherit" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    for fraction in (0, 0.5, 1):
        y = top_pad + plot_h * (1 - fraction)
        parts.append(f'<line x1="{left}" x2="{width - 8}" y1="{y:.1f}" y2="{y:.1f}" stroke="{_GRID}"/>'
                     f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{_TEXT}">{top * fraction:,.0f}</text>')
    for index, (label, value) in enumerate(items):
        bar_h = plot_h * value / top if value else 0
        x = left + index * slot + slot * 0.15
        parts.append(
            f'<g class="bar" data-label="{escape(label)}" data-value="{value:g}">'
            f'<rect x="{x:.1f}" y="{top_pad + plot_h - bar_h:.1f}" width="{slot * 0.7:.1f}" height="{bar_h:.1f}" '
            f'rx="2" fill="{_BAR}"><title>{escape(label)}: {value:,.0f}</title></rect>'
            f'<text x="{x + slot * 0.35:.1f}" y="{height - 10}" text-anchor="middle" fill="{_TEXT}">'
            f"{escape(label)}</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))
