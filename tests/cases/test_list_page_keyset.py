"""The case list page (/cases/) pages by keyset, like the API (``core.pagination``): every case once and in order
forwards and backwards for each sort, pages that do not shift when cases are filed meanwhile, the filters and
the sort kept in the links, a capped count shown as such, a tampered cursor answered with 400 and a message,
and the same number of queries on the first, a deep and the last page."""

from __future__ import annotations

import base64
import html
import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case

from .helpers import at, file_case

URL = "/cases/"
NUMBER = re.compile(r'<span class="mono case-row__number">([^<]+)</span>')


def _link(page: str, rel: str) -> str | None:
    m = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return html.unescape(m.group(1)) if m else None


def _named_link(page: str, label: str) -> str | None:
    m = re.search(rf'href="([^"]+)">{label}</a>', page)
    return html.unescape(m.group(1)) if m else None


def _get(client, url: str, status: int = 200) -> str:
    resp = client.get(url if url.startswith("/") else URL + url)
    assert resp.status_code == status, resp.content.decode()[:500]
    return resp.content.decode()


def _numbers(page: str) -> list[str]:
    return NUMBER.findall(page)


def _walk(client, url: str, rel: str = "next") -> list[str]:
    seen: list[str] = []
    pages = 0
    while url:
        page = _get(client, url)
        seen = seen + _numbers(page) if rel == "next" else _numbers(page) + seen
        url = _link(page, rel)
        pages += 1
        assert pages < 20
    return seen


@pytest.fixture
def many(world):
    """45 cases in the street: reported in 15 distinct instants (ties of three), due times with ties."""
    cases = [file_case(world, now=at(2026, 11, 16, 8) + timedelta(minutes=10 * (i // 3))) for i in range(45)]
    base = at(2026, 11, 20, 9)
    for i, case in enumerate(cases):
        Case.objects.filter(pk=case.pk).update(due_at=base + timedelta(hours=i % 4))
    return list(Case.objects.filter(pk__in=[c.pk for c in cases]))


def oracle(cases: list[Case], sort: str) -> list[str]:
    if sort == "due":
        ordered = sorted(cases, key=lambda c: (c.due_at, c.pk))
    elif sort == "reported":
        ordered = sorted(cases, key=lambda c: (c.reported_at, c.pk))
    else:
        ordered = sorted(cases, key=lambda c: (c.reported_at, c.pk), reverse=True)
    return [c.number for c in ordered]


@pytest.mark.parametrize("sort", ["", "reported", "due"])
def test_next_links_show_every_case_once_in_order_and_previous_links_walk_back(world, web, many, sort):
    client = web("street_officer")
    start = f"?sort={sort}" if sort else "?"
    assert _walk(client, start) == oracle(many, sort)
    last = _named_link(_get(client, start), "末页")
    assert last
    last_page = _get(client, last)
    assert _numbers(last_page) == oracle(many, sort)[-20:]
    assert _link(last_page, "next") is None
    assert _walk(client, last, rel="prev") == oracle(many, sort)


def test_twenty_a_page_with_first_previous_next_last_as_plain_links(world, web, many):
    client = web("street_officer")
    first = _get(client, "")
    assert len(_numbers(first)) == 20
    assert _link(first, "prev") is None and _named_link(first, "首页") is None
    second = _get(client, _link(first, "next"))
    assert len(_numbers(second)) == 20
    assert _named_link(second, "首页") == "?"
    third = _get(client, _link(second, "next"))
    assert _numbers(third) == oracle(many, "")[40:]
    assert _link(third, "next") is None and _named_link(third, "末页") is None
    assert _numbers(_get(client, _link(third, "prev"))) == _numbers(second)


def test_pages_do_not_shift_when_cases_are_filed_meanwhile(world, web, many):
    client = web("street_officer")
    first = _get(client, "")
    page_one = _numbers(first)
    next_url = _link(first, "next")
    newer = [file_case(world, now=at(2026, 11, 18, 9) + timedelta(minutes=i)) for i in range(5)]  # newest of all
    second = _get(client, next_url)
    assert _numbers(second) == oracle(many, "")[20:40]  # what followed page one, not page one's tail again
    back = _get(client, _link(second, "prev"))
    assert _numbers(back) == page_one  # the page before, as it was; the new cases are before it
    assert _link(back, "prev")  # … and reachable from it
    fresh = _numbers(_get(client, ""))
    assert fresh[:5] == [c.number for c in reversed(newer)]


def test_links_keep_the_filters_and_the_sort(world, web, many):
    other = file_case(world, code="0202", now=at(2026, 11, 16, 7))  # grade B: not reported at the grid level
    client = web("street_officer")
    first = _get(client, "?level=grid&sort=due")
    next_url = _link(first, "next")
    assert "level=grid" in next_url and "sort=due" in next_url
    everything = _walk(client, "?level=grid&sort=due")
    assert everything == oracle(many, "due") and other.number not in everything
    assert "level=grid" in _named_link(first, "末页")


def test_a_tampered_cursor_is_a_400_with_a_message_and_the_first_page(world, web, many):
    client = web("street_officer")
    due_cursor = re.search(r"cursor=([^&\"]+)", _link(_get(client, "?sort=due"), "next")).group(1)
    wrong_type = json.dumps({"o": "-reported_at,-id", "v": ["not a time", 1], "r": 0})
    forged = base64.urlsafe_b64encode(wrong_type.encode()).decode().rstrip("=")
    not_json = base64.urlsafe_b64encode(b"[1,2").decode()
    for bad in ["garbage!!", "eyJv", due_cursor, forged, not_json]:
        page = _get(client, f"?cursor={bad}", status=400)
        assert "翻页参数无效，请回到第一页" in page, bad
        assert _numbers(page) == oracle(many, "")[:20], bad
    assert client.get(f"{URL}?cursor=%00").status_code == 400  # control characters: refused before the view


def test_an_unknown_sort_is_refused_on_the_form_and_the_list_stays_newest_first(world, web, many):
    page = _get(web("street_officer"), "?sort=title")
    assert _numbers(page) == oracle(many, "")[:20]
    assert "errorlist" in page or "field--error" in page or "选择一个有效的选项" in page


def test_the_count_is_exact_under_the_cap_and_shown_as_capped_above_it(world, web, many, settings):
    client = web("street_officer")
    assert "共 45 件" in _get(client, "")
    settings.LIST_COUNT_CAP = 10
    page = _get(client, "")
    assert "超过 10 件" in page and "共 45 件" not in page
    if connection.vendor == "postgresql":
        assert "估算约" in page
    settings.LIST_COUNT_CAP = 45
    assert "共 45 件" in _get(client, "")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(URL + url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["street_officer", "district_officer", "grid_worker"])
def test_first_deep_and_last_pages_cost_the_same_queries_and_no_subquery(world, web, many, persona, settings):
    settings.LIST_COUNT_CAP = 30  # the capped count path too (an estimate on PostgreSQL)
    client = web(persona)
    first = _get(client, "")
    deep = _link(first, "next")
    last = _named_link(first, "末页")
    counts = {_queries(client, u) for u in ("?", deep, last)}
    assert len(counts) == 1, counts
    with CaptureQueriesContext(connection) as ctx:
        client.get(URL + deep)
    page_sql = [q["sql"] for q in ctx.captured_queries if "cases_case" in q["sql"] and "LIMIT 21" in q["sql"]]
    assert len(page_sql) == 1
    assert page_sql[0].upper().count("SELECT") == 1 or persona == "grid_worker"  # the page: no per-row subquery
    assert " OFFSET " not in page_sql[0].upper()
