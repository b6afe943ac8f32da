"""Hostile input never causes a 500 and never breaks a page or an export for others.

NUL and other control characters in paths and query strings answer 404 / 400 (PostgreSQL refuses NUL in a
string literal: these were 500s there); control characters in submitted text are stripped on every channel;
exports of stored data never fail and never carry a formula built from user text; a deadline or expected time
asked for more than ``MAX_DUE_HORIZON_DAYS`` ahead (2045, 9999) is refused when asked, and an approval the work
calendar cannot place is a 400 that keeps the request pending (it was a 500 on every try).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import openpyxl
import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from cases import exports
from cases.models import Case, CaseEvent, ExtensionRequest, HoldRequest
from cases.selectors import case_queryset_for
from core.hostile_input import strip_control_characters

from .helpers import file_case
from .setups import SETUPS, home


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    cache.clear()
    yield
    cache.clear()


NUL_URLS = [
    "/track/%00/",
    "/api/v1/public/cases/%00/",
    "/api/v1/public/cases/%00/rating/",
    "/open311/v2/requests/%00.json",
    "/open311/v2/requests.json?service_request_id=%00",
    "/open311/v2/requests.xml?service_request_id=%00",
    "/open311/v2/services/%00.json",
    "/open311/v2/requests.json?service_code=%00",
    "/grids/staffing/?region=%00",
    "/cases/?q=%00",
    "/api/v1/cases/?category=%00",
    "/api/v1/categories/?parent=%01",
    "/dashboard/?q=%00",
    "/cases/%00/",
    "/api/v1/%00/",
    "/interop/12345/orders/%00/decisions/",
    "/interop/12345/orders/%F1%9F%9E%AD%3Dq%C2%98/decisions/",  # a C1 control (\x98): schemathesis found it
    "/api/v1/mediation/disputes/%00/",
    "/api/v1/mobilisation/wishes/?status=%00",
    "/api/v1/residents/?q=%00",
    "/party/wishes/?status=%00",
    "/mediation/?status=%00",
    "/residents/?q=%00",
    "/wishes/t/%00/",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_and_control_characters_in_a_path_or_query_answer_404_or_400(world, url):
    file_case(world)
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    response = client.get(url)
    assert response.status_code in (400, 404), (url, response.status_code)
    if url.startswith(("/api/", "/interop/12345/orders/")):
        assert set(response.json()) == {"detail", "code"}
    if url.startswith("/open311/") and ".json" in url:
        assert response.json()[0]["code"] == response.status_code


def test_open311_xml_error_for_a_nul_lookup_is_an_error_document(world):
    response = Client(raise_request_exception=False).get("/open311/v2/requests.xml?service_request_id=%00")
    assert response.status_code == 400
    assert b"<errors><error><code>400</code>" in response.content


BAD = "垃圾\x01堆\x00在\x1b门口\x7f\x85\t第二列\r\n第二行"
CLEAN = "垃圾堆在门口\t第二列\r\n第二行"


def test_strip_keeps_tab_and_newlines_only():
    assert strip_control_characters(BAD) == CLEAN


def test_control_characters_are_stripped_from_the_citizen_page_form(world, client):
    response = client.post(
        "/report/",
        {
            "major": str(world.categories["0204"].parent_id),
            "category": str(world.categories["0204"].id),
            "description": BAD,
            "community": str(world.community.id),
            "address": "新华南路\x0118 号",
            "citizen_name": "刘\x02女士",
            "citizen_phone": "13919370001",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get()
    assert (case.description, case.address, case.citizen_name) == (CLEAN, "新华南路18 号", "刘女士")


def test_control_characters_are_stripped_from_the_public_api_json(world):
    data = {"category": "0101", "title": "路边\x01垃圾", "description": BAD, "address": "东门", "lat": 39.775}
    response = APIClient().post("/api/v1/public/cases/", {**data, "lng": 98.295}, format="json")
    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    assert (case.title, case.description) == ("路边垃圾", CLEAN)


def test_control_characters_are_stripped_from_the_staff_api(world, api):
    data = {"category": "0101", "title": "路边\x1f垃圾", "description": BAD, "grid": world.grid_a.id}
    response = api("grid_worker").post("/api/v1/cases/", {**data, "address": "东门\x08"}, format="json")
    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    assert (case.title, case.description, case.address) == ("路边垃圾", CLEAN, "东门")


def test_a_lone_surrogate_in_a_json_body_is_400_and_a_whole_pair_is_kept(world, api):
    data = {
        "category": "0101",
        "title": "路边垃圾",
        "description": "坏\ud800字",
        "grid": world.grid_a.id,
        "address": "东门",
    }
    client = api("grid_worker")
    body = json.dumps(data)  # ASCII, the escape "\\ud800" as a broken sender writes it
    response = client.post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and "Unicode" in response.json()["detail"]
    assert not Case.objects.exists()
    response = client.post("/api/v1/cases/", {**data, "description": "表情\U0001f600"}, format="json")
    assert response.status_code == 201, response.json()  # a pair (\ud83d\ude00) is one character: kept
    assert Case.objects.get().description == "表情\U0001f600"


def test_control_characters_are_stripped_from_open311_posts(world):
    data = {"service_code": "0101", "lat": 39.775, "long": 98.295, "description": BAD, "phone": "139\x0100001111"}
    response = APIClient().post("/open311/v2/requests.json", data)
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert (case.description, case.citizen_phone) == (CLEAN, "13900001111")


def test_stored_control_characters_never_break_the_dashboard_export(world, web):
    case = file_case(world, code="0202")
    # Data stored before the input was cleaned (or written by another system) still exports.
    Case.objects.filter(pk=case.pk).update(title="坏\x01标题", address="地址\x02\x1b")
    for fmt in ("xlsx", "csv"):
        response = web("street_officer").get(f"/dashboard/export.{fmt}")
        assert response.status_code == 200, fmt
    book = openpyxl.load_workbook(io.BytesIO(web("street_officer").get("/dashboard/export.xlsx").content))
    titles = [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert "坏标题" in titles


FORMULAS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_export_writes_formulas_as_text(world, formula):
    case = file_case(world, code="0202", title=formula, address="=1+2")
    qs = case_queryset_for(world.street_officer)
    raw = b"".join(exports.cases_csv(qs).streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(raw)))[:2]
    cells = dict(zip(header, row, strict=True))
    assert cells["标题"].startswith("'") and cells["标题"][1:] == case.title
    assert cells["地址"] == "'=1+2"


@pytest.mark.parametrize("formula", FORMULAS)
def test_xlsx_export_never_holds_a_formula_cell_built_from_user_text(world, formula):
    case = file_case(world, code="0202", title=formula, address="=1+2")
    qs = case_queryset_for(world.street_officer)
    book = openpyxl.load_workbook(io.BytesIO(exports.cases_xlsx(qs).content))
    sheet = book.active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    assert case.title in values and "=1+2" in values


@pytest.mark.parametrize("path", ["/residents/", "/residents/buildings/", "/residents/plans/", "/residents/diary/"])
def test_a_page_number_past_what_the_database_holds_is_an_empty_page_not_a_500(world, path):
    """An OFFSET past bigint was a 500 on PostgreSQL ("bigint out of range")."""
    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    assert client.get(f"{path}?page=99999999999999999999").status_code == 200


# --- dates beyond the horizon ------------------------------------------------------------------------------------

FAR_FUTURE = ["2045-01-01T10:00:00+08:00", "9999-12-31T10:00:00+08:00"]


def _transition(user, case, action: str, body: dict):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(user=user)
    return client.post(f"/api/v1/cases/{case.id}/transitions/{action}/", body, format="json")


def _events(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).order_by("id").values_list("action", flat=True))


@pytest.mark.parametrize("when", FAR_FUTURE)
def test_an_extension_to_a_far_future_date_is_refused_when_asked_and_nothing_is_written(world, when):
    case = SETUPS["b_in_progress"](home(world))  # 违法搭建: a handling limit in working days
    events = _events(case)
    resp = _transition(world.liaison, case, "extension_request", {"note": "需要更多时间", "requested_due_at": when})
    assert resp.status_code == 400, resp.content
    assert resp.json()["code"] == "datetime"
    assert not ExtensionRequest.objects.filter(case=case).exists()
    assert _events(case) == events
    assert Case.objects.get(pk=case.pk).due_at == case.due_at


def test_an_extension_within_the_horizon_is_asked_and_approved(world):
    case = SETUPS["b_in_progress"](home(world))
    wanted = timezone.now() + timedelta(days=300)
    asked = _transition(world.liaison, case, "extension_request", {"note": "需要更多时间", "requested_due_at": wanted})
    assert asked.status_code == 200, asked.content
    approved = _transition(world.street_officer, case, "extension_approve", {"note": "同意"})
    assert approved.status_code == 200, approved.content
    assert Case.objects.get(pk=case.pk).due_at == wanted
    assert ExtensionRequest.objects.get(case=case).status == "approved"


@pytest.mark.parametrize("when", FAR_FUTURE)
def test_an_approval_to_a_far_future_date_is_refused_and_the_request_stays_pending(world, when):
    case = SETUPS["b_ext_pending"](home(world))
    resp = _transition(world.street_officer, case, "extension_approve", {"note": "同意", "due_at": when})
    assert resp.status_code == 400, resp.content
    assert resp.json()["code"] == "datetime"
    assert ExtensionRequest.objects.get(case=case).status == "pending"
    assert Case.objects.get(pk=case.pk).due_at == case.due_at


def _request_kept_from_before_the_horizon(case, world) -> ExtensionRequest:
    """A pending request to 2045, as one asked before the horizon was checked is kept."""
    return ExtensionRequest.objects.create(
        case=case,
        requested_by=world.liaison,
        requested_at=timezone.now(),
        requested_due_at=timezone.now().replace(year=2045),
        reason="需要更多时间",
    )


def test_approving_a_kept_request_beyond_the_horizon_is_a_400_that_keeps_it_pending(world):
    case = SETUPS["b_in_progress"](home(world))
    request = _request_kept_from_before_the_horizon(case, world)
    resp = _transition(world.street_officer, case, "extension_approve", {"note": "同意"})
    assert resp.status_code == 400, resp.content
    assert resp.json()["code"] == "datetime"
    request.refresh_from_db()
    assert request.status == "pending"
    refused = _transition(world.street_officer, case, "extension_refuse", {"note": "时间过长，请重新申请"})
    assert refused.status_code == 200, refused.content  # the officer can still answer it


def test_an_approval_the_work_calendar_cannot_place_is_a_400_not_a_500(world, settings):
    """Past the horizon check (set wide here), the clock's "no working time in ten years" is a refusal."""
    settings.MAX_DUE_HORIZON_DAYS = 100_000
    case = SETUPS["b_in_progress"](home(world))
    request = _request_kept_from_before_the_horizon(case, world)
    resp = _transition(world.street_officer, case, "extension_approve", {"note": "同意"})
    assert resp.status_code == 400, resp.content
    assert resp.json()["code"] == "datetime"
    request.refresh_from_db()
    assert request.status == "pending"
    assert Case.objects.get(pk=case.pk).due_at == case.due_at


