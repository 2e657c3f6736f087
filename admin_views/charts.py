"""Charts drawn on the server as inline SVG: no chart library to pin, load or keep up to
date, nothing for the browser to run, and the page is complete as soon as it arrives.

No label is ever cut by the drawing's edge: each bar's label sits above the bar with the
chart's whole width to itself, margins are sized from the text they hold, and a label
longer than the width (rare) ends in an ellipsis with the whole name in its tooltip.
Text widths are estimated from the character count at a generous average advance."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

from admin_views.formatting import number

_BAR = "#206bc4"
_GRID = "#e6e7e9"
_TEXT = "#49566c"
# Average advance of a character as a fraction of the font size; above the real figure of
# the UI fonts (about 0.5), so estimates err towards more room.
_ADVANCE = 0.62


def text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * _ADVANCE


def _fit(text: str, room: float, font_size: float) -> str:
    most = max(int(room / (font_size * _ADVANCE)), 1)
    return text if len(text) <= most else text[: most - 1] + "…"


def _nice_max(value: float) -> float:
    """The axis top: 1, 2 or 5 x a power of ten at or above `value`."""
    if value <= 0:
        return 1
    power = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def horizontal_bars(items: Sequence[tuple[str, float]], *, title: str, width: int = 560,
                    row_height: int = 40, font_size: int = 13,
                    value_text: Callable[[float], str] = number, scale_max: float | None = None) -> Markup:
    """One bar per item: its label above it, its value at the bar's end. `scale_max` fixes
    the full width's value (100 for percentages) instead of rounding up the largest."""
    height = max(len(items), 1) * row_height + 4
    top = scale_max or _nice_max(max((v for _, v in items), default=0))
    value_room = max((text_width(value_text(v), font_size) for _, v in items), default=0) + 8
    plot = width - value_room
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg" font-family="inherit" font-size="{font_size}">',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(items):
        y = 2 + index * row_height
        bar = 0 if not value else max(plot * value / top, 1)
        shown = _fit(label, width, font_size)
        parts.append(
            f'<g class="bar" data-label="{escape(label)}" data-value="{value:g}"><title>{escape(label)}: '
            f'{escape(value_text(value))}</title>'
            f'<text class="bar-label" x="0" y="{y + font_size}" fill="{_TEXT}">{escape(shown)}</text>'
            f'<rect x="0" y="{y + font_size + 5}" width="{bar:.1f}" height="{row_height - font_size - 12}" rx="2" '
            f'fill="{_BAR}"/>'
            f'<text x="{bar + 6:.1f}" y="{y + row_height - 9}" fill="{_TEXT}">{escape(value_text(value))}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every value in it went through escape())


def columns(items: Sequence[tuple[str, float]], *, title: str, width: int = 560, height: int = 240,
            font_size: int = 11, value_text: Callable[[float], str] = number,
            scale_max: float | None = None) -> Markup:
    """Vertical columns over labelled periods, with a light grid and the axis maximum. When
    the period labels would touch, every second (or third...) one is written. `scale_max`
    fixes the axis top (100 for percentages)."""
    top = scale_max or _nice_max(max((v for _, v in items), default=0))
    axis = [(fraction, value_text(top * fraction)) for fraction in (0, 0.5, 1)]
    left = max(text_width(text, font_size) for _, text in axis) + 10
    bottom, top_pad, right = 28, 12, 8
    plot_w, plot_h = width - left - right, height - bottom - top_pad
    slot = plot_w / max(len(items), 1)
    widest = max((text_width(label, font_size) for label, _ in items), default=0)
    every = 1
    while widest + 4 > slot * every:
        every += 1
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="100%" xmlns="http://www.w3.org/2000/svg" font-family="inherit" font-size="{font_size}">',
        f"<title>{escape(title)}</title>",
    ]
    for fraction, text in axis:
        y = top_pad + plot_h * (1 - fraction)
        parts.append(f'<line x1="{left:.1f}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{_GRID}"/>'
                     f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" fill="{_TEXT}">{escape(text)}</text>')
    last = len(items) - 1
    for index, (label, value) in enumerate(items):
        bar_h = plot_h * value / top if value else 0
        x = left + index * slot + slot * 0.15
        # The newest period is always labelled; the others every `every`, counted from it.
        labelled = (last - index) % every == 0
        parts.append(
            f'<g class="bar" data-label="{escape(label)}" data-value="{value:g}">'
            f'<rect x="{x:.1f}" y="{top_pad + plot_h - bar_h:.1f}" width="{slot * 0.7:.1f}" height="{bar_h:.1f}" '
            f'rx="2" fill="{_BAR}"><title>{escape(label)}: {escape(value_text(value))}</title></rect>'
            + (f'<text x="{x + slot * 0.35:.1f}" y="{height - 10}" text-anchor="middle" fill="{_TEXT}">'
               f"{escape(label)}</text>" if labelled else "")
            + "</g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every value in it went through escape())
