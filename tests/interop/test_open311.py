"""Open311 GeoReport v2 at /open311/v2/: services, discovery, filing (form-encoded, multipart media), following
(public data only), errors as Open311 error documents in JSON and XML, the per-IP limit, no session."""

from __future__ import annotations

import json
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cases.models import Case, CaseEvent, Evidence
from cases.services import case_file, case_transition
from tests.cases.helpers import at, photo
from tests.cases.setups import BY_STATUS, act, home
from tests.factories.world import PASSWORD

BASE = "/open311/v2/"
IN_A = {"lat": 39.775, "long": 98.295}  # inside grid A (雄关一网格)
IN_B = {"lat": 39.775, "long": 98.305}  # inside grid B (关城一网格)
NOW = at(2026, 11, 18, 10, 0)


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def xml(resp) -> ET.Element:
    assert resp["Content-Type"].startswith("text/xml"), resp["Content-Type"]
    return ET.fromstring(resp.content)


def errors_of(resp, fmt: str) -> list[dict]:
    """The error document as [{"code": int, "description": str}] whichever the format."""
    if fmt == "json":
        return resp.json()
    root = xml(resp)
    assert root.tag == "errors"
    return [{"code": int(e.findtext("code")), "description": e.findtext("description")} for e in root.findall("error")]


def form(**extra) -> dict:
    return {
        "service_code": "0101",
        **IN_A,
        "address_string": "雄关一网格东门",
        "description": "东门路边有一堆垃圾\n已经三天没人清理",
        "first_name": "四",
        "last_name": "李",
        "email": "lisi@example.cn",
        "phone": "13900001111",
        **extra,
    }


def post(fmt: str = "json", client: APIClient | None = None, **data):
    return (client or APIClient()).post(f"{BASE}requests.{fmt}", data)


def o311_case(world, *, code: str = "0101", grid=None, now=None, **kw) -> Case:
    """A case filed through the Open311 channel by the service itself (for states and times)."""
    grid = grid or world.grid_a
    return case_file(
        actor=None,
        channel="open311",
        category=world.categories[code],
        title=kw.pop("title", "路边垃圾"),
        description=kw.pop("description", "路边有一堆垃圾"),
        address=kw.pop("address", "雄关一网格东门"),
        grid=grid,
        lat=kw.pop("lat", 39.775),
        lng=kw.pop("lng", 98.295 if grid == world.grid_a else 98.305),
        citizen_name="李四",
        citizen_phone="13900001111",
        now=now,
        **kw,
    )


# --- services and discovery -----------------------------------------------------------------------------


def test_services_list_the_active_subcategories_in_json(world):
    world.categories["0103"].active = False
    world.categories["0103"].save()
    resp = APIClient().get(f"{BASE}services.json")
    assert resp.status_code == 200
    services = resp.json()
    assert [s["service_code"] for s in services] == ["0101", "0102", "0202", "0204", "0205", "0301"]
    first = services[0]
    assert first == {
        "service_code": "0101",
        "service_name": "暴露垃圾",
        "description": first["description"],
        "metadata": False,
        "type": "realtime",
        "keywords": "市容环境, 暴露垃圾",
        "group": "市容环境",
    }
    assert "暴露垃圾" in first["description"] and "A级" in first["description"]
    assert next(s for s in services if s["service_code"] == "0202")["group"] == "施工管理"


def test_services_list_in_xml_uses_the_spec_elements(world):
    resp = APIClient().get(f"{BASE}services.xml")
    assert resp.status_code == 200
    root = xml(resp)
    assert root.tag == "services"
    services = root.findall("service")
    assert [s.findtext("service_code") for s in services] == ["0101", "0102", "0103", "0202", "0204", "0205", "0301"]
    first = services[0]
    assert [child.tag for child in first] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert (first.findtext("service_name"), first.findtext("metadata"), first.findtext("type")) == (
        "暴露垃圾",
        "false",
        "realtime",
    )
    assert first.findtext("group") == "市容环境"


def test_services_speak_english_when_asked_and_fall_back_to_chinese(world):
    sub = world.categories["0101"]
    sub.name_en = "Exposed rubbish"
    sub.save()
    sub.parent.name_en = "City appearance"
    sub.parent.save()
    by_param = {s["service_code"]: s for s in APIClient().get(f"{BASE}services.json?locale=en").json()}
    assert (by_param["0101"]["service_name"], by_param["0101"]["group"]) == ("Exposed rubbish", "City appearance")
    assert by_param["0202"]["service_name"] == "违法搭建"  # no English name in the catalogue
    by_header = APIClient().get(f"{BASE}services.json", HTTP_ACCEPT_LANGUAGE="en")
    assert by_header.json()[0]["service_name"] == "Exposed rubbish"
    chinese = APIClient().get(f"{BASE}services.json?locale=zh_CN", HTTP_ACCEPT_LANGUAGE="en").json()
    assert chinese[0]["service_name"] == "暴露垃圾"


