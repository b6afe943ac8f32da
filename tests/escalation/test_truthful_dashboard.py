"""The dashboard tells one truth (issue 10): the light of a case's header, its deadline rows, the counters, the
queue and the map agree (same rule, same moment); after a bulk action the counters come back with the queue;
the map names each grid (and its community) with the open/overdue counts its legend promises, and a click
filters the queue."""

from __future__ import annotations

import re

import time_machine

from escalation.selectors import triage as D

from .test_dashboard import NOW, q, street  # noqa: F401 (the fixture)


def test_light_counters_queue_and_case_header_agree(world, street, web):  # noqa: F811
    counts = D.counters(world.street_officer, now=NOW)
    _f, page = D.queue(world.street_officer, q(view="open"), now=NOW, page_size=100)
    lights = [c.ui_light for c in page.rows]
    assert counts["red"] == lights.count("red") and counts["yellow"] == lights.count("yellow")
    by_light = {c.ui_light: c for c in page.rows if c.ui_light}
    client = web("street_officer")
    with time_machine.travel(NOW, tick=False):
        for light, case in by_light.items():
            html = client.get(f"/cases/{case.pk}/").content.decode()
            assert f"case-head--{light}" in html, (case.number, light)
            # the handling-limit row carries the same light as the header
            assert re.search(rf'dues__item[^"]*due--{light}', html), (case.number, light)
    cells = D.grid_map(world.street_officer, now=NOW)
    in_grids = [c for c in page.rows if c.grid_id and c.ui_light == "red"]
    assert sum(c.overdue for c in cells) == len(in_grids)


def test_after_a_bulk_action_the_counters_come_back_with_the_queue(world, street, web):  # noqa: F811
    client = web("street_officer")
    before = D.counters(world.street_officer)
    response = client.post(
        "/dashboard/bulk/",
        {"ids": [street["new"].id], "action": "accept", "back": "view=new"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="queue"')
    oob = re.search(r'<section id="counters"[^>]*hx-swap-oob="true"[^>]*>(.*?)</section>', html, re.S)
    assert oob, "the counters are swapped in with the queue"
    after = D.counters(world.street_officer)
    assert after["new"] == before["new"] - 1 and after["awaiting_dispatch"] == before["awaiting_dispatch"] + 1
    shown = dict(re.findall(r'data-counter="(\w+)".*?counter__value">(\d+)<', oob.group(1), re.S))
    assert int(shown["new"]) == after["new"] and int(shown["awaiting_dispatch"]) == after["awaiting_dispatch"]


def test_the_map_names_grids_and_communities_with_open_and_overdue_counts(world, street, web):  # noqa: F811
    from escalation.grid_map import grid_map_svg

    cells = D.grid_map(world.street_officer, now=NOW)
    svg = str(grid_map_svg(cells, href=lambda c: f"/dashboard/?grid={c.id}"))
    for cell in cells:
        assert re.search(rf'class="map-name"[^>]*>{re.escape(cell.name)}</text>', svg), cell.name
        assert re.search(rf'class="map-count"[^>]*>{cell.open}/{cell.overdue}</text>', svg), cell.name
        assert f"{cell.name}（{cell.community} · {cell.code}）" in svg
    with time_machine.travel(NOW, tick=False):
        page = web("street_officer").get(f"/dashboard/?grid={world.grid_a.id}").content.decode()
    assert street["red"].number in page and street["dispatched"].number not in page  # grid B's case filtered out


def test_a_name_too_long_for_a_narrow_tile_is_left_to_the_title_not_drawn_unreadably_small():
    """A street's map: ten grids side by side (tiles about 32 × 41 units), some with 8-character names. Those do
    not fit at a readable size, so they are never squeezed (they used to be drawn at 6 units): they are named
    without "(专属)网格" where that fits; the 5-character names fit on two lines. Every tile keeps its counts, and
    every grid is still named in full in its shape's <title>."""
    from types import SimpleNamespace

    from escalation.grid_map import MIN_LABEL, grid_map_svg

    def square(i):
        x = 98.0 + i * 0.01
        return {
            "type": "Polygon",
            "coordinates": [[[x, 39.8], [x + 0.01, 39.8], [x + 0.01, 39.81], [x, 39.81], [x, 39.8]]],
        }

    names = [
        "雄关学校专属网格",
        "雄关一网格",
        "雄关二网格",
        "雄关三网格",
        "雄关市场专属网格",
        "雄关四网格",
        "雄关五网格",
        "雄关六网格",
        "关城宗教场所网格",
        "关城七网格",
    ]
    cells = [
        SimpleNamespace(id=i, code=f"G{i}", name=n, boundary=square(i), open=i, overdue=0, community="雄关社区")
        for i, n in enumerate(names)
    ]
    svg = str(grid_map_svg(cells, href=lambda c: f"/dashboard/?grid={c.id}"))
    tile = 318 / 10  # the viewBox is 330 wide with 6 units of padding each side
    drawn = re.findall(r'<text[^>]*font-size="([\d.]+)"[^>]*class="map-name"[^>]*>(.*?)</text>', svg)
    lines = {re.sub(r"<[^>]+>", "", t): re.findall(r"<tspan[^>]*>(.*?)</tspan>", t) for _s, t in drawn}
    # the 5-character names on two lines; the 8-character ones do not fit, but their short names do (雄关 / 学校)
    assert lines == {n: [n[:3], n[3:]] for n in names if len(n) == 5} | {
        "雄关学校": ["雄关", "学校"],
        "雄关市场": ["雄关", "市场"],
        "关城宗教场所": ["关城宗", "教场所"],
    }
    for size, text in drawn:
        widest = max(len(line) for line in re.findall(r"<tspan[^>]*>(.*?)</tspan>", text))
        assert MIN_LABEL <= float(size) and widest * float(size) <= tile  # readable, and inside its tile
    counts = re.findall(r'<text[^>]*font-size="([\d.]+)"[^>]*class="map-count"[^>]*>(.*?)</text>', svg)
    assert sorted(t for _s, t in counts) == sorted(f"{i}/0" for i in range(10))
    assert all(float(size) >= MIN_LABEL for size, _t in counts)
    for name in names:
        assert f"<title>{name}（雄关社区 · " in svg, name
