"""The assessment's SVG trend charts (pure functions; the chart pages are tested with the dashboard's data in
tests/escalation/test_dashboard.py)."""

from __future__ import annotations

from assessment.charts import _nice_max


def test_chart_axis_tops_are_round():
    assert [_nice_max(v) for v in (1, 5, 9, 13, 99, 777)] == [4, 8, 12, 20, 100, 800]


def test_x_labels_name_the_latest_point_and_never_overlap():
    """Label extents: "MM-DD" at font size 11.5 is about 33 units wide; "middle" centres it on x, "end" ends it at x."""
    import itertools
    import re

    from assessment.charts import W, _x_labels

    width = 33
    for n in (1, 2, 7, 8, 30, 31, 90, 366):
        labels = [f"{1 + i // 28:02d}-{1 + i % 28:02d}" for i in range(n)]
        xs = [40 + (W - 48) * (i + 0.5) / n for i in range(n)]
        svg = _x_labels(labels, xs)
        named = re.findall(r">(\d\d-\d\d)</text>", svg)
        assert named[-1] == labels[-1], n
        assert 1 <= len(named) <= 6, n
        spans = []
        for x, anchor in re.findall(r'<text x="([\d.]+)" y="[\d.]+" font-size="[\d.]+" text-anchor="(\w+)"', svg):
            left = float(x) - (width if anchor == "end" else width / 2)
            spans.append((left, left + width))
        assert all(b[0] - a[1] >= 2 for a, b in itertools.pairwise(spans)), (n, spans)