def test_service_definition_has_no_extra_attributes(world):
    assert APIClient().get(f"{BASE}services/0202.json").json() == {"service_code": "0202", "attributes": []}
    root = xml(APIClient().get(f"{BASE}services/0202.xml"))
    assert (root.tag, root.findtext("service_code"), list(root.find("attributes"))) == (
        "service_definition",
        "0202",
        [],
    )


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_or_inactive_service_definition_is_a_404_error_document(world, fmt):
    world.categories["0101"].active = False
    world.categories["0101"].save()
    for code in ("9999", "0101", "01"):  # unknown, inactive, a 大类
        resp = APIClient().get(f"{BASE}services/{code}.{fmt}")
        assert resp.status_code == 404
        [error] = errors_of(resp, fmt)
        assert error["code"] == 404 and code in error["description"]


def test_discovery_names_the_endpoint_and_its_formats(world):
    data = APIClient().get(f"{BASE}discovery.json").json()
    [endpoint] = data["endpoints"]
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert set(endpoint["formats"]) == {"text/xml", "application/json"}
    assert data["changeset"] and endpoint["changeset"]
    root = xml(APIClient().get(f"{BASE}discovery.xml"))
    assert root.tag == "discovery"
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]
    assert root.findtext("endpoints/endpoint/url") == "http://testserver/open311/v2/"


def test_the_suffix_decides_the_format_whatever_the_accept_header(world):
    resp = APIClient().get(f"{BASE}services.xml", HTTP_ACCEPT="application/json")
    assert resp.status_code == 200 and xml(resp).tag == "services"
    resp = APIClient().get(f"{BASE}services.json", HTTP_ACCEPT="text/xml")
    assert resp.status_code == 200 and resp.json()[0]["service_code"] == "0101"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_endpoint_and_wrong_method_answer_error_documents(world, fmt):
    missing = APIClient().get(f"{BASE}nothing-here.{fmt}")
    assert missing.status_code == 404
    assert errors_of(missing, fmt)[0]["code"] == 404
    wrong = APIClient().delete(f"{BASE}requests.{fmt}")
    assert wrong.status_code == 405
    assert errors_of(wrong, fmt)[0]["code"] == 405


def test_open311_is_not_in_the_rest_api_schema(world):
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    assert paths and not [p for p in paths if p.startswith("/open311")]


# --- filing -----------------------------------------------------------------------------------------------


def test_post_files_a_case_through_open311_at_the_grid_of_the_point(world, frozen):
    resp = post(**form())
    assert resp.status_code == 201, resp.content
    [answer] = resp.json()
    case = Case.objects.get()
    assert answer["service_request_id"] == case.number == "XG-2026-000001"
    assert answer["token"] and answer["account_id"] is None  # the token resolves through GET tokens/{token}
    assert case.number in answer["service_notice"]
    assert (case.channel, case.reporter_id, case.grid_id, case.level, case.category.code) == (
        "open311",
        None,
        world.grid_a.id,
        "grid",
        "0101",
    )
    assert (case.citizen_name, case.citizen_phone, case.address) == ("李四", "13900001111", "雄关一网格东门")
    assert (case.title, case.description) == ("东门路边有一堆垃圾", "东门路边有一堆垃圾\n已经三天没人清理")
    assert (case.lat, case.lng) == (39.775, 98.295)
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.actor_id, event.actor_role, event.data["channel"]) == (
        "report",
        None,
        "群众",
        "open311",
    )


def test_post_in_xml_places_a_grade_b_case_at_the_street(world):
    resp = post("xml", **form(service_code="0202", **IN_B, address_string=""))
    assert resp.status_code == 201
    root = xml(resp)
    assert root.tag == "service_requests"
    number = root.findtext("request/service_request_id")
    assert [c.tag for c in root.find("request")] == ["service_request_id", "token", "service_notice", "account_id"]
    case = Case.objects.get(number=number)
    assert (case.grid_id, case.community_id, case.level, case.handler_region_id) == (
        world.grid_b.id,
        world.community_b.id,
        "street",
        world.street.id,
    )
    assert "关城一网格" in case.address and "39.775" in case.address  # no address given: the grid and the point


