"""Server-side SVG trend charts of the assessment page (stacked bars per day, lines of rates per week).
No JS, no CDN.

Pure functions: data in, SVG text out (every label escaped). Sized for a phone first: the viewBox is 320 units
wide with 11.5–12.5-unit text, so at the ~315 CSS pixels a chart gets on a 375 px phone the text is drawn at
about its reading size; on a desktop the page caps their width.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape

FONT = "system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


# --- charts ---------------------------------------------------------------------------------------------------

W, H = 320, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 46, 28


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    colour: str
    dashed: bool = False


def _nice_max(value: float) -> int:
    """The top of a count axis with four gridlines, each a whole, round number (1, 2, 2.5, 3, 5 × 10ⁿ)."""
    if value <= 4:
        return 4
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 2.5, 3, 5, 10):
        if step == 2.5 and magnitude < 10:
            continue  # 2.5 only where it stays a whole number (25, 250 …)
        if step * magnitude >= raw:
            return int(4 * step * magnitude)
    return int(40 * magnitude)


def _legend(series: Iterable[Series], *, y: float = 14) -> str:
    """Legend items in up to two rows across the top."""
    out: list[str] = []
    x: float = LEFT
    row = 0
    for s in series:
        item_w = 24 + 12.5 * len(s.label)
        if x + item_w > W - RIGHT and x > LEFT:
            x, row = LEFT, row + 1
        yy = y + row * 17
        dash = ' stroke-dasharray="4 3"' if s.dashed else ""
        out.append(
            f'<line x1="{x}" y1="{yy - 4}" x2="{x + 14}" y2="{yy - 4}" stroke="{s.colour}" stroke-width="6"{dash}/>'
            f'<text x="{x + 18}" y="{yy}" font-size="12.5" fill="#1c2430">{escape(s.label)}</text>'
        )
        x += item_w
    return "".join(out)


def _svg_open(title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" width="{W}" height="{H}" role="img" '
        f'font-family="{FONT}"><title>{escape(title)}</title><desc>{escape(desc)}</desc>'
        f'<rect width="{W}" height="{H}" fill="#fff"/>'
    )


def _y_axis(top_value: float, *, percent: bool = False) -> str:
    out = []
    plot_h = H - TOP - BOTTOM
    for i in range(5):
        value = top_value * i / 4
        y = H - BOTTOM - plot_h * i / 4
        label = f"{value:.0f}%" if percent else _fmt(value)
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="#d5dbe3" stroke-width="0.6"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="11.5" text-anchor="end" fill="#5a6676">{label}</text>'
        )
    return "".join(out)


def _x_labels(labels: Sequence[str], xs: Sequence[float]) -> str:
    """At most six labels, every k-th counted back from the last, so the latest day or week is always named and
    no two labels crowd each other."""
    if not labels:
        return ""
    n = len(labels)
    every = max(1, math.ceil(n / 6))
    shown = set(range(n - 1, -1, -every))
    out = []
    for i in sorted(shown):
        x, anchor = xs[i], "middle"
        if x + 16 > W:  # keep the last label inside the picture
            x, anchor = W - 2, "end"
        out.append(
            f'<text x="{x:.1f}" y="{H - BOTTOM + 16}" font-size="11.5" text-anchor="{anchor}" fill="#5a6676">'
            f"{escape(labels[i])}</text>"
        )
    return "".join(out)


def stacked_bars_svg(
    rows: Sequence[dict[str, Any]], series: Sequence[Series], *, label_key: str, title: str, desc: str
) -> str:
    """Stacked bars, one per row (e.g. per day), stacked by ``series`` keys (bottom first)."""
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    totals = [sum(r.get(s.key, 0) for s in series) for r in rows]
    top = _nice_max(max(totals, default=0))
    n = max(len(rows), 1)
    slot = plot_w / n
    bar = max(1.0, slot * 0.7)
    parts = [_svg_open(title, desc), _legend(series), _y_axis(top)]
    xs = []
    for i, r in enumerate(rows):
        x = LEFT + slot * i + (slot - bar) / 2
        xs.append(x + bar / 2)
        y = H - BOTTOM
        for s in series:
            v = r.get(s.key, 0)
            if not v:
                continue
            hh = plot_h * v / top
            y -= hh
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{hh:.1f}" fill="{s.colour}">'
                f"<title>{escape(str(r[label_key]))} {escape(s.label)}: {v}</title></rect>"
            )
    parts.append(_x_labels([str(r[label_key]) for r in rows], xs))
    parts.append(f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - RIGHT}" y2="{H - BOTTOM}" stroke="#5a6676"/>')
    parts.append("</svg>")
    return "".join(parts)


def lines_svg(
    rows: Sequence[dict[str, Any]], series: Sequence[Series], *, label_key: str, title: str, desc: str
) -> str:
    """Lines of percentages (values 0–1 or None for a gap), one point per row (e.g. per week)."""
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    n = len(rows)
    xs = [LEFT + (plot_w * (i + 0.5) / n if n else 0) for i in range(n)]
    parts = [_svg_open(title, desc), _legend(series), _y_axis(100, percent=True)]
    for s in series:
        segment: list[str] = []
        segments: list[list[str]] = []
        for x, r in zip(xs, rows, strict=True):
            v = r.get(s.key)
            if v is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            y = H - BOTTOM - plot_h * max(0.0, min(1.0, v))
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="{s.colour}">'
                f"<title>{escape(str(r[label_key]))} {escape(s.label)}: {v * 100:.1f}%</title></circle>"
            )
        if segment:
            segments.append(segment)
        dash = ' stroke-dasharray="5 4"' if s.dashed else ""
        for seg in segments:
            if len(seg) > 1:
                parts.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{s.colour}" stroke-width="2"{dash}/>'
                )
    parts.append(_x_labels([str(r[label_key]) for r in rows], xs))
    parts.append(f'<line x1="{LEFT}" y1="{H - BOTTOM}" x2="{W - RIGHT}" y2="{H - BOTTOM}" stroke="#5a6676"/>')
    parts.append("</svg>")
    return "".join(parts)
