"""Two real-browser journeys on a phone (375 × 812), with a screenshot of each step in test-artifacts/browser/:

1. 微心愿: a resident posts a wish on the public page → the community officer accepts and publishes it → a
   registered party member claims it and fulfils it with a photo → the resident confirms through the private
   link → the member's points show the award.
2. 三调联动: a grid worker registers a neighbours' dispute → the community officer starts people's mediation and
   records a session that ends in an agreement with its signatories.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from mediation.models import Dispute, DisputeEvent
from mobilisation import services
from mobilisation.models import MobilisationEvent, PointsEntry, Wish
from tests.factories.world import PASSWORD
from tests.mobilisation.helpers import confirmed_member

pytestmark = pytest.mark.browser


def jpeg() -> dict:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), "orange").save(buf, "JPEG")
    return {"name": "done.jpg", "mimeType": "image/jpeg", "buffer": buf.getvalue()}


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_wish_posted_published_claimed_fulfilled_confirmed_points_awarded(world, live_server, sessions):
    services.points_rule_set(
        actor=world.street_officer, street=world.street, task_type="wish", points=20, monthly_cap=60
    )
    member = confirmed_member(world, "dangyuan01", "党员甲")

    # 1. A resident posts a wish on the public page (no account).
    resident = sessions("wish-01-resident-")
    page = resident.go("/wishes/new/")
    page.select_option("#id_community", value=str(world.community.pk))
    page.fill("#id_title", "想要一台助行器")
    page.fill("#id_description", "腿脚不便，出门需要助行器")
    page.fill("#id_resident_name", "张大爷")
    page.fill("#id_resident_phone", "13812345678")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/wishes/t/" in page.url
    track_url = page.url.split("?")[0].replace(live_server.url, "")
    assert no_horizontal_scroll(page)
    resident.shot("posted")
    wish = Wish.objects.get(title="想要一台助行器")

    # 2. The community officer accepts and publishes it.
    officer = sessions("wish-02-officer-")
    officer.login(world.community_officer.username, PASSWORD)
    page = officer.go(f"/party/wishes/{wish.pk}/")
    assert "13812345678" in page.content()  # the community sees the resident's contact
    page.click("#wish-accept")
    page.wait_for_load_state("networkidle")
    page.click("#wish-publish")
    page.wait_for_load_state("networkidle")
    assert no_horizontal_scroll(page)
    officer.shot("published")

    # The public wall shows it without the resident's name or phone.
    page = resident.go("/wishes/")
    assert "想要一台助行器" in page.content() and "张大爷" not in page.content() and "13812345678" not in page.content()

    # 3. The registered member claims it and fulfils it with a photo.
    m = sessions("wish-03-member-")
    m.login(member.username, PASSWORD)
    page = m.go("/party/")
    page.click("#claimable a:has-text('想要一台助行器')")
    page.wait_for_load_state("networkidle")
    assert "13812345678" not in page.content()
    page.click("#wish-claim")
    page.wait_for_load_state("networkidle")
    page.set_input_files("#id_photo", [jpeg()])
    page.fill("#id_note", "已把助行器送到家中")
    page.click("#wish-fulfil")
    page.wait_for_load_state("networkidle")
    assert page.locator("img.wish-photo").count() == 1
    assert no_horizontal_scroll(page)
    m.shot("fulfilled")

    # 4. The resident confirms through the private link.
    page = resident.go(track_url)
    page.click("#wish-confirm")
    page.wait_for_load_state("networkidle")
    resident.shot("confirmed")

    # 5. Points awarded, and every step an event.
    wish.refresh_from_db()
    assert wish.status == "confirmed"
    assert PointsEntry.objects.get(wish=wish, member=member).points == 20
    page = m.go(f"/party/points/member/{member.pk}/")
    assert "合计 20 分" in page.content()
    m.shot("points")
    assert list(
        MobilisationEvent.objects.filter(subject="wish", object_id=wish.pk).values_list("action", flat=True)
    ) == [
        "submit",
        "accept",
        "publish",
        "claim",
        "fulfil",
        "confirm",
    ]
    for s in (resident, officer, m):
        assert not s.errors, s.errors


def test_dispute_mediated_to_an_agreement(world, live_server, sessions):
    # 1. The grid worker registers a dispute found in the grid.
    worker = sessions("dispute-01-worker-")
    worker.login(world.grid_worker.username, PASSWORD)
    page = worker.go("/mediation/new/")
    page.fill("#id_title", "楼上漏水损坏吊顶")
    page.select_option("#id_kind", value="neighbour")
    page.fill("#id_description", "楼上卫生间漏水，楼下吊顶受损")
    page.select_option("#id_grid", value=str(world.grid_a.pk))
    page.fill("#id_amount", "3000")
    page.fill("#id_party0_name", "赵阿姨")
    page.fill("#id_party0_phone", "13811112222")
    page.fill("#id_party1_name", "钱先生")
    page.fill("#id_party1_phone", "13933334444")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/mediation/" in page.url and "楼上漏水损坏吊顶" in page.content()
    assert no_horizontal_scroll(page)
    worker.shot("registered")
    dispute = Dispute.objects.get(title="楼上漏水损坏吊顶")

    # 2. The community officer starts people's mediation and records the agreement.
    officer = sessions("dispute-02-officer-")
    officer.login(world.community_officer.username, PASSWORD)
    page = officer.go(f"/mediation/{dispute.pk}/")
    assert "13811112222" not in page.content()  # masked below the street
    page.select_option("#id_start-track", value="people")
    page.fill("#id_start-mediator_body", "雄关社区人民调解委员会")
    page.click("#action-start button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.fill("#id_session-held_at", "2026-01-05T10:00")
    page.fill("#id_session-place", "社区调解室")
    page.fill("#id_session-mediators", "王调解员")
    page.select_option("#id_session-outcome", value="agreement")
    page.fill("#id_session-agreement_text", "钱先生三日内修复防水并赔偿维修费1500元")
    page.fill("#id_session-signatories", "赵阿姨、钱先生")
    page.click("#action-session button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "调解成功" in page.locator("#dispute-status").inner_text()
    assert no_horizontal_scroll(page)
    officer.shot("agreed")

    dispute.refresh_from_db()
    assert (dispute.status, dispute.resolved_level) == ("agreed", "community")
    assert list(DisputeEvent.objects.filter(dispute=dispute).values_list("action", flat=True)) == [
        "open",
        "start",
        "session",
    ]
    page = officer.go("/mediation/figures/")
    assert "雄关社区" in page.content()
    officer.shot("figures")
    for s in (worker, officer):
        assert not s.errors, s.errors
