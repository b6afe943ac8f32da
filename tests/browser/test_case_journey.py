"""One case from a phone in the field to the resident's rating, in a real browser (375 × 812):

grid worker files it with a photo (using "use my location") → sees it in "my cases" → the community officer
accepts it and dispatches it to the grid team → the grid leader signs for it and resolves it with an "after"
photo → the grid worker verifies it on site → the resident rates it through the follow-up link.
A screenshot of each step goes to test-artifacts/browser/.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cases.models import Case, Rating
from tests.factories.world import PASSWORD

from .conftest import DESKTOP

pytestmark = pytest.mark.browser


def jpeg(name: str, color: str) -> dict:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(buf, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buf.getvalue()}


def act(page, action: str, *, fill: dict | None = None, check: str | None = None, files: list | None = None):
    """Open an action's small form on the case page, fill it in and confirm; wait for the page to come back."""
    box = page.locator(f"#action-{action}")
    box.locator("summary").click()
    for name, value in (fill or {}).items():
        box.locator(f"[name='{name}']").fill(value)
    if check:
        box.locator(check).check()
    if files:
        box.locator(f"input[name='{action}-files']").set_input_files(files)
    box.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_case_journey_from_phone_report_to_citizen_rating(world, live_server, sessions):
    # 1. The grid worker files a case on the phone, with a photo and the phone's position.
    worker = sessions("01-grid-worker-")
    worker.login(world.grid_worker.username, PASSWORD)
    assert worker.page.url.endswith("/today/")
    worker.context.grant_permissions(["geolocation"], origin=live_server.url)
    worker.context.set_geolocation({"latitude": 39.7751, "longitude": 98.2952, "accuracy": 12})
    page = worker.go("/cases/new/")
    page.select_option("#id_major", value=str(world.categories["0101"].parent_id))
    # the 小类 list now holds only that 大类's entries
    options = page.locator("#id_category option[data-major]").all_text_contents()
    assert options and all(o.startswith("01") for o in options)
    page.select_option("#id_category", value=str(world.categories["0101"].id))
    page.fill("#id_description", "北门垃圾桶旁堆了三袋生活垃圾，有异味")
    page.fill("#id_address", "雄关一网格北门")
    page.click("[data-locate]")
    page.wait_for_function("() => document.querySelector('#id_lat').value !== ''")
    assert page.input_value("#id_lat") == "39.775100"
    page.set_input_files("#id_photos", [jpeg("现场.jpg", "darkolivegreen")])
    assert page.locator(".photo-preview img").count() == 1
    worker.shot("1-form")
    page.locator(".form-actions--sticky button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    case = Case.objects.get()
    assert page.url.endswith(f"/cases/{case.pk}/")
    assert "已上报" in page.inner_text(".messages")
    assert (case.grid_id, case.lat, case.evidence.count()) == (world.grid_a.id, 39.7751, 1)
    worker.shot("2-filed")

    # 2. It is in "my cases", waiting.
    page = worker.go("/cases/mine/")
    assert case.number in page.inner_text(".case-list")
    worker.shot("3-my-cases")

    # 3. The community officer accepts it and dispatches it to the grid team.
    officer = sessions("02-community-officer-")
    officer.login(world.community_officer.username, PASSWORD)
    page = officer.go(f"/cases/{case.pk}/")
    act(page, "accept")
    assert "已受理" in page.inner_text(".messages")
    act(page, "dispatch", check="input[name='dispatch-target'][value='grid']", fill={"dispatch-note": "请网格团队处理"})
    assert "已派遣" in page.inner_text(".messages")
    assert "待签收" in page.inner_text(".case-head")
    officer.shot("1-dispatched")

    # 4. The grid leader signs for it and resolves it with an "after" photo.
    leader = sessions("03-grid-leader-")
    leader.login(world.grid_leader.username, PASSWORD)
    page = leader.go(f"/cases/{case.pk}/")
    act(page, "sign")
    act(
        page,
        "resolve",
        fill={"resolve-note": "已联系保洁清运，现场已清理干净"},
        files=[jpeg("处置后.jpg", "lightgray")],
    )
    assert "待核查" in page.inner_text(".case-head")
    leader.shot("1-resolved")

    # 5. The grid worker verifies it on site; the case closes. The resident's private link is on no staff page.
    page = worker.go(f"/cases/{case.pk}/")
    act(page, "verify_ok", fill={"verify_ok-note": "现场核查：已清理"})
    assert "已结案" in page.inner_text(".case-head")
    case.refresh_from_db()
    assert page.locator("a[data-track-link]").count() == 0 and case.follow_up_token not in page.content()
    worker.shot("4-verified")

    # 6. The resident opens the link sent to them (by SMS, outside the app) on their phone and rates the result.
    resident = sessions("04-resident-")
    page = resident.go(f"/track/{case.follow_up_token}/")
    assert case.number in page.inner_text("main")
    assert "王网格" not in page.inner_text("main")  # staff by role, never by name
    resident.shot("1-follow-up")
    page.locator("label.rating-choice--satisfied").click()
    page.fill("#id_comment", "处理很及时，谢谢")
    page.locator(".rate-card button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "感谢您的评价" in page.inner_text("main")
    resident.shot("2-rated")

    case.refresh_from_db()
    assert case.status == "closed"
    assert Rating.objects.get(case=case).result == "satisfied"
    assert list(case.events.order_by("at", "id").values_list("action", flat=True)) == [
        "report",
        "accept",
        "dispatch",
        "sign",
        "resolve",
        "verify_ok",
        "rate",
    ]

    # The same case page and the list on a desktop screen, for the record.
    desk = sessions("05-desktop-", DESKTOP)
    desk.login(world.street_officer.username, PASSWORD)
    desk.go(f"/cases/{case.pk}/")
    desk.shot("1-case")
    desk.go("/cases/")
    desk.shot("2-list")

    for s in (worker, officer, leader, resident, desk):
        assert s.errors == [], f"JavaScript errors on {s.prefix}: {s.errors}"
