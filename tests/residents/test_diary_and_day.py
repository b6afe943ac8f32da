"""民情日记 → case in one tap (linked both ways), and the grid worker's landing page "My grid today"."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.services.diary import case_file_from_diary
from core.errors import NotAllowed, NotFound
from residents.models import DiaryEntry, VisitPlan
from residents.selectors import diary_entry_for_case
from residents.services import diary_write


def _entry(world, hood, **kw) -> DiaryEntry:
    data = dict(actor=world.users["grid_worker"], grid=world.grid_a, house=hood.houses["a101"],
                topic="environment", mood="unhappy", text="楼道里堆满杂物，老人出行不便\n希望尽快清理",
                needs_follow_up=True, category=world.categories["0102"])  # fmt: skip
    data.update(kw)
    return diary_write(**data)


def test_one_tap_turns_an_entry_into_a_prefilled_case_linked_both_ways(world, hood, web):
    entry = _entry(world, hood)
    client = web("grid_worker")
    response = client.post(f"/residents/diary/{entry.pk}/case/")
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    assert case.grid == world.grid_a and case.category == world.categories["0102"]
    assert case.address == hood.houses["a101"].address
    assert case.title.startswith("环境卫生：楼道里堆满杂物")
    assert "希望尽快清理" in case.description and case.channel == "patrol"
    assert CaseEvent.objects.filter(case=case, action="report").count() == 1
    entry.refresh_from_db()
    assert (entry.case_id, entry.case_number, entry.needs_follow_up) == (case.pk, case.number, False)
    assert diary_entry_for_case(case_id=case.pk) == entry
    # both pages show the link
    assert f"/cases/{case.pk}/" in client.get(f"/residents/diary/{entry.pk}/").content.decode()
    assert f"/residents/diary/{entry.pk}/" in client.get(f"/cases/{case.pk}/").content.decode()
    # a second tap makes no second case
    assert client.post(f"/residents/diary/{entry.pk}/case/")["Location"] == f"/cases/{case.pk}/"
    with pytest.raises(NotAllowed):
        case_file_from_diary(actor=world.users["grid_worker"], entry_id=entry.pk)
    assert Case.objects.count() == 1


def test_without_a_category_the_tap_asks_for_one_then_files(world, hood, web):
    entry = _entry(world, hood, category=None)
    client = web("grid_worker")
    response = client.post(f"/residents/diary/{entry.pk}/case/")
    assert response.status_code == 200 and Case.objects.count() == 0
    html = response.content.decode()  # nothing chosen for the worker: the first option is the blank one
    assert re.search(r'<select id="category" name="category" required>\s*<option value="">', html)
    response = client.post(f"/residents/diary/{entry.pk}/case/", {"category": ""})  # sent without choosing
    assert response.status_code == 400 and "请选择事项类别" in response.content.decode()
    assert Case.objects.count() == 0
    response = client.post(f"/residents/diary/{entry.pk}/case/", {"category": world.categories["0101"].pk})
    assert response.status_code == 302 and Case.objects.get().category == world.categories["0101"]


def test_nobody_converts_an_entry_outside_their_scope(world, hood, web):
    entry = _entry(world, hood)
    assert web("outsider").post(f"/residents/diary/{entry.pk}/case/").status_code == 404
    with pytest.raises(NotFound):
        case_file_from_diary(actor=world.users["outsider"], entry_id=entry.pk)
    assert Case.objects.count() == 0 and DiaryEntry.objects.get(pk=entry.pk).case_id is None


def test_a_failed_filing_leaves_the_entry_unconverted(world, hood):
    world.categories["0102"].active = False
    world.categories["0102"].save()
    entry = _entry(world, hood, category=None)
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        case_file_from_diary(actor=world.users["grid_worker"], entry_id=entry.pk, category=world.categories["0102"])
    assert DiaryEntry.objects.get(pk=entry.pk).case_id is None and Case.objects.count() == 0


def test_the_household_map_shows_open_cases_from_its_diary(world, hood, web):
    entry = _entry(world, hood)
    case_file_from_diary(actor=world.users["grid_worker"], entry_id=entry.pk)
    html = web("grid_worker").get(f"/residents/buildings/{hood.building_a.pk}/").content.decode()
    cell = html.split(f'data-house="{hood.houses["a101"].pk}"', 1)[1].split("</a>", 1)[0]
    assert 'class="hh-cases"' in cell


def test_grid_workers_land_on_my_grid_today(world, hood, web):
    client = web("grid_worker")
    assert client.get("/")["Location"] == "/today/"
    VisitPlan.objects.filter(tag=hood.tags["corr"]).update(due_on=timezone.localdate() - timedelta(days=2),
                                                          light="yellow")  # fmt: skip
    from residents.models import Resident

    Resident.objects.filter(pk=hood.people["youth"].pk).update(permit_expires_on=timezone.localdate() + timedelta(5))
    _entry(world, hood)
    html = client.get("/today/").content.decode()
    visits = html.split('id="visits"', 1)[1].split("</section>", 1)[0]
    assert hood.people["corr"].name in visits and "light-yellow" in visits
    permits = html.split('id="permits"', 1)[1].split("</section>", 1)[0]
    expires = (timezone.localdate() + timedelta(5)).isoformat()
    # the expiry date in the page's one numeric form, with what it is (not the locale's long "2026年12月4日")
    assert hood.people["youth"].name in permits and f'有效期至 <time datetime="{expires}">{expires}</time>' in permits
    assert "楼道里堆满杂物" in html.split('id="diary"', 1)[1]
    for link in ("/residents/plans/", "/residents/diary/new/", "/cases/new/"):
        assert f'href="{link}"' in html
    # the part-timer may not see the corrections tag: no trace of that plan on their day page
    part = web("part_timer").get("/today/").content.decode()
    assert hood.people["corr"].name not in part.split('id="visits"', 1)[1].split("</section>", 1)[0]


def test_the_most_overdue_visits_come_first_on_the_day_page_and_the_plan_list(world, hood, web):
    """严重逾期 (red) before 逾期 (yellow) before the rest, each by due date — though "yellow" sorts after "red"."""
    from residents.services import plan_add

    today = timezone.localdate()
    plans = {
        name: plan_add(
            actor=world.users["grid_worker"], resident=hood.people["plain"], reason=name, every_days=30, due_on=today
        )
        for name in ("黄一", "红一", "绿一", "红二", "黄二")
    }
    lights = {
        "黄一": ("yellow", 1),
        "红一": ("red", 40),
        "绿一": ("green", 0),
        "红二": ("red", 9),
        "黄二": ("yellow", 3),
    }
    for name, (light, days_late) in lights.items():
        VisitPlan.objects.filter(pk=plans[name].pk).update(light=light, due_on=today - timedelta(days=days_late))
    expected = ["红一", "红二", "黄二", "黄一", "绿一"]  # red, yellow, then the rest; each the longest overdue first
    client = web("grid_worker")
    for url, part in (("/today/", 'id="visits"'), ("/residents/plans/", "<main")):
        html = client.get(url).content.decode().split(part, 1)[1]
        positions = [html.find(name) for name in expected]
        assert -1 not in positions, url
        assert positions == sorted(positions), (url, positions)


def test_day_page_costs_the_same_queries_for_few_or_many_plans(world, hood, web):
    client = web("grid_worker")
    VisitPlan.objects.update(due_on=timezone.localdate())
    client.get("/today/")
    with CaptureQueriesContext(connection) as few:
        client.get("/today/")
    for i in range(12):
        diary_write(actor=world.users["grid_worker"], grid=world.grid_a, text=f"记录{i}")
    from residents.services import plan_add

    for i in range(12):
        plan_add(actor=world.users["grid_worker"], resident=hood.people["plain"], reason=f"回访{i}", every_days=30,
                 due_on=timezone.localdate())  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        client.get("/today/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_household_map_costs_the_same_queries_for_a_small_or_large_building(world, hood, web):
    from residents.services import house_create, resident_save
    from tests.residents.setups import id_number

    client = web("grid_leader")
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"/residents/buildings/{hood.building_a.pk}/").status_code == 200
    admin = world.users["admin"]
    for n in range(20):
        h = house_create(actor=admin, building=hood.building_a, unit=1 + n % 2, floor=3 + n // 4, number=f"9{n:02d}")
        resident_save(actor=admin, house=h, name=f"住户{n}", id_number=id_number(100 + n))
    with CaptureQueriesContext(connection) as large:
        assert client.get(f"/residents/buildings/{hood.building_a.pk}/").status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_a_liaison_is_not_sent_to_the_grid_workers_pages(world, hood, web):
    """/today/ and the residents' pages showed a department's liaison links to writing a diary, filing from a grid
    and the grid statistics — all 404 or 403 for them."""
    liaison = web("liaison")
    response = liaison.get("/today/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert liaison.get("/", follow=True).redirect_chain[-1][0] == "/inbox/"
    html = liaison.get("/residents/diary/").content.decode()
    assert "/residents/diary/new/" not in html and "/residents/statistics/" not in html
    assert liaison.get("/residents/diary/new/").status_code == 404
    worker = web("grid_worker").get("/residents/diary/").content.decode()
    assert "/residents/diary/new/" in worker and "/residents/statistics/" in worker


def test_the_household_maps_dots_have_a_key_on_the_page(world, hood, web):
    """A dot's name was only its hover title — nothing on a phone. The key lists each tag shown on the map once,
    and only those (the visibility matrix holds the dots themselves to the viewer's rights)."""
    import re

    html = web("grid_worker").get(f"/residents/buildings/{hood.building_a.pk}/").content.decode()
    table = html.split('<table class="hh-map"', 1)[1]
    dots = set(re.findall(r'class="hh-marker"[^>]*data-tag="([^"]+)"', table))
    key = html.split('class="hh-legend hh-tag-legend', 1)[1].split("</ul>", 1)[0]
    listed = re.findall(r'<li data-tag="([^"]+)">', key)
    assert dots and sorted(listed) == sorted(dots)
    for code in dots:
        name = next(t.category.name for t in hood.tags.values() if t.category.code == code)
        assert name in key


def test_a_case_without_a_light_on_the_day_page_says_its_status(world, hood, web):
    """A case whose clock is stopped (resolved, waiting for the grid worker's check on site) has no light: its row
    said nothing of it — now its status."""
    from tests.cases.setups import SETUPS, home

    case = SETUPS["b_resolved"](home(world))
    html = web("grid_worker").get("/today/").content.decode()
    cases = html.split('id="cases"', 1)[1].split("</section>", 1)[0]
    row = cases.split(f"/cases/{case.pk}/", 1)[0].rsplit("<li>", 1)[1]
    assert "light-" not in row and f'class="badge status-{case.status}">待核查</span>' in row


def test_the_entry_shows_the_place_written_beside_the_home(world, hood, web):
    """An entry made at a home and "家中" written as its place: the page showed the home's address only."""
    entry = _entry(world, hood, place="家中（客厅）")
    page = web("grid_worker").get(f"/residents/diary/{entry.pk}/").content.decode()
    assert hood.houses["a101"].address in page and "家中（客厅）" in page
