"""Taking back what went to the wrong place, in a phone-sized browser: the street officer recalls a dispatch nobody
signed for (撤回派遣) and withdraws a summons of the wrong department (撤回召集); each department's liaison, at a desk,
finds the notice and nothing left to do."""

from __future__ import annotations

import pytest

from cases.models import Case
from cases.services import case_transition
from escalation.models import Summons
from tests.cases.helpers import file_case
from tests.escalation.whistle_helpers import whistled_case
from tests.factories.world import PASSWORD

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def test_the_street_recalls_a_dispatch_and_the_department_is_told(world, sessions):
    case = file_case(world, code="0202", title="楼道堆物", description="3号楼楼道堆放杂物")
    officer = world.street_officer
    case_transition(case_id=case.pk, action="accept", actor=officer)
    case_transition(case_id=case.pk, action="dispatch", actor=officer, departments=[world.departments["cgzf"].id])

    street = sessions("22-recall-", PHONE)
    street.login(officer.username, PASSWORD)
    page = street.go(f"/cases/{case.pk}/")
    page.locator("#action-recall summary").click()
    street.shot("1-recall-form")
    page.locator("#action-recall form button[type=submit]").click()  # no reason: refused, nothing changed
    page.wait_for_load_state("networkidle")
    assert Case.objects.get(pk=case.pk).status == "dispatched"
    assert page.locator("#action-recall").evaluate("d => d.open")  # the form stays open, with the error
    page.fill("#action-recall [name='recall-note']", "派错部门，应派住建")
    page.locator("#action-recall form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert Case.objects.get(pk=case.pk).status == "accepted"
    assert "已撤回派遣" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    street.shot("2-recalled")

    liaison = sessions("22-recall-liaison-", DESKTOP)
    liaison.login(world.liaison.username, PASSWORD)
    page = liaison.go("/notices/")
    assert "撤回派遣" in page.content() and case.number in page.content()
    liaison.shot("3-notice")
    assert street.errors == [] and liaison.errors == []


def test_the_street_withdraws_a_summons_and_the_liaison_has_nothing_to_do(world, sessions):
    case, _whistle, summonses = whistled_case(world)
    wrong = summonses["cgzf"]

    street = sessions("23-withdraw-", PHONE)
    street.login(world.street_officer.username, PASSWORD)
    page = street.go(f"/inbox/summons/{wrong.pk}/")
    page.locator(f"#s{wrong.pk}-withdraw summary").click()
    page.fill(f"#s{wrong.pk}-withdraw [name='withdraw-reason']", "召集错部门，住建即可")
    street.shot("1-withdraw-form")
    page.locator(f"#s{wrong.pk}-withdraw form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert Summons.objects.get(pk=wrong.pk).status == "withdrawn"
    assert "已撤回" in page.content()
    assert page.locator("dt", has_text="撤回召集").count() == 1  # said as the centre's withdrawal, not a 退回
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    street.shot("2-withdrawn")

    liaison = sessions("23-withdraw-liaison-", DESKTOP)
    liaison.login(world.liaison.username, PASSWORD)
    page = liaison.go("/notices/")
    assert "撤回召集" in page.content() and case.number in page.content()
    page = liaison.go("/inbox/")
    assert f"/inbox/summons/{wrong.pk}/report_in/" not in page.content()
    liaison.shot("3-inbox")
    assert street.errors == [] and liaison.errors == []