@pytest.mark.parametrize("when", FAR_FUTURE)
def test_a_hold_until_a_far_future_date_is_refused_when_asked(world, when):
    case = SETUPS["b_accepted"](home(world))
    resp = _transition(world.street_officer, case, "hold", {"note": "等资金", "hold_until": when})
    assert resp.status_code == 400, resp.content
    assert resp.json()["code"] == "hold_until"
    case.refresh_from_db()
    assert (case.status, case.held_at, case.hold_until) == ("accepted", None, None)


@pytest.mark.parametrize("when", FAR_FUTURE)
def test_a_hold_request_until_a_far_future_date_is_refused_when_asked(world, when):
    case = SETUPS["b_in_progress"](home(world))
    events = _events(case)
    resp = _transition(world.liaison, case, "hold_request", {"note": "等资金", "hold_until": when})
    assert resp.status_code == 400, resp.content
    assert resp.json()["code"] == "hold_until"
    assert not HoldRequest.objects.filter(case=case).exists()
    assert _events(case) == events


DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize(
    "path", ["/api/v1/public/cases/", "/open311/v2/requests.json", "/interop/12345/orders/", "/api/v1/auth/token/"]
)
@pytest.mark.parametrize("control", ["", "\\u0001"])
def test_a_json_body_nested_too_deep_is_400_before_anything_parses_it(world, path, control):
    """100,000 nested arrays (200 KB) ran every JSON parser out of stack — a 500 before any login, signature or
    throttle. Refused at the door with the API's error shape; nothing is filed."""
    body = '{"title": "t' + control + '", "x": ' + DEEP + "}"
    response = Client().post(path, body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()
    if path.startswith("/open311/"):  # GeoReport v2's error shape: a list of {code, description}
        error = {"code": "invalid" if error[0]["code"] == 400 else error[0]["code"], "detail": error[0]["description"]}
    assert error["code"] == "invalid" and "32" in error["detail"]
    assert not Case.objects.exists()


def test_json_nested_to_the_limit_still_reaches_the_api(world, api):
    """32 levels are allowed (no request of ours nests more than a few): the body reaches the serializer, which
    answers about its fields."""
    from core.hostile_input import MAX_JSON_DEPTH, json_too_deep

    at_limit = "[" * (MAX_JSON_DEPTH - 1) + "]" * (MAX_JSON_DEPTH - 1)
    assert not json_too_deep(('{"x": ' + at_limit + "}").encode())
    assert json_too_deep(('{"x": [' + at_limit + "]}").encode())
    assert not json_too_deep(json.dumps([{"a": [1, 2]}] * 500).encode())  # many brackets, shallow
    response = api("grid_worker").post(
        "/api/v1/cases/", '{"category": "0101", "x": ' + at_limit + "}", content_type="application/json"
    )
    assert response.status_code == 400 and "title" in response.json()["errors"]


HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/cases/?grid={HUGE}",
        f"/api/v1/cases/?street={HUGE}",
        f"/api/v1/cases/?community=-{HUGE}",
        f"/api/v1/staffing/?grid={HUGE}",
        f"/api/v1/summonses/?department={HUGE}",
        f"/api/v1/summonses/?case={HUGE}",
        f"/api/v1/cases/duplicates/?category=0102&grid={HUGE}",
    ],
)
def test_an_id_filter_beyond_a_bigint_is_400_not_500(world, api, url):
    """SQLite's driver cannot bind such a number (OverflowError, a 500); no id column holds one anyway."""
    response = api("street_officer").get(url)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"


