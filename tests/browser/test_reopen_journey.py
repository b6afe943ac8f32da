"""重办 in a real browser: unsatisfied → reopened → the same department signs and resolves → closed → rated again.

The case was dispatched to 城管执法, signed, resolved, verified and closed (set up through the services). The
resident rates it "不满意" on their phone: the case is reopened and goes back to 城管执法, whose liaison signs for
it again and resolves it; the grid worker verifies it; the resident rates the second round "满意" and still sees
the first rating. Screenshots of each step (and of the changed pages: the case page with its round history, the
follow-my-case page, the dashboard's grid map, the notices at 375 px and the case page in English at 1440 px) go
to test-artifacts/browser/.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case, CaseDispatch, Rating
from cases.services import case_transition
from tests.cases.helpers import file_case
from tests.factories.world import PASSWORD

from .conftest import PHONE
from .test_case_journey import act

pytestmark = pytest.mark.browser

WIDE = {"width": 1440, "height": 900}


def _closed_case(world) -> Case:
    start = timezone.now() - timedelta(hours=6)
    case = file_case(
        world,
        code="0202",
        title="楼顶违法搭建",
        description="5号楼楼顶有人搭建彩钢房",
        citizen_name="刘女士",
        citizen_phone="13919370001",
        now=start,
    )
    officer, liaison = world.street_officer, world.liaison
    case_transition(case_id=case.pk, action="accept", actor=officer, now=start)
    case_transition(
        case_id=case.pk, action="dispatch", actor=officer, departments=[world.departments["cgzf"].id], now=start
    )
    case_transition(case_id=case.pk, action="sign", actor=liaison, now=start + timedelta(minutes=10))
    case_transition(case_id=case.pk, action="resolve", actor=liaison, note="已责令拆除", now=start + timedelta(hours=2))
    return case_transition(case_id=case.pk, action="verify_ok", actor=world.grid_worker, now=start + timedelta(hours=3))


def test_unsatisfied_reopened_same_department_resolves_closed_and_rated_again(world, sessions):
    case = _closed_case(world)

    # 1. The resident is not satisfied: the case is reopened and goes back to 城管执法.
    resident = sessions("11-reopen-resident-", PHONE)
    page = resident.go(f"/track/{case.follow_up_token}/")
    assert "5号楼楼顶有人搭建彩钢房" in page.inner_text("main")  # what they wrote
    page.locator("label.rating-choice--unsatisfied").click()
    page.fill("#id_comment", "彩钢房只拆了一半")
    page.locator(".rate-card button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    resident.shot("1-unsatisfied")
    case.refresh_from_db()
    assert (case.status, case.round) == ("in_progress", 2)
    assert CaseDispatch.objects.get(case=case, active=True).department.code == "cgzf"

    # 2. The same department's liaison signs for it again and resolves it.
    liaison = sessions("12-reopen-liaison-", PHONE)
    liaison.login(world.liaison.username, PASSWORD)
    page = liaison.go(f"/cases/{case.pk}/")
    assert "第 2 轮办理" in page.inner_text("main")
    liaison.shot("1-reopened")
    act(page, "sign")
    assert page.locator("#action-sign").count() == 0  # signed: no second 签收
    act(page, "resolve", fill={"resolve-note": "彩钢房已全部拆除，现场清理完毕"})
    assert "待核查" in page.inner_text(".case-head")
    liaison.shot("2-resolved")

    # 3. The grid worker verifies it on site: closed again.
    worker = sessions("13-reopen-worker-", PHONE)
    worker.login(world.grid_worker.username, PASSWORD)
    page = worker.go(f"/cases/{case.pk}/")
    act(page, "verify_ok", fill={"verify_ok-note": "现场核查：已全部拆除"})
    assert "已结案" in page.inner_text(".case-head")
    worker.shot("1-closed-again")

    # 4. The resident rates the second round; the first rating is kept as history.
    page = resident.go(f"/track/{case.follow_up_token}/")
    assert "请评价处理结果" in page.inner_text("main")
    page.locator("label.rating-choice--satisfied").click()
    page.locator(".rate-card button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    text = page.inner_text("main")
    assert "感谢您的评价" in text and "此前的评价" in text and "彩钢房只拆了一半" in text
    resident.shot("2-rated-again")
    ratings = list(Rating.objects.filter(case=case).order_by("round").values_list("round", "result", "latest"))
    assert ratings == [(1, "unsatisfied", False), (2, "satisfied", True)]

    # 5. The street sees both rounds on the case page (desktop, then English at 1440 px: nothing cut off).
    street = sessions("14-reopen-street-", WIDE)
    street.login(world.street_officer.username, PASSWORD)
    page = street.go(f"/cases/{case.pk}/")
    text = page.inner_text("main")
    assert "第 1 轮评价" in text and "第 2 轮评价" in text and "时限依据" in text
    street.shot("1-case-zh")
    page = street.go("/dashboard/")
    street.shot("2-dashboard-map")
    page.locator("[data-grid]").first.click()
    page.wait_for_load_state("networkidle")
    assert "grid=" in page.url
    street.page.context.add_cookies([{"name": "django_language", "value": "en", "url": street.base_url}])
    page = street.go(f"/cases/{case.pk}/")
    street.shot("3-case-en")
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('main *')].filter(e => {
               const s = getComputedStyle(e);
               const shown = e.getClientRects().length > 0 && e.offsetParent !== null
                             && !e.closest('details:not([open])');
               return shown && e.scrollWidth > e.clientWidth + 1 && s.overflowX === 'visible' && e.clientWidth > 0
                      && !['svg','path','text','textarea','pre','code'].includes(e.tagName.toLowerCase());
           }).map(e => e.tagName + '.' + e.className).slice(0, 10)"""
    )
    assert overflow == [], f"cut off in English at 1440 px: {overflow}"
    assert "Round 2 rating" in page.inner_text("main")

    # 6. Notices reachable at 375 px for every role that acts here, the badge visible.
    for who, session in (("liaison", liaison), ("worker", worker)):
        page = session.go(f"/cases/{case.pk}/")
        box = page.locator(".site-nav a[href='/notices/']").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{who}: 通知 off screen"
        session.shot(f"9-{who}-nav")

    # 7. The citizen's entry points: follow-my-case from the login page.
    visitor = sessions("15-citizen-", PHONE)
    page = visitor.go("/accounts/login/")
    page.locator("[data-citizen-link=track]").click()
    page.wait_for_load_state("networkidle")
    page.fill("input[name=number]", case.number)
    page.fill("input[name=phone]", "13919370001")
    visitor.shot("1-follow-my-case")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/track/{case.follow_up_token}/")
    visitor.shot("2-found")

    for s in (resident, liaison, worker, street, visitor):
        assert s.errors == [], f"JavaScript errors on {s.prefix}: {s.errors}"
