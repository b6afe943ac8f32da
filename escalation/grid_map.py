"""Server-side SVG of the dashboard's grid map: one clickable shape per grid, coloured by open and overdue cases.
No JS, no CDN, no tiles. Data in, SVG text out (every label escaped); the shapes of a set of boundaries, which the
counts don't change, are drawn once per process (``shapes_for``).

The map's viewBox is 330 units wide — about the width it is shown at, in the desktop side column and on a
phone — so its labels are drawn at their reading size.

Projection: an equirectangular projection around the middle latitude of the grids — x = lng · cos(φ₀),
y = −lat — scaled to fit the viewBox. At the scale of a district (a few km) it is indistinguishable from
the real shapes and needs no library.
"""

from __future__ import annotations

import html
import math
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

FONT = "system-ui,-apple-system,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif"


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


#: Labels are drawn at this size or larger, or not at all (the viewBox is about as wide as the map is shown, so a
#: unit is about a CSS pixel): below it a name is unreadable. Counts are drawn up to ``MAX_COUNT``, names up to
#: ``MAX_NAME``; a label takes at most ``FILL`` of its tile's width and height, lines are ``LINE`` em apart.
MIN_LABEL = 9.0
MAX_COUNT = 13.0
MAX_NAME = 12.0
FILL = 0.88
LINE = 1.15
BASELINE = 0.35  # from a line's middle down to its baseline, in em