def test_the_dashboard_with_a_grid_id_beyond_a_bigint_answers_with_the_page(world, web):
    case = file_case(world)
    response = web("street_officer").get(f"/dashboard/?grid={HUGE}")
    assert response.status_code == 200, response.status_code  # the page, its filter marked as wrong
    html = response.content.decode()
    assert "<html" in html and "部分筛选条件无效，已忽略：grid" in html
    assert f'data-case="{case.pk}"' in html  # the filter ignored, the queue lists the officer's cases


def test_a_number_or_date_out_of_range_anywhere_in_a_request_is_400_and_changes_nothing(world, api, web):
    """Ids in a JSON body's list, a form's checkboxes or the dashboard's bulk ids, and dates that leave the
    calendar once moved to another time zone, were 500s (SQLite's OverflowError, PostgreSQL's "out of range")."""
    from cases.services import case_transition

    case = file_case(world)
    case_transition(case_id=case.pk, action="accept", actor=world.street_officer)
    events = CaseEvent.objects.count()
    officer = api("street_officer")
    for url, body in (
        (f"/api/v1/cases/{case.pk}/transitions/dispatch/", {"departments": [int(HUGE)]}),
        (f"/api/v1/cases/{case.pk}/whistle/", {"departments": [int(HUGE)], "reason": "请到场"}),
    ):
        response = officer.post(url, body, format="json")
        # SQLite's driver cannot bind the number (out_of_range); PostgreSQL compares it and finds no department
        assert response.status_code == 400, (url, response.content)
        assert response.json()["code"] in ("out_of_range", "department", "departments"), (url, response.content)
    response = officer.get("/api/v1/cases/", {"reported_at_after": "0001-01-01"})
    if response.status_code != 200:  # PostgreSQL takes the date as it is; SQLite's moves it to UTC, before year 1
        assert (response.status_code, response.json()["code"]) == (400, "out_of_range")

    page = web("street_officer")
    whistle = page.post(f"/cases/{case.pk}/whistle/", {"departments": [HUGE], "reason": "请到场"})
    assert whistle.status_code == 400  # SQLite: the out-of-range page; PostgreSQL: the form, "no such department"
    assert 'name="viewport"' in whistle.content.decode()  # the site's page, not a bare one
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        bulk = page.post("/dashboard/bulk/", {"ids": [HUGE], "action": "accept"}, **headers)
        # SQLite: 400; PostgreSQL finds no such case and says so in the queue — never a 500
        assert bulk.status_code in (200, 302, 400), (headers, bulk.status_code)
    case.refresh_from_db()
    assert case.status == "accepted" and CaseEvent.objects.count() == events


def test_a_return_request_sent_without_choosing_a_reason_is_refused_not_filed_under_the_first_one(world, web):
    """The 退单 forms' reason selects start blank: a request sent as it stands used to go out as "不属本单位职责"
    (a liaison's) — nobody's choice."""
    from cases.models import CaseDispatch
    from cases.services import case_transition

    case = file_case(world)
    officer = world.street_officer
    case_transition(case_id=case.pk, action="accept", actor=officer)
    case_transition(case_id=case.pk, action="dispatch", actor=officer, departments=[world.departments["cgzf"].id])
    liaison = web("liaison")
    page = liaison.get(f"/cases/{case.pk}/").content.decode()
    assert '<option value="" selected>请选择退单原因</option>' in page
    response = liaison.post(f"/cases/{case.pk}/act/return_request/", {"return_request-note": "不归我们管"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "不归我们管" in html  # what the liaison wrote stays in the form
    assert not CaseDispatch.objects.filter(case=case, return_requested_at__isnull=False).exists()
