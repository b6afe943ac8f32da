"""A unit's login on a phone (375 × 812), screenshots in test-artifacts/browser/: the street officer opens a login
for a registered unit's contact person on /party/units/; the contact person signs in, lands on the unit's page,
submits the unit's 述职 and claims a wish as the unit."""

from __future__ import annotations

import pytest

from mobilisation import services
from mobilisation.choices import UnitKind
from mobilisation.models import DutyReport, UnitAccount, Wish
from tests.factories.world import PASSWORD
from tests.mobilisation.helpers import published_wish, unit

pytestmark = pytest.mark.browser

UNIT_PASSWORD = "Gongdian#2026!"


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_units_login_reports_and_claims_as_the_unit(world, live_server, sessions):
    power = unit(world, name="市供电公司党委", kind=UnitKind.COMMITTEE_MEMBER)
    reg = services.registration_submit(
        actor=world.community_officer, community=world.community, basis="work", unit=power
    )
    services.registration_decide(actor=world.community_officer, registration_id=reg.pk, confirm=True)
    services.duty_add(actor=world.community_officer, unit=power, place=world.community, title="结对帮扶困难群众")
    wish = published_wish(world, title="想要一台助行器")

    # 1. The street officer opens a login for the unit's contact person.
    officer = sessions("unit-01-street-")
    officer.login(world.street_officer.username, PASSWORD)
    page = officer.go("/party/units/")
    page.click("details summary")
    page.select_option("#id_unit", value=str(power.pk))
    page.fill("#id_full_name", "供电联络人")
    page.fill("#id_username", "gongdian")
    page.fill("#id_password", UNIT_PASSWORD)
    page.click("details form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "gongdian" in page.content()
    assert no_horizontal_scroll(page)
    officer.shot("opened")
    assert UnitAccount.objects.get(user__username="gongdian").unit == power

    # 2. The contact person signs in and lands on the unit's page.
    contact = sessions("unit-02-contact-")
    contact.login("gongdian", UNIT_PASSWORD)
    page = contact.page
    assert page.url.endswith("/party/unit/")
    assert "市供电公司党委" in page.content() and "结对帮扶困难群众" in page.content()
    assert no_horizontal_scroll(page)
    contact.shot("unit-page")

    # 3. They submit the unit's report.
    page.click("#reports details summary")
    page.select_option("#id_place", value=str(world.community.pk))
    page.fill("#id_period", "2026-Q4")
    page.fill("#id_text", "本季度走访困难群众12户")
    page.click("#reports form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert DutyReport.objects.get(unit=power).submitted_by.username == "gongdian"
    assert no_horizontal_scroll(page)
    contact.shot("reported")

    # 4. They claim a wish as the unit.
    page.click("#wishes a:has-text('想要一台助行器')")
    page.wait_for_load_state("networkidle")
    page.click("#wish-claim")
    page.wait_for_load_state("networkidle")
    wish.refresh_from_db()
    assert (wish.status, wish.claimed_unit) == ("claimed", power)
    assert no_horizontal_scroll(page)
    contact.shot("claimed")
    page = contact.go("/party/unit/")
    assert page.locator("#wishes").get_by_text("想要一台助行器").count() == 1
    contact.shot("unit-page-after")
    assert not officer.errors and not contact.errors
    assert Wish.objects.filter(claimed_unit=power).count() == 1
