"""The case page's 吹哨报到 panel on a phone: one card per department, each value under its column's name. As a
table only 部门 / 状态 / 报到时限 fitted a 375 px screen; 报到, 反馈时限 and 反馈 sat off-screen (UI round,
2026-12-03). The cards take their names from each cell's data-label, so every cell has one, in the reader's
language; the layout itself is checked in a browser (screenshots in the closing note)."""

from __future__ import annotations

import re

from .whistle_helpers import whistled_case


def _cells(page: str) -> list[str]:
    table = re.search(r'<table class="table small whistle-table">(.*?)</table>', page, re.S)
    assert table, "the panel is on the case page"
    return re.findall(r"<td[^>]*>", table.group(1))


def test_every_cell_of_the_whistle_table_says_its_column(world, web):
    case, _whistle, _summonses = whistled_case(world)
    client = web("street_officer")
    cells = _cells(client.get(f"/cases/{case.pk}/").content.decode())
    assert len(cells) == 2 * 5  # two departments, five cells after the department's name
    assert [re.search(r'data-label="([^"]+)"', c).group(1) for c in cells[:5]] == [
        "状态",
        "报到时限",
        "报到",
        "反馈时限",
        "反馈",
    ]
    client.cookies["django_language"] = "en"
    english = _cells(client.get(f"/cases/{case.pk}/").content.decode())
    assert all('data-label="' in c and not re.search(r'data-label="[^"]*[\u4e00-\u9fff]', c) for c in english)