def test_media_url_is_kept_as_a_link_and_never_fetched_or_stored_as_a_file(world):
    resp = post(**form(media_url="http://photos.example.cn/a.jpg"))
    assert resp.status_code == 201
    case = Case.objects.get()
    assert case.description.endswith("http://photos.example.cn/a.jpg")
    assert not Evidence.objects.exists()


def test_media_files_in_multipart_are_checked_and_stored_as_report_evidence(world):
    resp = APIClient().post(f"{BASE}requests.json", {**form(), "media": [photo(), photo("b.png", "blue", "PNG")]})
    assert resp.status_code == 201, resp.content
    case = Case.objects.get()
    assert sorted(case.evidence.values_list("content_type", flat=True)) == ["image/jpeg", "image/png"]
    assert set(case.evidence.values_list("stage", flat=True)) == {"report"}


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_filed(world):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    resp = APIClient().post(f"{BASE}requests.xml", {**form(), "media": [fake]})
    assert resp.status_code == 400
    [error] = errors_of(resp, "xml")
    assert error["code"] == 400 and "photo.jpg" in error["description"]
    assert not Case.objects.exists() and not Evidence.objects.exists()


def test_post_accepts_and_ignores_api_key_and_other_spec_fields(world):
    from interop.models import Open311Client

    key = Open311Client.objects.create(name="随手拍").api_key  # a key that is sent must be a client's
    resp = post(**form(api_key=key, jurisdiction_id="xg", device_id="d1", account_id="a1", address_id="9"))
    assert resp.status_code == 201
    assert Case.objects.get().channel == "open311"


def test_post_without_description_uses_the_service_name(world):
    resp = post(**form(description=""))
    assert resp.status_code == 201
    case = Case.objects.get()
    assert (case.title, case.description) == ("暴露垃圾", "暴露垃圾")


BAD = {
    "unknown service": ({"service_code": "9999"}, "9999"),
    "a major category": ({"service_code": "01"}, "01"),
    "no service": ({"service_code": ""}, "service_code"),
    "no location": ({"lat": "", "long": ""}, "lat"),
    "an address alone": ({"lat": "", "long": "", "address_string": "雄关路 1 号"}, "lat"),
    "lat without long": ({"long": ""}, "long"),
    "outside the area": ({"lat": 40.5, "long": 99.0}, "40.5"),
    "lat out of range": ({"lat": 123}, "lat"),
    "bad phone": ({"phone": "call me"}, "phone"),
    "a mobile four digits short": ({"phone": "1390937"}, "phone"),
    "bad media url": ({"media_url": "file:///etc/passwd"}, "media_url"),
    "description too long": ({"description": "长" * 4001}, "description"),
}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_post_is_a_400_error_document_and_files_nothing(world, fmt, case):
    change, mentioned = BAD[case]
    resp = post(fmt, **form(**change))
    assert resp.status_code == 400, resp.content
    errors = errors_of(resp, fmt)
    assert errors and all(e["code"] == 400 for e in errors)
    assert any(mentioned in e["description"] for e in errors), errors
    assert not Case.objects.exists()


def test_inactive_service_cannot_be_filed(world):
    world.categories["0101"].active = False
    world.categories["0101"].save()
    resp = post(**form())
    assert resp.status_code == 400
    assert not Case.objects.exists()


def test_filing_is_rate_limited_per_ip_and_shares_the_public_api_allowance(world):
    rates = {"DEFAULT_THROTTLE_RATES": {"citizen_report": "3/min"}}
    with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, **rates}):
        client = APIClient(REMOTE_ADDR="10.0.0.7")
        assert post(client=client, **form()).status_code == 201
        public = {"category": "0101", "title": "垃圾", "description": "垃圾", "address": "东门", "lat": 39.775}
        assert client.post("/api/v1/public/cases/", {**public, "lng": 98.295}).status_code == 201
        assert post(client=client, **form()).status_code == 201
        over = post("xml", client=client, **form())
        assert over.status_code == 429
        assert int(over["Retry-After"]) > 0
        [error] = errors_of(over, "xml")
        assert error["code"] == 429
        forged = client.post(f"{BASE}requests.json", form(), HTTP_X_FORWARDED_FOR="1.2.3.4")
        assert forged.status_code == 429  # a forged X-Forwarded-For buys no new allowance
        assert forged.json()[0]["code"] == 429
        assert client.get(f"{BASE}requests.json").status_code == 200  # reading is not filing
        assert post(client=APIClient(REMOTE_ADDR="10.0.0.8"), **form()).status_code == 201
    assert Case.objects.count() == 4


