"""Server-side SVG trend charts of the assessment page (stacked bars per day, lines of rates per week).
No JS, no CDN.

Pure functions: data in, SVG text out (every label escaped). Sized for a phone first: the viewBox is 320 units
wide with 11.5–12.5-unit text, so at the ~315 CSS pixels a chart gets on a 375 px phone the text is drawn at
about its reading size; on a desktop the page caps their width.
"""

from __future__ import annotations

import math
import unicodedata
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


#: A legend row's height; the legend's first baseline; the gap below its last row to the plot's top.
LEGEND_ROW, LEGEND_Y, LEGEND_GAP = 17, 14, 15


def _text_width(text: str, size: float = 12.5) -> float:
    """About how wide ``text`` is drawn at ``size``: a Chinese character is a full em, Latin at most about 0.6 em (an
    English label is half as wide per character as a Chinese one: "To accept / to dispatch" is 23 characters)."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


@dataclass(frozen=True)
class Frame:
    """The picture's height and the plot's top: the legend takes as many rows as its labels need (two in Chinese,
    more in English), and the picture grows by them rather than squeezing the plot or drawing over it."""

    legend: str
    top: float
    height: float

    @property
    def floor(self) -> float:
        return self.height - BOTTOM


def _frame(series: Iterable[Series]) -> Frame:
    """Legend items across the top, wrapping onto as many rows as they need; the plot starts below the last."""
    out: list[str] = []
    x: float = LEFT
    row = 0
    for s in series:
        item_w = 24 + _text_width(s.label)
        if x + item_w > W - RIGHT and x > LEFT:
            x, row = LEFT, row + 1
        yy = LEGEND_Y + row * LEGEND_ROW
        dash = ' stroke-dasharray="4 3"' if s.dashed else ""
        out.append(
            f'<line x1="{x}" y1="{yy - 4}" x2="{x + 14}" y2="{yy - 4}" stroke="{s.colour}" stroke-width="6"{dash}/>'
            f'<text x="{x + 18}" y="{yy}" font-size="12.5" fill="#1c2430">{escape(s.label)}</text>'
        )
        x += item_w
    top = max(TOP, LEGEND_Y + row * LEGEND_ROW + LEGEND_GAP)
    return Frame("".join(out), top, H + (top - TOP))


def _svg_open(title: str, desc: str, frame: Frame) -> str:
    h = frame.height
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {h}" width="{W}" height="{h}" role="img" '
        f'font-family="{FONT}"><title>{escape(title)}</title><desc>{escape(desc)}</desc>'
        f'<rect width="{W}" height="{h}" fill="#fff"/>{frame.legend}'
    )


def _y_axis(frame: Frame, top_value: float, *, percent: bool = False) -> str:
    out = []
    plot_h = frame.floor - frame.top
    for i in range(5):
        value = top_value * i / 4
        y = frame.floor - plot_h * i / 4
        label = f"{value:.0f}%" if percent else _fmt(value)
        out.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{W - RIGHT}" y2="{y:.1f}" stroke="#d5dbe3" stroke-width="0.6"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="11.5" text-anchor="end" fill="#5a6676">{label}</text>'
        )
    return "".join(out)


def _x_labels(frame: Frame, labels: Sequence[str], xs: Sequence[float]) -> str:
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
            f'<text x="{x:.1f}" y="{frame.floor + 16}" font-size="11.5" text-anchor="{anchor}" fill="#5a6676">'
            f"{escape(labels[i])}</text>"
        )
    return "".join(out)


def stacked_bars_svg(
    rows: Sequence[dict[str, Any]], series: Sequence[Series], *, label_key: str, title: str, desc: str
) -> str:
    """Stacked bars, one per row (e.g. per day), stacked by ``series`` keys (bottom first)."""
    frame = _frame(series)
    plot_w, plot_h = W - LEFT - RIGHT, frame.floor - frame.top
    totals = [sum(r.get(s.key, 0) for s in series) for r in rows]
    top = _nice_max(max(totals, default=0))
    n = max(len(rows), 1)
    slot = plot_w / n
    bar = max(1.0, slot * 0.7)
    parts = [_svg_open(title, desc, frame), _y_axis(frame, top)]
    xs = []
    for i, r in enumerate(rows):
        x = LEFT + slot * i + (slot - bar) / 2
        xs.append(x + bar / 2)
        y = frame.floor
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
    parts.append(_x_labels(frame, [str(r[label_key]) for r in rows], xs))
    parts.append(f'<line x1="{LEFT}" y1="{frame.floor}" x2="{W - RIGHT}" y2="{frame.floor}" stroke="#5a6676"/>')
    parts.append("</svg>")
    return "".join(parts)


def lines_svg(
    rows: Sequence[dict[str, Any]], series: Sequence[Series], *, label_key: str, title: str, desc: str
) -> str:
    """Lines of percentages (values 0–1 or None for a gap), one point per row (e.g. per week)."""
    frame = _frame(series)
    plot_w, plot_h = W - LEFT - RIGHT, frame.floor - frame.top
    n = len(rows)
    xs = [LEFT + (plot_w * (i + 0.5) / n if n else 0) for i in range(n)]
    parts = [_svg_open(title, desc, frame), _y_axis(frame, 100, percent=True)]
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
            y = frame.floor - plot_h * max(0.0, min(1.0, v))
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
    parts.append(_x_labels(frame, [str(r[label_key]) for r in rows], xs))
    parts.append(f'<line x1="{LEFT}" y1="{frame.floor}" x2="{W - RIGHT}" y2="{frame.floor}" stroke="#5a6676"/>')
    parts.append("</svg>")
    return "".join(parts)
