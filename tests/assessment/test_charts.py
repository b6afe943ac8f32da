"""The assessment's SVG trend charts (pure functions; the chart pages are tested with the dashboard's data in
tests/escalation/test_dashboard.py)."""

from __future__ import annotations

from assessment.charts import _nice_max


def test_chart_axis_tops_are_round():
    assert [_nice_max(v) for v in (1, 5, 9, 13, 99, 777)] == [4, 8, 12, 20, 100, 800]
