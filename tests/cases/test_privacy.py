"""Who read what (PIPL): unmasked contacts are access-logged on every channel, street leads read their street's
log, exports are masked unless a permission says otherwise, contacts are erased after the retention period,
and follow-up tokens never reach a log line."""

from __future__ import annotations

import csv
import io
import logging
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from gunicorn.config import Config

from cases.models import Case, CaseEvent
from cases.services import case_transition
from cases.services.retention import case_contacts_anonymise_expired
from cases.tasks import anonymise_expired_contacts
from config.gunicorn_logging import RedactingLogger
from core.log_redaction import RedactTokensFilter, redact
from residents.models import AccessLog

from .helpers import at, file_case
from .setups import far


def contact_case(world, **kw):
    return file_case(world, code="0202", citizen_name="李四", citizen_phone="13900001111", **kw)


def logged(channel: str) -> list[AccessLog]:
    return list(AccessLog.objects.filter(subject="citizen_contact", channel=channel))


def test_case_page_with_unmasked_contact_writes_one_row(world, web):
    case = contact_case(world)
    page = web("street_officer").get(f"/cases/{case.pk}/")
    assert "13900001111" in page.content.decode()
    [row] = logged("page")
    assert (row.user_id, row.case_id, row.street_id, row.object_id) == (
        world.street_officer.pk,
        case.pk,
        world.street.pk,
        str(case.pk),
    )
    assert row.path == f"/cases/{case.pk}/"


def test_masked_views_write_nothing(world, web):
    case = contact_case(world)
    page = web("grid_worker").get(f"/cases/{case.pk}/")
    assert page.status_code == 200 and "13900001111" not in page.content.decode()
    assert not AccessLog.objects.exists()


def test_api_detail_and_list_write_rows_for_unmasked_contacts(world, api):
    case = contact_case(world)
    file_case(world, code="0202")  # no contact: nothing to log
    client = api("street_officer")
    assert client.get(f"/api/v1/cases/{case.pk}/").json()["citizen_phone"] == "13900001111"
    assert [r.case_id for r in logged("api")] == [case.pk]
    client.get("/api/v1/cases/")
    assert [r.case_id for r in logged("api")] == [case.pk, case.pk]
    api("grid_worker").get("/api/v1/cases/")  # masked for the grid worker
    assert len(logged("api")) == 2


def test_default_export_is_masked_and_writes_no_row(world, web):
    contact_case(world)
    raw = b"".join(web("street_officer").get("/dashboard/export.csv").streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(raw)))[:2]
    cells = dict(zip(header, row, strict=True))
    assert (cells["群众姓名"], cells["群众电话"]) == ("李*", "139****1111")
    assert not AccessLog.objects.exists()


def test_unmasked_export_needs_the_permission_and_is_logged(world, web):
    case = contact_case(world)
    client = web("street_officer")
    assert client.get("/dashboard/export.csv?contacts=full").status_code == 403
    assert not AccessLog.objects.exists()
    world.street_officer.user_permissions.add(Permission.objects.get(codename="export_citizen_contact"))
    response = client.get("/dashboard/export.xlsx?contacts=full")
    assert response.status_code == 200
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert "13900001111" in values and "李四" in values
    [row] = logged("export")
    assert (row.case_id, row.street_id, row.user_id) == (case.pk, world.street.pk, world.street_officer.pk)


def test_street_leads_read_their_streets_log_and_others_do_not(world, web):
    case = contact_case(world)
    web("street_officer").get(f"/cases/{case.pk}/")
    page = web("street_officer_2").get("/access-log/")
    assert page.status_code == 200 and "jiedao01" in page.content.decode()
    other = Client()
    other.force_login(far(world).officer)
    assert "jiedao01" not in other.get("/access-log/").content.decode()
    assert web("grid_worker").get("/access-log/").status_code == 403


