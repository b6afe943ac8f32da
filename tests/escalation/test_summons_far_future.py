"""Summons due times stay within ``MAX_DUE_HORIZON_DAYS`` (366 days), as a case's do.

An extension asked to 2045 or 9999 is refused when asked (nothing written), an approval of a request kept from
before the check is refused and leaves it pending, and a whistle's response limit is at most the horizon in its
unit. A due time already stored beyond it (9999) no longer turns the inbox and the dashboards into a 14 s 400.
"""

from __future__ import annotations

import pytest
import time_machine

from cases.models import CaseEvent
from cases.services import case_transition
from core.errors import InvalidInput
from escalation.models import Summons, Whistle
from escalation.selectors import summons_countdowns
from escalation.services.whistles import whistle_blow
from tests.cases.helpers import at, file_case

from .whistle_helpers import T0, whistled_case

T1 = at(2026, 11, 18, 10, 12)
FAR_FUTURE = ["9999-12-31T10:00", "2045-12-31T10:00"]
HORIZON_MESSAGE = "至多 366 天之后"


def _summons_events(case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case, reason__startswith="summons_").values_list("reason", flat=True))


@pytest.fixture
def summoned(world):
    case, _whistle, summons = whistled_case(world, codes=("cgzf",))
    return case, summons["cgzf"]


def _kept_request(summons: Summons, year: int) -> None:
    """A pending request to the end of ``year``, as one asked before the horizon was checked is kept."""
    Summons.objects.filter(pk=summons.pk).update(
        extension_status="pending", extension_until=at(year, 12, 31, 10), extension_reason="需勘测"
    )


# --- asking -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("when", FAR_FUTURE)
def test_an_extension_beyond_the_horizon_is_refused_on_the_page_with_what_was_typed(world, web, summoned, when):
    case, cg = summoned
    with time_machine.travel(T1, tick=False):
        resp = web("liaison").post(
            f"/inbox/summons/{cg.id}/extension/", {"extension-until": when, "extension-reason": "需要现场测量"}
        )
    assert resp.status_code == 400
    html = resp.content.decode()
    assert HORIZON_MESSAGE in html
    assert f'value="{when}"' in html and "需要现场测量" in html  # the form as it was filled in
    cg.refresh_from_db()
    assert (cg.extension_status, cg.extension_until, cg.respond_due_at) == ("", None, at(2026, 11, 19, 10))
    assert _summons_events(case) == []


@pytest.mark.parametrize("when", FAR_FUTURE)
def test_an_extension_beyond_the_horizon_is_refused_by_the_api(world, api, summoned, when):
    case, cg = summoned
    with time_machine.travel(T1, tick=False):
        resp = api("liaison").post(
            f"/api/v1/summonses/{cg.id}/extension/", {"until": f"{when}:00+08:00", "reason": "需勘测"}, format="json"
        )
    assert resp.status_code == 400, resp.content
    assert resp.json()["code"] == "until"
    assert HORIZON_MESSAGE in resp.json()["detail"]
    cg.refresh_from_db()
    assert (cg.extension_status, cg.extension_until) == ("", None)
    assert _summons_events(case) == []


def test_an_extension_within_the_horizon_is_still_asked_and_approved(world, api, summoned):
    _case, cg = summoned
    with time_machine.travel(T1, tick=False):
        asked = api("liaison").post(
            f"/api/v1/summonses/{cg.id}/extension/",
            {"until": "2027-11-18T10:00:00+08:00", "reason": "需勘测"},
            format="json",
        )
        assert asked.status_code == 200, asked.content
        approved = api("street_officer").post(
            f"/api/v1/summonses/{cg.id}/extension-decision/", {"approve": True}, format="json"
        )
    assert approved.status_code == 200, approved.content
    cg.refresh_from_db()
    assert (cg.extension_status, cg.respond_due_at) == ("approved", at(2027, 11, 18, 10))


# --- deciding -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [9999, 2045])
def test_approving_a_kept_request_beyond_the_horizon_on_the_page_is_refused_and_stays_pending(
    world, web, summoned, year
):
    case, cg = summoned
    _kept_request(cg, year)
    with time_machine.travel(T1, tick=False):
        resp = web("street_officer").post(
            f"/inbox/summons/{cg.id}/decide_extension/", {"decide_extension-decision": "approve"}
        )
        assert resp.status_code == 400
        assert HORIZON_MESSAGE in resp.content.decode()
        cg.refresh_from_db()
        assert (cg.extension_status, cg.respond_due_at) == ("pending", at(2026, 11, 19, 10))
        assert _summons_events(case) == []
        refused = web("street_officer").post(  # the centre can still answer it
            f"/inbox/summons/{cg.id}/decide_extension/",
            {"decide_extension-decision": "refuse", "decide_extension-note": "时间过长，请重新申请"},
        )
    assert refused.status_code == 302
    cg.refresh_from_db()
    assert (cg.extension_status, cg.respond_due_at) == ("refused", at(2026, 11, 19, 10))


