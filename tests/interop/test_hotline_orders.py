"""Orders in: signature and window (401, nothing stored, a log line), idempotency, the mapping, the 待分类 queue,
400 with field errors, the 12345 channel at the street, and the stricter deadline."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from cases.models import Case, CaseEvent
from interop.models import Order
from interop.services import mappings_import_csv
from tests.cases.helpers import at

from .hotline_helpers import OUTSIDE, make_partner, order, signed_post

URL = "/interop/12345/orders/"
NOW = at(2026, 11, 18, 10, 0)  # a Wednesday, in office hours


@pytest.fixture
def partner(world):
    return make_partner(world)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_an_order_becomes_a_case_on_the_12345_channel_at_the_street(world, partner, frozen):
    resp = signed_post(Client(), URL, order(), partner)
    assert resp.status_code == 201, resp.content
    case = Case.objects.get()
    body = resp.json()
    assert body["order_id"] == "BJ-0001" and body["case_number"] == case.number and body["triage"] == []
    assert (case.channel, case.level, case.street_id, case.grid_id, case.category.code) == (
        "hotline",
        "street",
        world.street.id,
        world.grid_a.id,
        "0101",
    )
    assert (case.handler_kind, case.handler_region_id, case.status) == ("centre", world.street.id, "reported")
    assert (case.citizen_name, case.citizen_phone) == ("李四", "13900001111")
    assert "BJ-0001" in case.description and "投诉" in case.description
    assert Order.objects.get().case_id == case.id
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.actor_id, event.data["channel"]) == ("report", partner.user_id, "hotline")
    assert event.actor_name == "12345热线（市12345热线）"


def test_a_repeat_answers_200_with_the_same_case_and_files_nothing(world, partner):
    first = signed_post(Client(), URL, order(), partner)
    again = signed_post(Client(), URL, order(content="另一段内容"), partner)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["case_number"] == first.json()["case_number"]
    assert Case.objects.count() == 1 and Order.objects.count() == 1


def test_the_same_order_id_from_another_partner_is_another_order(world, partner):
    other = make_partner(world, key_id="other", secret="other-secret")
    assert signed_post(Client(), URL, order(), partner).status_code == 201
    assert signed_post(Client(), URL, order(), other).status_code == 201
    assert Case.objects.count() == 2


BAD_AUTH = {
    "wrong secret": {"secret": "not-the-secret"},
    "unknown key id": {"key_id": "nobody"},
    # Well outside the 300 s window: the header carries whole seconds (truncated) and the request takes time, so
    # ±301 s landed inside the window about once in twenty runs on a loaded machine.
    "too old": {"now": -310},
    "from the future": {"now": +310},
}


@pytest.mark.parametrize("how", list(BAD_AUTH), ids=list(BAD_AUTH))
def test_a_bad_or_stale_signature_is_401_stores_nothing_and_logs_a_line(world, partner, caplog, how):
    with caplog.at_level(logging.WARNING, logger="interop.hotline"):
        bad = dict(BAD_AUTH[how])
        if "now" in bad:
            bad["now"] = time.time() + bad["now"]  # an offset from the moment of the request
        resp = signed_post(Client(), URL, order(), partner, **bad)
    assert resp.status_code == 401
    assert resp.json()["code"] == "unauthorized"
    assert not Case.objects.exists() and not Order.objects.exists()
    [line] = [r for r in caplog.records if r.name == "interop.hotline"]
    assert "401" in line.getMessage()


def test_no_signature_headers_at_all_is_401(world, partner):
    resp = Client().post(URL, b"{}", content_type="application/json")
    assert resp.status_code == 401
    assert not Case.objects.exists()


def test_an_inactive_partner_is_refused(world, partner):
    partner.active = False
    partner.save()
    assert signed_post(Client(), URL, order(), partner).status_code == 401


def test_a_body_changed_after_signing_is_refused(world, partner):
    import json

    from interop import signing

    body = json.dumps(order()).encode()
    headers = signing.signed_headers(key_id=partner.key_id, secret=partner.secret, method="POST", path=URL, body=body)
    tampered = body.replace(b"BJ-0001", b"BJ-0002")
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    assert Client().post(URL, tampered, content_type="application/json", **meta).status_code == 401
    assert not Case.objects.exists()


def test_an_order_with_control_characters_is_verified_on_the_bytes_signed_and_stored_clean(world, partner):
    # Word's soft line break (\u000b) and a stray \u0001: the middleware strips them from the text it keeps, but
    # the signature covers the bytes the hotline sent — before, such an order was 401 on every retry (lost).
    resp = signed_post(Client(), URL, order(content="第一行\u000b第二行\u0001"), partner)
    assert resp.status_code == 201, resp.content
    case = Case.objects.get()
    assert "第一行第二行" in case.description and "\x0b" not in case.description and "\x01" not in case.description
    assert (
        signed_post(Client(), URL, order(content="第一行\u000b第二行\u0001"), partner).status_code == 200
    )  # the same order


def test_a_changed_body_with_control_characters_is_still_refused(world, partner):
    import json

    from interop import signing

    body = json.dumps(order(content="甲\u000b乙")).encode()
    headers = signing.signed_headers(key_id=partner.key_id, secret=partner.secret, method="POST", path=URL, body=body)
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    tampered = body.replace(b"BJ-0001", b"BJ-0002")
    assert Client().post(URL, tampered, content_type="application/json", **meta).status_code == 401
    assert not Case.objects.exists()


@pytest.mark.parametrize("timestamp", ["\xb2", "1" * 5000, "١٢٣"], ids=["superscript two", "5000 digits", "arabic"])
def test_a_timestamp_of_digits_int_refuses_is_401_not_500(world, partner, timestamp):
    resp = Client(raise_request_exception=False).post(
        URL,
        b"{}",
        content_type="application/json",
        HTTP_X_GC_KEY_ID=partner.key_id,
        HTTP_X_GC_TIMESTAMP=timestamp,
        HTTP_X_GC_SIGNATURE="00",
    )
    assert resp.status_code == 401
    assert not Case.objects.exists()


@pytest.mark.parametrize("where", ["content", "extra"])
def test_a_lone_surrogate_in_a_signed_order_is_400_and_stores_nothing(world, partner, where):
    import json

    payload = order() if where == "extra" else order(content="半个字\ud800")
    if where == "extra":
        payload["extra"] = "\udfff"
    body = json.dumps(payload).encode()  # ASCII with \ud800 escapes: what a broken sender really sends
    resp = signed_post(Client(raise_request_exception=False), URL, body, partner)
    assert resp.status_code == 400
    assert resp.json()["code"] == "invalid" and "Unicode" in resp.json()["detail"]
    assert not Case.objects.exists() and not Order.objects.exists()


def test_malformed_json_is_400_and_stores_nothing(world, partner):
    resp = signed_post(Client(), URL, b'{"order_id": "X-1", ', partner)
    assert resp.status_code == 400
    assert resp.json()["code"] == "malformed_json"
    assert signed_post(Client(), URL, b"[1, 2]", partner).status_code == 400
    assert not Case.objects.exists()


def test_invalid_fields_are_400_with_errors_per_field(world, partner):
    bad = order(order_id="has spaces", request_type="rant", location={"lat": 123, "lng": 1}, content="")
    del bad["address"]
    resp = signed_post(Client(), URL, bad, partner)
    assert resp.status_code == 400
    errors = resp.json()["errors"]
    assert set(errors) >= {"order_id", "request_type", "location", "content", "address"}
    assert "lat" in errors["location"]
    late = order(response_due_at="2026-11-20T10:00:00+08:00", resolution_due_at="2026-11-19T10:00:00+08:00")
    assert "response_due_at" in signed_post(Client(), URL, late, partner).json()["errors"]
    assert not Case.objects.exists()


def test_an_unmapped_code_files_under_the_fallback_in_the_street_triage_queue(world, partner, web):
    resp = signed_post(Client(), URL, order(category_code="C-9999"), partner)
    assert resp.status_code == 201
    [reason] = resp.json()["triage"]
    assert (reason["code"], reason["detail"]) == ("unmapped_code", "C-9999")
    assert "C-9999" in reason["text"]
    case = Case.objects.get()
    assert case.category == world.categories["0103"] and case.grid_id == world.grid_a.id
    page = web("street_officer").get("/interop/12345/queue/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "BJ-0001" in text and "C-9999" in text and "没有对应的事项小类" in text


@pytest.mark.parametrize(
    ("location", "code"),
    [(OUTSIDE, "outside_grids"), (None, "no_point"), ({"lat": 39.775, "lng": 98.295}, None)],
)
def test_an_address_in_no_grid_files_at_the_street_without_a_grid(world, partner, location, code):
    resp = signed_post(Client(), URL, order(location=location), partner)
    assert resp.status_code == 201
    codes = [r["code"] for r in resp.json()["triage"]]
    case = Case.objects.get()
    if code is None:
        assert codes == [] and case.grid_id == world.grid_a.id
    else:
        assert codes == [code]
        assert (case.grid_id, case.community_id, case.street_id, case.level) == (None, None, world.street.id, "street")
        assert (case.lat, case.lng) == (None, None)


def test_a_point_in_another_streets_grid_stays_at_the_partners_street(world, partner):
    from governance.models import Region
    from grids.models import Grid
    from tests.factories.world import rect

    community = Region.objects.create(
        name="水果湖社区", code="620201002001", level="community", parent=world.other_street
    )
    Grid.objects.create(code="SGH-01", name="水果湖一网格", community=community, boundary=rect(98.40, 39.77))
    resp = signed_post(Client(), URL, order(location={"lat": 39.775, "lng": 98.405}), partner)
    assert [r["code"] for r in resp.json()["triage"]] == ["other_street"]
    assert Case.objects.get().street_id == world.street.id


def test_the_triage_queue_is_the_streets_own(world, partner, web):
    signed_post(Client(), URL, order(category_code="C-9999"), partner)
    assert "BJ-0001" not in web("other_street_officer").get("/interop/12345/queue/").content.decode()
    order_pk = Order.objects.get().pk
    assert web("other_street_officer").get(f"/interop/12345/order/{order_pk}/").status_code == 404
    assert web("grid_worker").get(f"/interop/12345/order/{order_pk}/").status_code == 404
    resp = web("street_officer").post(f"/interop/12345/order/{order_pk}/", {"action": "triaged"})
    assert resp.status_code == 302
    assert Order.objects.get().triaged_at is not None
    assert "BJ-0001" not in web("street_officer").get("/interop/12345/queue/").content.decode().split("最近工单")[0]


def test_the_stricter_of_the_hotline_and_the_rule_sets_the_clock(world, partner, frozen):
    # Rule for 0101 at the street: default street rule, accept 2 working hours, handle 3 working days.
    tight = order(response_due_at="2026-11-18T11:00:00+08:00", resolution_due_at="2026-11-19T12:00:00+08:00")
    signed_post(Client(), URL, tight, partner)
    case = Case.objects.get()
    assert case.accept_due_at == at(2026, 11, 18, 11, 0)  # hotline's 1 h beats the rule's 2 working hours
    assert case.due_at == at(2026, 11, 19, 12, 0)  # hotline's resolution limit beats 3 working days
    assert case.external_due_at == at(2026, 11, 19, 12, 0)
    loose = order("BJ-0002", response_due_at="2026-11-30T11:00:00+08:00", resolution_due_at="2026-12-30T12:00:00+08:00")
    signed_post(Client(), URL, loose, partner)
    case2 = Case.objects.get(hotline_order__order_id="BJ-0002")
    assert case2.accept_due_at == at(2026, 11, 18, 12, 0)  # the rule's 2 working hours are stricter
    assert case2.due_at < at(2026, 12, 30, 12, 0)


def test_the_hotline_deadline_still_caps_the_clock_after_signing(world, partner, frozen):
    from cases.services import case_transition

    signed_post(Client(), URL, order(resolution_due_at="2026-11-19T12:00:00+08:00"), partner)
    case = Case.objects.get()
    officer = world.street_officer
    case_transition(case_id=case.id, action="accept", actor=officer)
    case_transition(case_id=case.id, action="dispatch", actor=officer, departments=[world.departments["scjg"].id])
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        case_transition(case_id=case.id, action="sign", actor=world.liaison_scjg)
    case.refresh_from_db()
    assert case.due_at == at(2026, 11, 19, 12, 0)
    assert case.signed_at < case.yellow_at < case.due_at


def test_the_mapping_import_is_all_or_nothing(world, partner):
    counts = mappings_import_csv(partner=partner, text="\ufeffcode,category,name\nC-0102,0102,楼道\nC-0101,0202,改\n")
    assert counts == {"created": 1, "updated": 1}
    assert partner.mappings.get(code="C-0101").category.code == "0202"
    from core.errors import InvalidInput

    with pytest.raises(InvalidInput) as err:
        mappings_import_csv(partner=partner, text="C-0301,0301\nC-0302,9999\nC-0301,0101\n,0101\n")
    assert "第2行" in err.value.message and "第3行" in err.value.message and "第4行" in err.value.message
    assert not partner.mappings.filter(code="C-0301").exists()


def test_the_hotline_api_speaks_english_when_asked(world, partner):
    import json

    from interop import signing

    body = b'{"order_id": '
    headers = signing.signed_headers(key_id=partner.key_id, secret=partner.secret, method="POST", path=URL, body=body)
    meta = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    resp = Client().post(URL, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **meta)
    assert resp.status_code == 400
    assert json.loads(resp.content)["detail"].startswith("The body is not valid UTF-8 JSON")
    assert "请求体" in signed_post(Client(), URL, body, partner).json()["detail"]  # zh-hans by default