def test_no_session_is_used_a_logged_in_browser_files_anonymously_without_csrf(world):
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username=world.street_officer.username, password=PASSWORD)
    resp = browser.post(f"{BASE}requests.json", form())
    assert resp.status_code == 201, resp.content
    case = Case.objects.get()
    assert (case.reporter_id, case.channel) == (None, "open311")
    assert CaseEvent.objects.get(case=case).actor_id is None


def test_json_body_is_accepted_too(world):
    resp = APIClient().post(f"{BASE}requests.json", json.dumps(form()), content_type="application/json")
    assert resp.status_code == 201
    assert Case.objects.get().channel == "open311"


# --- following --------------------------------------------------------------------------------------------


def test_get_request_shows_public_data_only(world, frozen):
    number = post(**form(), media=[photo()]).json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    case_transition(case_id=case.id, action="note", actor=world.grid_worker, note="内部：当事人是网格员的邻居")
    resp = APIClient().get(f"{BASE}requests/{number}.json")
    assert resp.status_code == 200
    [data] = resp.json()
    assert list(data) == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "lat",
        "long",
        "media_url",
    ]
    assert (data["service_request_id"], data["status"], data["service_code"], data["service_name"]) == (
        number,
        "open",
        "0101",
        "暴露垃圾",
    )
    assert data["status_notes"] == "待受理"
    assert data["agency_responsible"] == "雄关一网格（网格团队）"
    assert data["requested_datetime"] == "2026-11-18T10:00:00+08:00"
    assert data["expected_datetime"] == case.due_at.astimezone(NOW.tzinfo).isoformat()
    assert data["expected_datetime"].endswith("+08:00")
    assert (data["lat"], data["long"], data["address"]) == (39.775, 98.295, "雄关一网格东门")
    evidence = case.evidence.get()
    assert data["media_url"] == f"http://testserver{evidence.public_url}"  # signed: the public may open it
    text = resp.content.decode() + APIClient().get(f"{BASE}requests/{number}.xml").content.decode()
    for private in ("李四", "13900001111", "lisi@example.cn", "内部", "王网格", "wangge01"):
        assert private not in text, private


def test_get_request_in_xml(world):
    number = post(**form()).json()[0]["service_request_id"]
    resp = APIClient().get(f"{BASE}requests/{number}.xml")
    root = xml(resp)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert (request.findtext("service_request_id"), request.findtext("status")) == (number, "open")
    assert request.find("media_url").text is None  # no photo: an empty element


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_is_a_404_error_document(world, fmt):
    resp = APIClient().get(f"{BASE}requests/XG-2026-999999.{fmt}")
    assert resp.status_code == 404
    [error] = errors_of(resp, fmt)
    assert error["code"] == 404 and "XG-2026-999999" in error["description"]


def test_cases_from_other_channels_are_not_published(world):
    from tests.cases.helpers import file_case

    patrol = file_case(world)  # filed by a grid worker: may concern a household
    resp = APIClient().get(f"{BASE}requests/{patrol.number}.json")
    assert resp.status_code == 404
    assert APIClient().get(f"{BASE}requests.json").json() == []
    with override_settings(OPEN311_PUBLISHED_CHANNELS=["open311", "patrol"]):
        assert APIClient().get(f"{BASE}requests/{patrol.number}.json").status_code == 200


STATUS_MAP = {
    "reported": "open",
    "accepted": "open",
    "dispatched": "open",
    "in_progress": "open",
    "on_hold": "open",
    "resolved": "open",
    "closed": "closed",
    "rejected": "closed",
    "merged": "closed",
}


@pytest.mark.parametrize("ours", list(STATUS_MAP))
def test_our_statuses_map_onto_open_and_closed(world, ours):
    with override_settings(OPEN311_PUBLISHED_CHANNELS=["patrol"]):
        case = BY_STATUS[ours](home(world))
        assert case.status == ours
        [data] = APIClient().get(f"{BASE}requests/{case.number}.json").json()
        assert data["status"] == STATUS_MAP[ours]
        assert data["status_notes"].startswith(str(Case(status=ours).get_status_display()))
        assert (data["expected_datetime"] is None) == (STATUS_MAP[ours] == "closed")

        def listed(status: str) -> set[str]:
            return {r["service_request_id"] for r in APIClient().get(f"{BASE}requests.json?status={status}").json()}

        other = "open" if STATUS_MAP[ours] == "closed" else "closed"
        assert case.number in listed(STATUS_MAP[ours]) and case.number in listed("open,closed")
        assert case.number not in listed(other)


