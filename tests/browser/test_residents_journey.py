"""Real browser, phone-sized: a grid worker logs a visit → the same visit becomes a 民情日记 entry → one tap makes it
a case (linked both ways). The day page and the household map fit a 375 px screen."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cases.models import Case
from residents.models import DiaryEntry, Visit, VisitPlan
from tests.factories.world import PASSWORD, build_world
from tests.residents.setups import build_hood

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_grid_worker_logs_a_visit_on_a_phone_then_a_diary_entry_then_a_case(live_server, sessions):
    world = build_world()
    hood = build_hood(world)
    plan = VisitPlan.objects.get(tag=hood.tags["corr"])
    worker = sessions("residents-01-")
    worker.login(world.grid_worker.username, PASSWORD)
    page = worker.page
    assert page.url.endswith("/today/")
    assert _fits_the_phone(page)
    worker.shot("today")

    # 1. the visit, from the day page's list
    page.locator("#visits").get_by_role("link", name="走访").first.click()
    page.wait_for_load_state("networkidle")
    assert f"plan={plan.pk}" in page.url
    page.fill("#id_found", "本人在家，情绪稳定；反映楼道堆物影响出行")
    page.check("#id_follow_up")
    page.check("#id_also_diary")
    worker.shot("visit")
    page.get_by_role("button", name="保存走访").click()
    page.wait_for_load_state("networkidle")
    visit = Visit.objects.get()
    assert visit.plan_id == plan.pk and visit.visitor == world.grid_worker
    plan.refresh_from_db()
    assert plan.light == "green" and plan.last_visited_on == visit.visited_on

    # 2. the diary entry, prefilled from the visit
    worker.shot("after-visit")
    assert "/residents/diary/new/" in page.url, page.url
    assert "楼道堆物" in page.input_value("#id_text")
    page.select_option("#id_topic", "environment")
    page.select_option("#id_category", str(world.categories["0102"].pk))
    assert _fits_the_phone(page)
    worker.shot("diary")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_load_state("networkidle")
    entry = DiaryEntry.objects.get()
    assert entry.visit_id == visit.pk and entry.house_id == hood.houses["a101"].pk

    # 3. one tap: the case
    page.get_by_role("button", name="一键转为事件").click()
    page.wait_for_load_state("networkidle")
    case = Case.objects.get()
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert case.grid_id == world.grid_a.id and case.address == hood.houses["a101"].address
    entry.refresh_from_db()
    assert entry.case_id == case.pk
    # the page shows the local date (after 16:00 UTC it is already tomorrow in Beijing)
    written = timezone.localtime(entry.written_at).strftime("%Y-%m-%d")
    page.get_by_role("link", name=written, exact=False).first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/residents/diary/{entry.pk}/")
    assert case.number in page.content()
    worker.shot("case-linked")

    # the household map fits the phone (the floors × units grid scrolls inside its own box)
    worker.go(f"/residents/buildings/{hood.building_a.pk}/")
    assert page.locator(".hh-house").count() == 4
    assert _fits_the_phone(page)
    # 101 has the open case: its red badge sits on the tile's corner, clear of the household size
    house = page.locator(f'.hh-house[data-house="{hood.houses["a101"].pk}"]')
    badge, size = house.locator(".hh-cases").bounding_box(), house.locator(".hh-size").bounding_box()
    assert badge and size
    apart = badge["x"] >= size["x"] + size["width"] or badge["y"] >= size["y"] + size["height"]
    assert apart, f"the open-case badge {badge} covers the household size {size}"
    worker.shot("household-map")
    assert worker.errors == []
