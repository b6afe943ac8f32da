"""The case list page's keyset pages in a real browser at 375 px, with JavaScript switched off: the street officer
sorts by due time, walks 下一页 → 末页 → 上一页 → 首页 by plain links, the filters and the sort stay, nothing is
wider than the phone; a tampered cursor shows the message. Screenshots (phone, and English at 1280 px) go to
test-artifacts/browser/.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.cases.helpers import file_case
from tests.factories.world import PASSWORD

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def _no_js_context(browser, viewport: dict, locale: str = "zh-CN"):
    return browser.new_context(viewport=viewport, locale=locale, timezone_id="Asia/Shanghai", java_script_enabled=False)


def _login(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_load_state("load")


def _numbers(page) -> list[str]:
    return page.locator(".case-row__number").all_inner_texts()


def test_case_list_pages_by_plain_links_at_375_px_without_javascript(world, browser, live_server, artifacts):
    start = timezone.now() - timedelta(days=2)
    for i in range(45):
        file_case(world, title=f"暴露垃圾 {i + 1} 号", now=start + timedelta(minutes=i))
    context = _no_js_context(browser, PHONE)
    page = context.new_page()
    try:
        _login(page, live_server.url, world.street_officer.username)
        page.goto(live_server.url + "/cases/?level=grid&sort=due")
        assert "共 45 件" in page.inner_text("main")
        first = _numbers(page)
        assert len(first) == 20
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(artifacts / "list-01-first-page-375.png"), full_page=True)

        page.click("nav.pagination >> text=下一页")
        second = _numbers(page)
        assert len(second) == 20 and not set(second) & set(first)
        assert "sort=due" in page.url and "level=grid" in page.url
        page.screenshot(path=str(artifacts / "list-02-second-page-375.png"), full_page=True)

        page.click("nav.pagination >> text=末页")
        last = _numbers(page)
        assert len(last) == 20 and page.locator("nav.pagination >> text=下一页").count() == 0
        page.click("nav.pagination >> text=上一页")
        before_last = _numbers(page)
        assert len(before_last) == 20 and not set(before_last) & set(last)
        assert len(set(first) | set(before_last) | set(last)) == 45
        page.click("nav.pagination >> text=首页")
        assert _numbers(page) == first
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        page.goto(live_server.url + "/cases/?cursor=tampered")
        assert "翻页参数无效，请回到第一页" in page.inner_text("main")
        page.screenshot(path=str(artifacts / "list-03-bad-cursor-375.png"), full_page=True)
    finally:
        context.close()

    english = _no_js_context(browser, DESKTOP, locale="en-US")
    page = english.new_page()
    try:
        _login(page, live_server.url, world.street_officer.username)
        english.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
        page.goto(live_server.url + "/cases/")
        text = page.inner_text("main")
        assert "45 cases in all" in text
        assert page.locator("nav.pagination >> text=Next").count() == 1
        assert page.locator("nav.pagination >> text=Last").count() == 1
        page.screenshot(path=str(artifacts / "list-04-desktop.png"), full_page=True)
    finally:
        english.close()
