"""The audit trail is append-only: no save of an existing event, no delete, no queryset update/delete,
no way through the admin or the API to change or remove one."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.test import RequestFactory

from cases.models import Case, CaseDispatch, CaseEvent, Evidence, ExtensionRequest, Rating

from .setups import SETUPS, home


@pytest.fixture
def event(world) -> CaseEvent:
    case = SETUPS["b_dispatched"](home(world))
    return case.events.get(action="dispatch")


def test_saving_an_existing_event_is_refused_and_the_row_keeps_its_note(event):
    event.note = "改过的说明"
    with pytest.raises(PermissionError):
        event.save()
    assert CaseEvent.objects.get(pk=event.pk).note == ""


def test_deleting_an_event_is_refused(event):
    with pytest.raises(PermissionError):
        event.delete()
    assert CaseEvent.objects.filter(pk=event.pk).exists()


def test_queryset_update_and_delete_are_refused(event):
    with pytest.raises(PermissionError):
        CaseEvent.objects.filter(pk=event.pk).update(note="x")
    with pytest.raises(PermissionError):
        CaseEvent.objects.filter(case=event.case).delete()
    assert list(CaseEvent.objects.filter(case=event.case).values_list("action", flat=True)) == [
        "report",
        "accept",
        "dispatch",
    ]
    assert CaseEvent.objects.get(pk=event.pk).note == ""


def test_admin_offers_no_add_change_or_delete_of_events_or_service_written_rows(world, event):
    request = RequestFactory().get("/admin/")
    request.user = world.admin  # a superuser: only the ModelAdmin itself can say no
    for model in (CaseEvent, Case, Evidence, CaseDispatch, ExtensionRequest, Rating):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request, None), model
        assert not model_admin.has_delete_permission(request, None), model
        assert model_admin.has_view_permission(request, None), model
    case_admin = admin.site._registry[Case]
    for inline in case_admin.get_inline_instances(request, event.case):
        assert not inline.has_add_permission(request, event.case)
        assert not inline.has_delete_permission(request, event.case)


def test_admin_change_page_is_read_only_and_a_post_changes_nothing(world, web, event):
    client = web("admin")
    url = f"/admin/cases/caseevent/{event.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="note"' not in page.content  # rendered as text, not as an input
    resp = client.post(url, {"note": "hacked", "action": "accept"})
    assert resp.status_code == 403
    assert CaseEvent.objects.get(pk=event.pk).note == ""
    resp = client.post(f"/admin/cases/caseevent/{event.pk}/delete/", {"post": "yes"})
    assert resp.status_code == 403
    assert CaseEvent.objects.filter(pk=event.pk).exists()


def test_case_status_cannot_be_set_through_the_admin(world, web, event):
    client = web("admin")
    case = event.case
    resp = client.post(f"/admin/cases/case/{case.pk}/change/", {"status": "closed", "level": "city"})
    assert resp.status_code == 403
    case.refresh_from_db()
    assert (case.status, case.level) == ("dispatched", "street")
    listing = client.get("/admin/cases/case/?status__exact=dispatched&q=" + case.number)
    assert listing.status_code == 200 and case.number.encode() in listing.content


def test_api_has_no_way_to_edit_or_delete_events(world, api, event):
    client = api("admin")
    base = f"/api/v1/cases/{event.case_id}/events/"
    assert client.get(base).status_code == 200
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(base, {"note": "x"}, format="json").status_code == 405
        assert getattr(client, method)(f"{base}{event.pk}/", {"note": "x"}, format="json").status_code == 404
    assert client.post(base, {"note": "x"}, format="json").status_code == 405
    assert CaseEvent.objects.get(pk=event.pk).note == ""


# --- the database itself refuses (raw SQL, _base_manager) -------------------------------------------------


def test_a_raw_update_through_a_cursor_fails(event):
    from django.db import DatabaseError, connection, transaction

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caseevent SET note = %s WHERE id = %s", ["rewritten", event.pk])
    assert CaseEvent.objects.get(pk=event.pk).note == ""


def test_a_raw_delete_through_a_cursor_fails(event):
    from django.db import DatabaseError, connection, transaction

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE case_id = %s", [event.case_id])
    assert CaseEvent.objects.filter(case=event.case).count() == 3


def test_base_manager_update_and_delete_fail_in_the_database(event):
    from django.db import DatabaseError, transaction

    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent._base_manager.filter(pk=event.pk).update(note="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent._base_manager.filter(pk=event.pk)._raw_delete(CaseEvent._base_manager.db)
    assert CaseEvent.objects.get(pk=event.pk).note == ""


def test_deleting_a_user_keeps_their_events_with_the_name(world, event):
    actor = event.actor
    assert actor is not None
    actor.delete()
    kept = CaseEvent.objects.get(pk=event.pk)
    assert (kept.actor_id, kept.actor_name) == (None, event.actor_name)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_admins_case_page_names_its_events_in_words(world, web, event, language):
    """The audit trail on the admin's case page reads as the case page does: the action, statuses and levels by
    name in the reader's language, not the stored codes ("accepted", "street")."""
    from django.utils import translation

    from cases.choices import Status

    client = web("admin")
    client.cookies["django_language"] = language
    html = client.get(f"/admin/cases/case/{event.case.pk}/change/").content.decode()
    rows = re.findall(r'<tr class="form-row[^"]*"[^>]*>(.*?)</tr>', html, re.S)
    assert rows
    text = " ".join(re.sub(r"<[^>]+>", " ", row) for row in rows)
    with translation.override(language):
        assert f"{Status.REPORTED.label} → {Status.ACCEPTED.label}" in text
        assert str(Status.DISPATCHED.label) in text
    if language == "zh-hans":  # no stored code left: the rows hold no Latin word at all
        assert not re.search(r"[A-Za-z]", text), text


def test_the_admins_event_pages_name_actions_in_words(world, web, event):
    """The audit trail's own pages: the action filter lists actions by name, and an event's page shows it in words."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.views.display import action_label

    client = web("admin")
    with CaptureQueriesContext(connection) as queries:
        listing = client.get("/admin/cases/caseevent/").content.decode()
    # the filter's choices are the application's codes, not a scan of the whole trail for its distinct values
    assert not [q["sql"] for q in queries.captured_queries if "DISTINCT" in q["sql"].upper()]
    filters = listing.split('id="changelist-filter"', 1)[1].split("</nav>", 1)[0]
    for action in CaseEvent.objects.values_list("action", flat=True).distinct():
        assert re.search(rf'href="\?action={action}"[^>]*>\s*{re.escape(action_label(action))}\s*<', filters), action
    page = client.get(f"/admin/cases/caseevent/{event.pk}/change/").content.decode()
    content = re.sub(r"<[^>]+>", " ", page.split('id="content-main"', 1)[1].split("</form>", 1)[0])
    assert "accepted" not in content and "dispatched" not in content and action_label(event.action) in content