@pytest.mark.parametrize("body", [{"approve": True}, {"approve": True, "due_at": "9999-12-31T10:00:00+08:00"}])
def test_an_approval_beyond_the_horizon_by_the_api_is_refused_and_stays_pending(world, api, summoned, body):
    """Approving the kept request as asked, or a request within the horizon to a far date given by the centre."""
    case, cg = summoned
    if "due_at" in body:
        Summons.objects.filter(pk=cg.pk).update(extension_status="pending", extension_until=at(2026, 11, 20, 10))
    else:
        _kept_request(cg, 9999)
    with time_machine.travel(T1, tick=False):
        resp = api("street_officer").post(f"/api/v1/summonses/{cg.id}/extension-decision/", body, format="json")
    assert resp.status_code == 400, resp.content
    assert resp.json()["code"] == "due_at"
    cg.refresh_from_db()
    assert (cg.extension_status, cg.respond_due_at) == ("pending", at(2026, 11, 19, 10))
    assert _summons_events(case) == []


# --- reading a due time stored beyond the horizon ------------------------------------------------------------


@pytest.mark.parametrize("year", [9999, 2045])
def test_a_stored_due_time_beyond_the_horizon_leaves_the_pages_answering(world, web, api, summoned, year):
    _case, cg = summoned
    Summons.objects.filter(pk=cg.pk).update(respond_due_at=at(year, 12, 31, 10))
    with time_machine.travel(T1, tick=False):
        for persona, url in [
            ("liaison", "/inbox/"),
            ("liaison", f"/inbox/summons/{cg.id}/"),
            ("street_officer", "/inbox/"),
            ("street_officer", f"/inbox/summons/{cg.id}/"),
            ("street_officer", "/dashboard/"),
            ("street_officer", "/dashboard/whistles/"),
        ]:
            resp = web(persona).get(url)
            assert resp.status_code == 200, (persona, url, resp.status_code)
        listed = api("liaison").get("/api/v1/summonses/")
        assert listed.status_code == 200, listed.content
    (respond,) = [c for c in summons_countdowns(Summons.objects.get(pk=cg.pk), T1) if c.kind == "respond"]
    assert (respond.due_at, respond.light) == (at(year, 12, 31, 10), "green")
    assert T1 < respond.yellow_at < respond.due_at


# --- the whistle's response limit ---------------------------------------------------------------------------


def _accepted_case(world):
    case = file_case(world, code="0202", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0)
    return case


TOO_LONG = [
    ("1000", "working_days", "反馈时限至多 261 工作日（366 天之内）"),
    ("262", "working_days", "反馈时限至多 261 工作日（366 天之内）"),
    ("1828", "working_hours", "反馈时限至多 1827 工作小时（366 天之内）"),
    ("8785", "hours", "反馈时限至多 8784 小时（366 天之内）"),
    ("527041", "minutes", "反馈时限至多 527040 分钟（366 天之内）"),
]


@pytest.mark.parametrize(("limit", "unit", "message"), TOO_LONG)
def test_the_whistle_form_refuses_a_response_limit_beyond_the_horizon(world, web, limit, unit, message):
    case = _accepted_case(world)
    body = {
        "departments": [world.departments["cgzf"].id],
        "reason": "联合执法",
        "report_in_minutes": "30",
        "response_limit": limit,
        "response_unit": unit,
    }
    with time_machine.travel(at(2026, 11, 18, 10, 1), tick=False):
        resp = web("street_officer").post(f"/cases/{case.id}/whistle/", body)
    assert resp.status_code == 400
    html = resp.content.decode()
    assert message in html and f'value="{limit}"' in html
    assert not Whistle.objects.exists() and not case.events.filter(action="whistle").exists()


@pytest.mark.parametrize(("limit", "unit", "message"), TOO_LONG)
def test_the_whistle_api_refuses_a_response_limit_beyond_the_horizon(world, api, limit, unit, message):
    case = _accepted_case(world)
    body = {
        "departments": [world.departments["cgzf"].id],
        "reason": "联合执法",
        "response_limit": int(limit),
        "response_unit": unit,
    }
    with time_machine.travel(at(2026, 11, 18, 10, 1), tick=False):
        resp = api("street_officer").post(f"/api/v1/cases/{case.id}/whistle/", body, format="json")
    assert resp.status_code == 400, resp.content
    assert (resp.json()["code"], resp.json()["detail"]) == ("response_limit", message)
    assert not Whistle.objects.exists() and not case.events.filter(action="whistle").exists()


def test_a_response_limit_whose_due_time_the_calendar_puts_past_the_horizon_is_refused(world, settings):
    """Five working days fit a seven-day horizon in the unit, but from a Friday evening they end on the second
    Monday (9.6 days on): the due time itself is checked."""
    settings.MAX_DUE_HORIZON_DAYS = 7
    friday_evening = at(2026, 11, 20, 18)
    case = file_case(world, code="0202", now=friday_evening)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=friday_evening)
    with pytest.raises(InvalidInput, match="至多 7 天之后") as err:
        whistle_blow(
            case_id=case.id,
            actor=world.street_officer,
            department_ids=[world.departments["cgzf"].id],
            reason="联合执法",
            response_limit=5,
            response_unit="working_days",
            now=friday_evening,
        )
    assert err.value.code == "response_limit"
    assert not Whistle.objects.exists()


def test_a_response_limit_at_the_most_of_its_unit_is_accepted(world):
    case = _accepted_case(world)
    whistle = whistle_blow(
        case_id=case.id,
        actor=world.street_officer,
        department_ids=[world.departments["cgzf"].id],
        reason="联合执法",
        response_limit=8784,
        response_unit="hours",
        now=T0,
    )
    assert whistle.summonses.get().respond_due_at == at(2027, 11, 19, 10)
