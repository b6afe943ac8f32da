"""A link to one action of a case (the inbox's 处置反馈 / 申请延期 … shortcuts: /cases/7/#action-resolve) opens that
action's folded form on the case page, on load and when the fragment changes; the other actions stay folded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.services import case_transition
from tests.cases.helpers import file_case
from tests.factories.world import PASSWORD

from .conftest import PHONE

pytestmark = pytest.mark.browser


def _signed_case(world):
    start = timezone.now() - timedelta(hours=2)
    case = file_case(world, code="0202", title="楼顶违法搭建", description="5号楼楼顶有人搭建彩钢房", now=start)
    officer = world.street_officer
    case_transition(case_id=case.pk, action="accept", actor=officer, now=start)
    case_transition(
        case_id=case.pk, action="dispatch", actor=officer, departments=[world.departments["cgzf"].id], now=start
    )
    return case_transition(case_id=case.pk, action="sign", actor=world.liaison, now=start + timedelta(minutes=10))


def _open(page, action: str) -> bool:
    return page.locator(f"#action-{action}").evaluate("d => d.open")


def test_inbox_shortcut_opens_the_action_form_on_the_case_page(world, sessions):
    case = _signed_case(world)
    liaison = sessions("21-action-anchor-", PHONE)
    liaison.login(world.liaison.username, PASSWORD)

    # Without a fragment every action is folded.
    page = liaison.go(f"/cases/{case.pk}/")
    assert not _open(page, "resolve") and not _open(page, "extension_request")
    assert not page.locator("#action-resolve form").is_visible()

    # The inbox's 处置反馈 shortcut: the case page opens with that form unfolded, and only that one.
    page = liaison.go("/inbox/")
    page.locator(f"a[href='/cases/{case.pk}/#action-resolve']").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/cases/{case.pk}/#action-resolve")
    assert _open(page, "resolve") and not _open(page, "extension_request")
    form = page.locator("#action-resolve form")
    assert form.is_visible() and page.locator("#action-resolve [name='resolve-note']").is_visible()
    assert form.bounding_box()["y"] < PHONE["height"]  # in view: the summary and the form's start
    liaison.shot("1-resolve-opened")

    # Changing the fragment on the page (a link, the back button) opens the section it points to.
    page.evaluate("location.hash = '#action-extension_request'")
    page.wait_for_function("document.getElementById('action-extension_request').open")
    assert page.locator("#action-extension_request form").is_visible()

    # An unknown fragment is harmless (a fresh load: the same URL with another fragment would not reload).
    liaison.go("/inbox/")
    page = liaison.go(f"/cases/{case.pk}/#action-nothing")
    assert not _open(page, "resolve")
    assert liaison.errors == []
