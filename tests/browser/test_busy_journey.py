"""What a user has typed, ticked or chosen survives the page's own behaviour, in a real browser:

- the dashboard queue refreshes itself, but not while rows are ticked for a bulk action (and the site's CSP,
  which forbids eval, raises no error doing so);
- the inbox pauses the same way while a form is open (the same mechanism, the same attribute);
- Enter in the filing form (a phone keyboard's Go key) files the case — it never adds the report as a comment to
  the nearby case the duplicate panel offers;
- a chosen photo shows as a thumbnail before it is sent (the CSP allows the preview's ``blob:`` image).
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from cases.models import Case, CaseEvent
from cases.services import case_transition
from tests.cases.helpers import file_case
from tests.factories.world import PASSWORD

from .conftest import DESKTOP

pytestmark = pytest.mark.browser


def console_errors(session) -> list[str]:
    errors: list[str] = []
    session.page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


def test_the_dashboard_queue_does_not_refresh_while_rows_are_ticked(world, live_server, sessions, monkeypatch):
    from escalation.views import dashboard

    monkeypatch.setattr(dashboard, "POLL_SECONDS", 1)  # a refresh a second, so the test sees several
    for i in (1, 2):
        case = file_case(world, title=f"门口暴露垃圾 {i}")
        case_transition(case_id=case.id, action="accept", actor=world.street_officer)
    officer = sessions("busy-dashboard-", viewport=DESKTOP)
    errors = console_errors(officer)
    officer.login(world.street_officer.username, PASSWORD)
    page = officer.go("/dashboard/")
    refreshes: list[str] = []
    page.on("request", lambda r: refreshes.append(r.url) if r.headers.get("hx-target") == "queue" else None)

    page.locator("#queue input[name=ids]").first.check()
    page.wait_for_timeout(3500)

    assert refreshes == []  # three polls due, none sent
    assert page.locator("#queue input[name=ids]:checked").count() == 1
    officer.shot("1-ticked-kept")
    page.locator("#queue input[name=ids]:checked").uncheck()
    page.wait_for_timeout(2500)
    assert len(refreshes) >= 1  # nothing ticked: the queue refreshes again
    assert not [e for e in errors if "eval" in e.lower()], errors


def test_the_inbox_and_the_queue_pause_their_refresh_with_the_same_attribute(world, client):
    client.force_login(world.liaison)
    inbox = client.get("/inbox/").content.decode()
    assert 'id="inbox-list"' in inbox and 'data-poll-pause="details[open]"' in inbox
    assert "polling.js" in inbox
    client.force_login(world.street_officer)
    queue = client.get("/dashboard/").content.decode()
    assert 'data-poll-pause="input[name=ids]:checked"' in queue
    assert "every 60s [" not in inbox and "s [!" not in queue  # no trigger filter: htmx evaluates those with eval


def _jpeg() -> dict:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "darkolivegreen").save(buf, "JPEG")
    return {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": buf.getvalue()}


def test_enter_in_the_filing_form_files_the_case_not_a_comment_on_a_nearby_one(world, live_server, sessions):
    nearby = file_case(world, title="北门暴露垃圾")
    worker = sessions("busy-filing-")
    errors = console_errors(worker)
    worker.login(world.grid_worker.username, PASSWORD)
    page = worker.go("/cases/new/")
    page.select_option("#id_major", value=str(world.categories["0101"].parent_id))
    page.select_option("#id_category", value=str(world.categories["0101"].id))
    page.wait_for_selector(".dup-card")  # the nearby open case of the same 小类 is offered
    page.fill("#id_description", "北门又堆了两袋垃圾")
    page.set_input_files("#id_photos", [_jpeg()])
    page.wait_for_function("() => { const i = document.querySelector('.photo-preview img'); return i && i.complete; }")
    assert page.evaluate("document.querySelector('.photo-preview img').naturalWidth") == 64  # the preview shows
    worker.shot("1-form")
    page.fill("#id_address", "雄关一网格北门")

    page.press("#id_address", "Enter")
    page.wait_for_load_state("networkidle")

    filed = Case.objects.exclude(pk=nearby.pk).get()
    assert page.url.endswith(f"/cases/{filed.pk}/")
    assert filed.description == "北门又堆了两袋垃圾" and filed.evidence.count() == 1
    assert not CaseEvent.objects.filter(case=nearby, action="comment").exists()
    worker.shot("2-filed")
    assert not [e for e in errors if "Content Security Policy" in e or "eval" in e.lower()], errors