def text_em(text: str) -> float:
    """The width of ``text`` in em: a CJK (wide) character is one em, anything else at most 0.65 (a digit, a
    Latin letter, a slash — generous, so that a label said to fit does fit)."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.65 for ch in text)


def label_layout(name: str, count: str, cell_w: float, cell_h: float) -> tuple[list[str], float, float] | None:
    """How a tile of ``cell_w`` × ``cell_h`` units is labelled: (the name's lines, their size, the count's size).

    The count (``open/overdue``) first: None when even it does not fit at ``MIN_LABEL``. Then the name, on one
    line or split in two, only at ``MIN_LABEL`` or larger and never wider than the tile; a name that does not fit
    is left out (no lines) — the shape's <title> and the list beside the map name every grid.
    """
    room_w, room_h = cell_w * FILL, cell_h * FILL
    count_size = min(MAX_COUNT, room_w / text_em(count), room_h / LINE)
    if count_size < MIN_LABEL:
        return None
    name = name.strip()
    if not name:  # a grid saved without a name (admin, ORM): its counts alone
        return [], 0.0, _floor(count_size)
    options = []
    # a long name may take two lines; a dedicated grid's (嘉峪关市第三中学专属网格) rarely fits even so, and is then
    # named without the words every tile shares (嘉峪关市 / 第三中学): the <title> keeps the full name
    for text in dict.fromkeys([name, short_name(name)]):
        options.append([text])
        if len(text) >= 4:
            half = math.ceil(len(text) / 2)
            options.append([text[:half], text[half:]])
    for lines in options:
        # as wide as the tile allows, and small enough that the counts keep MIN_LABEL below it
        widest = room_w / max(text_em(line) for line in lines)
        name_size = min(MAX_NAME, count_size, widest, (room_h / LINE - MIN_LABEL) / len(lines))
        if name_size < MIN_LABEL:
            continue
        # the counts give way (down to MIN_LABEL) to make room for the name
        size = _floor(min(count_size, (room_h / LINE) - len(lines) * name_size))
        if size >= MIN_LABEL:  # (a rounding below it is the only way it is not)
            return lines, _floor(name_size), size
    return [], 0.0, _floor(count_size)


#: The endings a grid's name may drop on the map, longest first (a tile is a grid: "网格" adds nothing there).
GRID_NAME_ENDINGS = ("专属网格", "网格")


def short_name(name: str) -> str:
    """``name`` without its ending "专属网格" / "网格" (unchanged when that would leave nothing)."""
    for ending in GRID_NAME_ENDINGS:
        if name.endswith(ending) and len(name) > len(ending):
            return name[: -len(ending)]
    return name


def _floor(size: float) -> float:
    """A size rounded down to the tenth written in the SVG, so that what fits still fits once written."""
    return math.floor(size * 10) / 10


@dataclass(frozen=True)
class Shapes:
    """The drawing of a set of boundaries, which does not depend on the counts: the viewBox and, per boundary that
    has rings, its SVG path and the box of its outer ring (where its label goes)."""

    boundaries: tuple[Any, ...]  # what it was drawn from — kept, so that an entry's identity key stays theirs
    width: float
    height: float
    paths: tuple[tuple[int, str, tuple[float, float, float, float]] | None, ...]  # per boundary: (i, d, box) or None


_SHAPES: OrderedDict[tuple[Any, ...], Shapes] = OrderedDict()
_SHAPES_KEPT = 64


def shapes_for(boundaries: Sequence[Any], width: int, max_height: int) -> Shapes:
    """``draw_shapes``, kept per process for the last ``_SHAPES_KEPT`` sets of boundaries. The boundaries come from
    ``grids.geo.boundary_from_text``, one shared object per distinct text, so a set is known by its objects'
    identities: projecting and formatting a district's 200 shapes on every request was a tenth of its dashboard.
    A changed boundary is a new object (a new text), hence a new drawing."""
    key = (width, max_height, *map(id, boundaries))
    hit = _SHAPES.get(key)
    if hit is not None and all(a is b for a, b in zip(hit.boundaries, boundaries, strict=True)):
        _SHAPES.move_to_end(key)
        return hit
    drawn = draw_shapes(boundaries, width, max_height)
    _SHAPES[key] = drawn
    while len(_SHAPES) > _SHAPES_KEPT:
        _SHAPES.popitem(last=False)
    return drawn


def draw_shapes(boundaries: Sequence[Any], width: int, max_height: int) -> Shapes:
    """Project the boundaries into a viewBox ``width`` wide and at most ``max_height`` high (the module's
    equirectangular projection) and write their paths."""
    rings_of = [_rings(b) for b in boundaries]
    points = [p for rings in rings_of for ring in rings for p in ring]
    if not points:
        return Shapes(tuple(boundaries), 0, 0, tuple(None for _b in boundaries))
    lngs = [p[0] for p in points]
    lats = [p[1] for p in points]
    k = math.cos(math.radians((min(lats) + max(lats)) / 2))
    x0, x1 = min(lngs) * k, max(lngs) * k
    y0, y1 = -max(lats), -min(lats)
    pad = 6
    span_x, span_y = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
    scale = min((width - 2 * pad) / span_x, (max_height - 2 * pad) / span_y)
    paths: list[tuple[int, str, tuple[float, float, float, float]] | None] = []
    for i, rings in enumerate(rings_of):
        if not rings:
            paths.append(None)
            continue
        projected = [[((lng * k - x0) * scale + pad, (-lat - y0) * scale + pad) for lng, lat in ring] for ring in rings]
        d = " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + " Z" for ring in projected)
        xs, ys = [x for x, _y in projected[0]], [y for _x, y in projected[0]]
        paths.append((i, d, (min(xs), max(xs), min(ys), max(ys))))
    return Shapes(tuple(boundaries), span_x * scale + 2 * pad, span_y * scale + 2 * pad, tuple(paths))


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
    boundary are left out (the caller lists them). Labels (the grid's name and its open/overdue counts) are drawn
    when there are few grids, each only where it fits its tile at a readable size (``label_layout``).
    """
    drawing = shapes_for([c.boundary for c in cells], width, max_height)
    shaped = [(cells[p[0]], p[1], p[2]) for p in drawing.paths if p is not None]
    if not shaped:
        return mark_safe(f'<p class="empty">{escape(_("辖区内的网格还没有边界数据，无法绘制地图。"))}</p>')
    w, h = drawing.width, drawing.height
    max_open = max((c.open for c, _d, _b in shaped), default=0)
    max_overdue = max((c.overdue for c, _d, _b in shaped), default=0)
    show_labels = len(shaped) <= 80 if labels is None else labels
    # the message outside the f-string, where makemessages (xgettext) finds it
    label = escape(_("网格地图：颜色表示未结和超时案件数，点击网格筛选队列"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="grid-map" viewBox="0 0 {w:.0f} {h:.0f}" '
        f'role="group" aria-label="{label}" font-family="{FONT}">'
    ]
    label_parts = []
    title_text = _("%(name)s（%(community)s · %(code)s）：未结 %(open)s 件，超时 %(overdue)s 件")
    for cell, d, (left, right, top_y, bottom_y) in shaped:
        fill = cell_fill(cell.open, cell.overdue, max_open, max_overdue)
        community = getattr(cell, "community", "") or ""
        title = title_text % {
            "name": cell.name,
            "community": community,
            "code": cell.code,
            "open": cell.open,
            "overdue": cell.overdue,
        }
        css = "map-cell is-selected" if selected == cell.id else "map-cell"
        title = html.escape(title)  # the standard library's: the same text as Django's, without its lazy check
        parts.append(
            f'<a href="{html.escape(href(cell))}" aria-label="{title}" data-grid="{cell.id}">'
            f'<path class="{css}" d="{d}" fill="{fill}" fill-rule="evenodd" stroke="#fff" stroke-width="1">'
            f"<title>{title}</title></path></a>"
        )
        if show_labels:
            text = f"{cell.open}/{cell.overdue}"  # the legend's "未结/超时", zeros included
            layout = label_layout(cell.name, text, right - left, bottom_y - top_y)
            if layout is None:  # too small to read: the <title> and the list beside the map still tell
                continue
            lines, name_size, count_size = layout
            colour = _text_colour(fill)
            cx = (left + right) / 2
            top = (top_y + bottom_y) / 2 - (len(lines) * name_size + count_size) * LINE / 2
            if lines:  # the grid's name above its counts (the community is in the title)
                baselines = [top + (i + 0.5) * name_size * LINE + name_size * BASELINE for i in range(len(lines))]
                body: str
                if len(lines) == 1:
                    body = escape(cell.name)
                else:
                    body = "".join(
                        f'<tspan x="{cx:.1f}" y="{y:.1f}">{escape(line)}</tspan>'
                        for y, line in zip(baselines, lines, strict=True)
                    )
                label_parts.append(
                    f'<text x="{cx:.1f}" y="{baselines[0]:.1f}" font-size="{name_size:.1f}" '
                    f'text-anchor="middle" fill="{colour}" pointer-events="none" class="map-name" '
                    f'aria-hidden="true">{body}</text>'
                )
            count_y = top + len(lines) * name_size * LINE + count_size * (LINE / 2 + BASELINE)
            label_parts.append(
                f'<text x="{cx:.1f}" y="{count_y:.1f}" font-size="{count_size:.1f}" text-anchor="middle" '
                f'fill="{colour}" pointer-events="none" class="map-count" aria-hidden="true">{escape(text)}</text>'
            )
    if selected is not None:  # draw the selected outline on top
        for cell, d, _box in shaped:
            if cell.id == selected:
                parts.append(f'<path d="{d}" fill="none" stroke="#17396b" stroke-width="3" pointer-events="none"/>')
    parts.extend(label_parts)
    parts.append("</svg>")
    return mark_safe("".join(parts))
