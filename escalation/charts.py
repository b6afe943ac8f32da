"""Server-side SVG: the grid map of the dashboard and the trend charts of the assessment. No JS, no CDN.

Pure functions: data in, SVG text out (every label escaped). Sized for a phone first: the charts' viewBox is
320 units wide with 11.5–12.5-unit text, so at the ~315 CSS pixels a chart gets on a 375 px phone the text
is drawn at about its reading size; on a desktop the page caps their width. The map's viewBox is 330 units
wide — about the width it is shown at, in the desktop side column and on a phone — so its labels are drawn
at their reading size.

Map projection: an equirectangular projection around the middle latitude of the grids — x = lng · cos(φ₀),
y = −lat — scaled to fit the viewBox. At the scale of a district (a few km) it is indistinguishable from
the real shapes, needs no library and no tiles.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

FONT = "system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


# --- the grid map ------------------------------------------------------------------------------------------


def _rings(boundary: dict | None) -> list[list[tuple[float, float]]]:
    """All rings (outer and holes) of a GeoJSON Polygon / MultiPolygon, as (lng, lat) lists."""
    if not boundary:
        return []
    kind, coords = boundary.get("type"), boundary.get("coordinates") or []
    polygons = [coords] if kind == "Polygon" else coords if kind == "MultiPolygon" else []
    out = []
    for polygon in polygons:
        for ring in polygon:
            pts = [(float(p[0]), float(p[1])) for p in ring if len(p) >= 2]
            if len(pts) >= 3:
                out.append(pts)
    return out


def cell_fill(open_count: int, overdue: int, max_open: int, max_overdue: int) -> str:
    """Red shades by overdue cases; amber shades by open cases; pale green when nothing is open."""
    if overdue:
        t = overdue / max_overdue if max_overdue else 1
        return _mix((253, 228, 226), (163, 33, 26), 0.25 + 0.75 * t)
    if open_count:
        t = open_count / max_open if max_open else 1
        return _mix((255, 241, 199), (201, 138, 0), 0.15 + 0.85 * t)
    return "#e3f3e7"


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> str:
    t = max(0.0, min(1.0, t))
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def _text_colour(fill: str) -> str:
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#fff" if (0.299 * r + 0.587 * g + 0.114 * b) < 140 else "#1c2430"


def grid_map_svg(
    cells: Sequence[Any],
    *,
    href: Callable[[Any], str],
    selected: int | None = None,
    width: int = 330,
    max_height: int = 420,
    labels: bool | None = None,
) -> SafeString:
    """An inline SVG with one clickable shape per grid (``cells``: objects with id, code, name, boundary, open,
    overdue). ``href(cell)`` gives each shape's link; ``selected`` outlines one grid. Grids without a
    boundary are left out (the caller lists them). Labels (the open count) are drawn when there are few grids.
    """
    shaped = [(c, _rings(c.boundary)) for c in cells]
    shaped = [(c, rings) for c, rings in shaped if rings]
    if not shaped:
        return mark_safe(f'<p class="empty">{escape(_("辖区内的网格还没有边界数据，无法绘制地图。"))}</p>')
    lngs = [p[0] for _c, rings in shaped for ring in rings for p in ring]
    lats = [p[1] for _c, rings in shaped for ring in rings for p in ring]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    x0, x1 = min(lngs) * k, max(lngs) * k
    y0, y1 = -max(lats), -min(lats)
    pad = 6
    span_x, span_y = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    scale = min((width - 2 * pad) / span_x, (max_height - 2 * pad) / span_y)
    w = span_x * scale + 2 * pad
    h = span_y * scale + 2 * pad

    def project(lng: float, lat: float) -> tuple[float, float]:
        return (lng * k - x0) * scale + pad, (-lat - y0) * scale + pad

    max_open = max((c.open for c, _r in shaped), default=0)
    max_overdue = max((c.overdue for c, _r in shaped), default=0)
    show_labels = len(shaped) <= 80 if labels is None else labels
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="grid-map" viewBox="0 0 {w:.0f} {h:.0f}" '
        f'role="group" aria-label="{escape(_("网格地图：颜色表示未结和超时案件数，点击网格筛选队列"))}" '
        f'font-family="{FONT}">'
    ]
    label_parts = []
    for cell, rings in shaped:
        d = " ".join(
            "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (project(*p) for p in ring)) + " Z" for ring in rings
        )
        fill = cell_fill(cell.open, cell.overdue, max_open, max_overdue)
        title = _("%(name)s（%(code)s）：未结 %(open)s 件，超时 %(overdue)s 件") % {
            "name": cell.name,
            "code": cell.code,
            "open": cell.open,
            "overdue": cell.overdue,
        }
        css = "map-cell is-selected" if selected == cell.id else "map-cell"
        parts.append(
            f'<a href="{escape(href(cell))}" aria-label="{escape(title)}" data-grid="{cell.id}">'
            f'<path class="{css}" d="{d}" fill="{fill}" fill-rule="evenodd" stroke="#fff" stroke-width="1">'
            f"<title>{escape(title)}</title></path></a>"
        )
        if show_labels:
            xs = [project(*p)[0] for p in rings[0]]
            ys = [project(*p)[1] for p in rings[0]]
            cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
            size = min(14.0, (max(xs) - min(xs)) / 3)
            text = str(cell.open) if not cell.overdue else f"{cell.open}/{cell.overdue}"
            if size < 8:  # too small to read: the <title> still tells
                continue
            label_parts.append(
                f'<text x="{cx:.1f}" y="{cy + size / 3:.1f}" font-size="{size:.0f}" text-anchor="middle" '
                f'fill="{_text_colour(fill)}" pointer-events="none" aria-hidden="true">{escape(text)}</text>'
            )
    if selected is not None:  # draw the selected outline on top
        for cell, rings in shaped:
            if cell.id == selected:
                d = " ".join(
                    "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (project(*p) for p in ring)) + " Z" for ring in rings
                )
                parts.append(f'<path d="{d}" fill="none" stroke="#17396b" stroke-width="3" pointer-events="none"/>')
    parts.extend(label_parts)
    parts.append("</svg>")
    return mark_safe("".join(parts))


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
    out, x, row = [], LEFT, 0
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
    """Every k-th label (at most six), and the last one when it does not crowd the one before it."""
    if not labels:
        return ""
    n = len(labels)
    every = max(1, math.ceil(n / 6))
    shown = set(range(0, n, every))
    if (n - 1) - max(shown) > every // 2:
        shown.add(n - 1)
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
