"""The assessment's SVG trend charts (pure functions; the chart pages are tested with the dashboard's data in
tests/escalation/test_dashboard.py)."""

from __future__ import annotations

import pytest

from assessment.charts import _nice_max


def test_chart_axis_tops_are_round():
    assert [_nice_max(v) for v in (1, 5, 9, 13, 99, 777)] == [4, 8, 12, 20, 100, 800]


def test_x_labels_name_the_latest_point_and_never_overlap():
    """Label extents: "MM-DD" at font size 11.5 is about 33 units wide; "middle" centres it on x, "end" ends it at x."""
    import itertools
    import re

    from assessment.charts import W, _frame, _x_labels

    width = 33
    for n in (1, 2, 7, 8, 30, 31, 90, 366):
        labels = [f"{1 + i // 28:02d}-{1 + i % 28:02d}" for i in range(n)]
        xs = [40 + (W - 48) * (i + 0.5) / n for i in range(n)]
        svg = _x_labels(_frame([]), labels, xs)
        named = re.findall(r">(\d\d-\d\d)</text>", svg)
        assert named[-1] == labels[-1], n
        assert 1 <= len(named) <= 6, n
        spans = []
        for x, anchor in re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="[\d.]+" text-anchor="(\w+)"', svg):
            left = float(x) - (width if anchor == "end" else width / 2)
            spans.append((left, left + width))
        assert all(b[0] - a[1] >= 2 for a, b in itertools.pairwise(spans)), (n, spans)


@pytest.mark.parametrize("chart", ["daily", "weekly"])
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_legend_never_runs_into_the_plot_or_off_the_picture(world, web, chart, language):
    """English labels are longer than Chinese ones ("To accept / to dispatch"): the legend took four rows there and
    its last two were drawn over the plot. Every legend row now sits above the top gridline, no item crosses the
    picture's right edge, and items of one row don't overlap (a Latin letter at most 0.6 em, a Chinese one 1 em)."""
    import itertools
    import unicodedata
    import xml.etree.ElementTree as ET

    client = web("district_officer")
    client.cookies["django_language"] = language
    response = client.get(f"/dashboard/charts/{chart}.svg?from=2026-11-02&to=2026-11-29")
    assert response.status_code == 200
    ns = {"s": "http://www.w3.org/2000/svg"}
    root = ET.fromstring(response.content)
    width = float(root.get("width"))
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    gridlines = [float(line.get("y1")) for line in root.findall("s:line", ns) if line.get("stroke") == "#d5dbe3"]
    legend = [t for t in root.findall("s:text", ns) if t.get("font-size") == "12.5"]
    assert len(legend) >= 3 and len(gridlines) == 5
    plot_top = min(gridlines)
    rows: dict[float, list[tuple[float, float]]] = {}
    for text in legend:
        label, x, y = text.text or "", float(text.get("x")), float(text.get("y"))
        assert y + 8 <= plot_top, (label, y, plot_top)  # a baseline with its descenders clear of the plot
        drawn = sum(12.5 if unicodedata.east_asian_width(ch) in "WF" else 7.5 for ch in label)
        assert x + drawn <= width + 1, (label, x, drawn)
        rows.setdefault(y, []).append((x - 18, x + drawn))  # the swatch starts 18 units before the text
    for items in rows.values():
        items.sort()
        assert all(b[0] >= a[1] for a, b in itertools.pairwise(items)), items
