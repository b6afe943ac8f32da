"""A district officer's assessment in a real browser (Playwright + Debian Chromium): the fixed periods are links, a
district's fixed period shows the figures beat kept and says when they were counted, 实时统计 counts now — at 1280
and 375 px, nothing overflowing the phone. Screenshots go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from assessment.services import figures_refresh
from tests.browser.test_dashboard_journey import page_for, shot
from tests.cases.helpers import file_case

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _shots_folder(artifacts):
    return artifacts


def received(page) -> str:
    return page.locator('[data-rate="response"]').locator("..").locator(".rate-card__raw").inner_text()


@pytest.fixture
def wednesday():
    """A Wednesday morning (the clock runs): this week's fixed period cannot end while the test runs."""
    with time_machine.travel(datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=True):
        yield


@pytest.mark.parametrize("width", [1280, 375])
def test_a_district_officer_reads_kept_figures_and_counts_live_on_request(
    world, browser, live_server, width, wednesday
):
    file_case(world, code="0101", title="门口暴露垃圾")
    figures_refresh()
    file_case(world, code="0102", title="楼道堆物")  # after the refresh: only a live count has it

    page = page_for(browser, live_server, world.district_officer.username, width=width)
    page.goto(live_server.url + "/assessment/?by=street&from=2026-11-09&to=2026-11-15")
    assert "受理 0" in received(page)
    assert page.locator(".figures-as-of").count() == 0  # not a fixed period: nothing kept, nothing to say
    page.locator("nav.fixed-periods a", has_text="本周").click()
    page.wait_for_load_state("networkidle")
    assert page.locator('nav.fixed-periods a[aria-current="true"]').inner_text() == "本周"
    assert not page.locator(".message--error").count()
    note = page.locator(".figures-as-of")
    assert "数据统计于" in note.inner_text()
    assert "受理 1" in received(page)
    shot(page, f"assessment-figures-01-kept-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "nothing overflows the page's width"

    page.locator("a", has_text="实时统计").click()
    page.wait_for_load_state("networkidle")
    assert "实时统计" in page.locator(".figures-as-of").inner_text()
    assert not page.locator(".message--error").count()
    assert "受理 2" in received(page)
    shot(page, f"assessment-figures-02-live-{width}")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.locator("a", has_text="查看定时统计").click()
    page.wait_for_load_state("networkidle")
    assert "数据统计于" in page.locator(".figures-as-of").inner_text() and "受理 1" in received(page)