def test_status_notes_give_the_reason_and_agency_the_holding_office(world):
    case = o311_case(world, code="0202", grid=world.grid_b)
    p = home(world)

    def shown() -> dict:
        return APIClient().get(f"{BASE}requests/{case.number}.json").json()[0]

    assert shown()["agency_responsible"] == "雄关街道综治中心"
    act(case, "accept", p.officer)
    act(case, "dispatch", p.officer, departments=[p.department.id], note="请城管执法核实拆除")
    assert (shown()["agency_responsible"], shown()["status_notes"]) == ("城管执法", "待签收：请城管执法核实拆除")
    act(case, "return_request", p.liaison, reason="not_in_remit", note="不属本单位职责")
    act(case, "return", p.officer)
    assert shown()["agency_responsible"] == "雄关街道综治中心"
    act(case, "reject", p.officer, note="经核实为合法建筑")
    data = shown()
    assert (data["status"], data["status_notes"]) == ("closed", "不予受理：经核实为合法建筑")
    text = APIClient().get(f"{BASE}requests/{case.number}.xml").content.decode()
    for user in world.users.values():
        assert user.full_name not in text, user.full_name


# --- searching --------------------------------------------------------------------------------------------


def test_requests_search_defaults_to_the_last_90_days_newest_first(world, frozen):
    old = o311_case(world, now=NOW - timedelta(days=100))
    recent = o311_case(world, now=NOW - timedelta(days=10))
    newest = o311_case(world, code="0202", grid=world.grid_b, now=NOW - timedelta(days=1))
    ids = [r["service_request_id"] for r in APIClient().get(f"{BASE}requests.json").json()]
    assert ids == [newest.number, recent.number]
    start = (NOW - timedelta(days=120)).isoformat()
    end = (NOW - timedelta(days=50)).isoformat()
    found = APIClient().get(f"{BASE}requests.json", {"start_date": start, "end_date": end}).json()
    assert [r["service_request_id"] for r in found] == [old.number]
    after = APIClient().get(f"{BASE}requests.json", {"start_date": "2026-11-05"}).json()  # a date: 90 days on
    assert [r["service_request_id"] for r in after] == [newest.number, recent.number]
    by_code = APIClient().get(f"{BASE}requests.json", {"service_code": "0202"}).json()
    assert [r["service_request_id"] for r in by_code] == [newest.number]
    root = xml(APIClient().get(f"{BASE}requests.xml", {"service_code": "0101,0202"}))
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [newest.number, recent.number]


def test_service_request_id_list_ignores_the_other_filters(world, frozen):
    old = o311_case(world, now=NOW - timedelta(days=200))
    recent = o311_case(world, now=NOW - timedelta(days=2))
    query = {"service_request_id": f"{old.number}, {recent.number},XG-2026-999999", "status": "nonsense"}
    found = APIClient().get(f"{BASE}requests.json", query).json()
    assert [r["service_request_id"] for r in found] == [recent.number, old.number]


@pytest.mark.parametrize(
    ("query", "mentioned"),
    [
        ({"status": "pending"}, "status"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"end_date": "2026-13-45"}, "end_date"),
        ({"start_date": "2026-01-01", "end_date": "2026-11-01"}, "90"),
        ({"start_date": "2026-11-10", "end_date": "2026-11-01"}, "start_date"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_search_is_a_400_error_document(world, query, mentioned, fmt):
    resp = APIClient().get(f"{BASE}requests.{fmt}", query)
    assert resp.status_code == 400
    errors = errors_of(resp, fmt)
    assert errors[0]["code"] == 400 and any(mentioned in e["description"] for e in errors), errors


def test_requests_search_runs_a_constant_number_of_queries(world, frozen):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            resp = APIClient().get(f"{BASE}requests.json")
        assert resp.status_code == 200
        return len(ctx.captured_queries)

    first = o311_case(world, code="0202", grid=world.grid_b, now=NOW - timedelta(hours=3))
    p = home(world)
    act(first, "accept", p.officer)
    act(first, "dispatch", p.officer, departments=[p.department.id])
    one = count()
    for _ in range(5):
        post(**form(), media=[photo()])
    many = count()
    assert len(APIClient().get(f"{BASE}requests.json").json()) == 6
    assert many == one


def test_xml_stays_well_formed_with_control_characters_in_the_description(world):
    number = post(**form(description="垃圾\x01\x08堆积 <b>&</b>")).json()[0]["service_request_id"]
    root = xml(APIClient().get(f"{BASE}requests/{number}.xml"))
    assert root.findtext("request/description") == "垃圾堆积 <b>&</b>"