def closed_contact_case(world, when):
    case = contact_case(world, now=when)
    case_transition(case_id=case.pk, action="accept", actor=world.street_officer, now=when)
    case_transition(case_id=case.pk, action="reject", actor=world.street_officer, note="不属实", now=when)
    return Case.objects.get(pk=case.pk)


def test_contacts_are_erased_after_the_retention_period_and_the_case_stays(world):
    old = closed_contact_case(world, at(2026, 1, 5, 9))
    recent = closed_contact_case(world, at(2027, 6, 1, 9))
    assert old.closed_at is not None, old.status
    with time_machine.travel(at(2028, 1, 10, 9), tick=False):
        assert anonymise_expired_contacts.delay().get() == 1
        assert case_contacts_anonymise_expired() == 0  # idempotent
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.citizen_name, old.citizen_phone) == ("", "")
    assert (recent.citizen_name, recent.citizen_phone) == ("李四", "13900001111")
    assert old.status == "rejected" and old.number and old.closed_at
    assert CaseEvent.objects.filter(case=old, action="contact_anonymised", public=False).count() == 1


def test_the_retention_period_is_a_setting(world):
    case = closed_contact_case(world, at(2026, 1, 5, 9))
    with override_settings(CONTACT_RETENTION_DAYS=30), time_machine.travel(at(2026, 3, 1, 9), tick=False):
        assert case_contacts_anonymise_expired() == 1
    case.refresh_from_db()
    assert case.citizen_phone == ""


def test_open_cases_keep_their_contact(world):
    case = contact_case(world, now=at(2020, 1, 1, 9))
    with time_machine.travel(at(2026, 1, 1, 9), tick=False):
        assert case_contacts_anonymise_expired() == 0
    case.refresh_from_db()
    assert case.citizen_phone == "13900001111"


# --- tokens in logs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        '"GET /track/AbC123xyz/ HTTP/1.1" 200 512',
        "Not Found: /api/v1/public/cases/AbC123xyz/rating/",
        "GET /track/AbC123xyz/?new=1",
    ],
)
def test_redact_removes_the_token(line):
    assert "AbC123xyz" not in redact(line) and "[token]" in redact(line)


def test_django_request_log_lines_never_show_a_track_token(world, client):
    case = file_case(world)
    handlers = [h for h in logging.getLogger().handlers if any(isinstance(f, RedactTokensFilter) for f in h.filters)]
    assert handlers, "the console handler carries the filter"
    stream = io.StringIO()
    old = handlers[0].setStream(stream)
    try:
        logging.getLogger("django.request").warning("Not Found: %s", f"/track/{case.follow_up_token}x/")
        logging.getLogger("django.server").info('"%s" %s %s', f"GET /track/{case.follow_up_token}/ HTTP/1.1", 200, 9)
    finally:
        handlers[0].setStream(old)
    out = stream.getvalue()
    assert case.follow_up_token not in out and out.count("/track/[token]/") == 2


def test_gunicorn_access_log_never_shows_a_track_token():
    class Req:
        method, path, query, uri, version = "GET", "/track/SeCrEt/", "new=1", "/track/SeCrEt/?new=1", (1, 1)
        headers = []

    class Resp:
        status, response_length, sent, headers = "200 OK", 10, 10, []

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/track/SeCrEt/?new=1",
        "PATH_INFO": "/track/SeCrEt/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://x.example/track/SeCrEt/",
    }
    atoms = RedactingLogger(Config()).atoms(Resp(), Req(), environ, timedelta(0))
    assert not [k for k, v in atoms.items() if "SeCrEt" in str(v)]


def test_track_page_still_works_and_is_not_access_logged(world, client):
    case = contact_case(world)
    assert client.get(f"/track/{case.follow_up_token}/").status_code == 200
    assert not AccessLog.objects.exists()


def test_deleting_a_case_is_impossible_so_the_trail_stays(world):
    case = contact_case(world)
    with pytest.raises(Exception):  # noqa: B017 (PROTECT or the trigger, depending on the path)
        Case.objects.filter(pk=case.pk).delete()
    assert Case.objects.filter(pk=case.pk).exists()
