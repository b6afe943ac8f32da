"""A street officer's morning in a real browser (Playwright + Debian Chromium): filter the queue, bulk-dispatch
(one case refused: a colleague got there first), whistle two departments, a liaison reports in and responds from
the inbox, and the assessment shows the changed counts. Screenshots of each page, at 1280 and 375 px, go to
``test-artifacts/browser/``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from cases.services import case_transition
from tests.cases.helpers import file_case
from tests.factories.world import PASSWORD

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


@pytest.fixture(autouse=True)
def _shots_folder(artifacts):
    """The shared session ``browser`` (tests/browser/conftest.py) drives Chromium; only one Playwright per process."""
    return artifacts


def page_for(browser, live_server, username: str, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_street_officer_dispatches_whistles_and_sees_the_assessment_change(world, browser, live_server):
    w = world
    fumes = [file_case(w, code="0204", title=f"餐饮油烟扰民 {i}号店", address=f"雄关路 {i} 号") for i in (1, 2, 3)]
    building = file_case(w, code="0202", title="屋顶违法搭建", address="雄关路 8 号楼顶")
    litter = file_case(w, code="0101", title="门口暴露垃圾")
    for case in [*fumes, building]:
        case_transition(case_id=case.id, action="accept", actor=w.street_officer)
    scjg, sthj = w.departments["scjg"], w.departments["sthj"]

    officer = page_for(browser, live_server, "jiedao01")
    officer.goto(live_server.url + "/dashboard/")
    shot(officer, "dashboard-01-start-1280")
    assert officer.locator('[data-counter="awaiting_dispatch"] .counter__value').inner_text() == "4"

    # 1. filter the queue: awaiting dispatch, text "油烟" (htmx swaps the queue only, the URL follows)
    officer.select_option("#f-view", "awaiting_dispatch")
    officer.fill("#f-q", "油烟")
    officer.click("form[role=search] button[type=submit]")
    officer.wait_for_selector(f'#queue tr[data-case="{fumes[0].id}"]')
    officer.wait_for_function("() => document.querySelectorAll('#queue tr[data-case]').length === 3")
    assert "view=awaiting_dispatch" in officer.url
    assert officer.locator(f'#queue tr[data-case="{litter.id}"]').count() == 0
    shot(officer, "dashboard-02-filtered-1280")

    # 2. bulk dispatch three cases to 市场监管所 — a colleague dispatches one of them first
    for case in fumes:
        officer.check(f'#queue input[name=ids][value="{case.id}"]')
    case_transition(case_id=fumes[2].id, action="dispatch", actor=w.street_officer_2, departments=[sthj.id])
    officer.click(".bulk-dispatch > summary")
    officer.check(f'.bulk-dispatch input[name=departments][value="{scjg.id}"]')
    officer.click('.bulk-dispatch button[value="dispatch"]')
    officer.wait_for_selector(".bulk-result")
    result = officer.locator(".bulk-result").inner_text()
    assert "成功 2 件" in result and "未处理 1 件" in result
    assert "冯街道" in officer.locator(f'.bulk-result li[data-case="{fumes[2].id}"]').inner_text()
    shot(officer, "dashboard-03-bulk-dispatched-1280")
    for case in fumes[:2]:
        case.refresh_from_db()
        assert case.status == "dispatched" and case.dispatches.get(active=True).department_id == scjg.id

    # 3. whistle 城管执法 and 住建 on the rooftop case (the case page's whistle form, built by the inbox helper)
    officer.goto(live_server.url + f"/cases/{building.id}/whistle/")
    officer.check(f'input[name=departments][value="{w.departments["cgzf"].id}"]')
    officer.check(f'input[name=departments][value="{w.departments["zj"].id}"]')
    officer.fill("textarea[name=reason]", "屋顶违法搭建，需城管执法、住建到场认定并处置")
    shot(officer, "whistle-01-form-1280")
    officer.click("form.whistle-form button[type=submit]")
    officer.wait_for_url(re.compile(rf"/cases/{building.id}/$"))
    officer.goto(live_server.url + "/dashboard/")
    whistles = officer.locator("#whistles")
    assert "城管执法" in whistles.inner_text() and "住建" in whistles.inner_text()
    assert re.search(r"剩 (2\d|30) 分钟", whistles.inner_text()), "the report-in countdown runs"
    shot(officer, "dashboard-04-whistles-1280")

    # 4. the 城管执法 liaison reports in and responds from the inbox
    liaison = page_for(browser, live_server, "chengguan01")
    liaison.goto(live_server.url + "/inbox/")
    shot(liaison, "inbox-01-summoned-1280")
    card = liaison.locator("article.summons").filter(has_text=building.number)
    card.locator("button", has_text="报到").first.click()
    liaison.wait_for_load_state("networkidle")
    card = liaison.locator("article.summons").filter(has_text=building.number)
    respond = card.locator("details.summons-action").filter(
        has=liaison.locator("summary", has_text=re.compile(r"^\s*反馈\s*$"))
    )
    respond.locator("summary").click()
    respond.locator("textarea").fill("已到场，责令当事人停工并限期自行拆除")
    respond.locator("button[type=submit]").click()
    liaison.wait_for_load_state("networkidle")
    shot(liaison, "inbox-02-responded-1280")
    from escalation.models import Summons

    cg = Summons.objects.get(case=building, department=w.departments["cgzf"])
    assert cg.status == "responded" and not cg.reported_late

    # 5. the assessment shows the week's changed counts
    officer.goto(live_server.url + "/assessment/?by=department")
    table = officer.locator("table.assessment-table")

    def cell(dept, name: str) -> str:
        return table.locator(f'tr[data-key="{dept.id}"] [data-count="{name}"]').inner_text()

    assert (cell(w.departments["cgzf"], "received"), cell(w.departments["cgzf"], "responded")) == ("1", "1")
    assert (cell(w.departments["zj"], "received"), cell(w.departments["zj"], "responded")) == ("1", "0")
    assert (cell(scjg, "received"), cell(sthj, "received")) == ("2", "1")
    assert "退单 0 / 派遣 3" in officer.locator('[data-indicator="correct_dispatch"]').locator("..").inner_text()
    officer.wait_for_load_state("networkidle")
    shot(officer, "assessment-01-departments-1280")

    # 6. the same pages on a phone
    phone = page_for(browser, live_server, "jiedao01", width=375)
    phone.goto(live_server.url + "/dashboard/")
    shot(phone, "dashboard-05-phone-375")
    phone.goto(live_server.url + "/assessment/?by=grid")
    phone.wait_for_load_state("networkidle")
    shot(phone, "assessment-02-phone-375")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375, "nothing overflows the phone's width"
    # the 12345 and 走访 tables scroll sideways inside their wrapper instead of squeezing their text columns into
    # a few characters a line (rows 150 px tall, grid names two characters a line)
    # (grid workers with nothing due and no visit are one line of names, not rows: the 走访 table may be absent)
    tables = ["table.hotline-table"]
    if phone.locator("table.visit-table").count():
        tables.append("table.visit-table")
    else:
        assert phone.locator("details.visit-idle").count() == 1
    for table in tables:
        rows = phone.locator(f"{table} tbody tr").evaluate_all("rs => rs.map(r => r.getBoundingClientRect().height)")
        assert rows and max(rows) < 70, f"{table} rows are too tall on a phone: {rows}"
        narrowest = phone.locator(f"{table} tbody tr:first-child > :not(.num)").evaluate_all(
            "cs => Math.min(...cs.map(c => c.getBoundingClientRect().width))"
        )
        assert narrowest >= 120, f"{table}'s text columns are squeezed to {narrowest}px"
