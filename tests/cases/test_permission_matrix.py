"""Who may do what: every persona × every workflow action × a case in / out of their scope, through the API.

The expected answer of each cell is written out here from the rules of DESIGN §6 and the
permission model (not computed by the code under test):

- anonymous: 401 — the API wants a token or a session;
- the case is outside the persona's scope: 404 (existence does not leak) — whatever the action;
- in scope but not entitled to the action: 403 with the reason;
- in scope and entitled: 200 with the updated case.

Scope of a case in grid A of 雄关街道 (DESIGN §6): the grid's workers (grid_worker, part_timer),
雄关社区's centre (community_officer), 雄关街道's centre (street_officer), the district centre
(district_officer), admins, and a department's liaison once the department was dispatched to it
(``liaison`` = 城管执法, dispatched in the setups marked DEPARTMENT_SEES). Never: the grid worker
of grid B (outsider), 关城社区's centre, another street's centre, a liaison whose department was never
dispatched (市场监管所). The "far" case lies in a second district: only admins see it.

Each column (action × setup × scope) builds one case; each persona acts on it inside a savepoint
that is rolled back, so every persona meets the case in the same state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from cases.models import Case
from cases.services import case_transition
from core.errors import DomainError

from .helpers import file_case
from .setups import DEPARTMENT_SEES, PLACES, SETUPS, Place

PERSONAS = [
    "grid_worker",
    "part_timer",
    "outsider",
    "community_officer",
    "community_b_officer",
    "street_officer",
    "other_street_officer",
    "district_officer",
    "liaison",
    "liaison_not_dispatched",
    "admin",
    "anonymous",
]
USERNAMES = {"liaison_not_dispatched": "liaison_scjg"}

#: Who sees a case of grid A (DESIGN §6), the department's liaison aside.
HOME_SCOPE = {"grid_worker", "part_timer", "community_officer", "street_officer", "district_officer", "admin"}

GRID_TEAM = {"grid_worker", "part_timer"}
CENTRES = {"community_officer", "street_officer", "district_officer"}
ADMIN = {"admin"}


@dataclass(frozen=True)
class Row:
    action: str
    setup: str
    entitled: frozenset[str]
    body: dict = field(default_factory=dict)
    why: str = ""

    @property
    def id(self) -> str:
        return f"{self.action}@{self.setup}"


def R(action: str, setup: str, entitled: set[str], why: str = "", **body) -> Row:
    return Row(action, setup, frozenset(entitled), body, why)


NOTE = {"note": "说明"}

ROWS = [
    # 受理 / 不予受理 / 派遣: whoever manages the case at its level (grid team at grid level, centres at or above).
    R("accept", "a_reported", GRID_TEAM | CENTRES | ADMIN, "grid-level case: the grid station and every centre above"),
    R("accept", "b_reported", {"street_officer", "district_officer"} | ADMIN, "street-level: street centre and up"),
    R("reject", "a_reported", GRID_TEAM | CENTRES | ADMIN, **NOTE),
    R("reject", "b_accepted", {"street_officer", "district_officer"} | ADMIN, **NOTE),
    R("dispatch", "b_accepted", {"street_officer", "district_officer"} | ADMIN, dispatch=True),
    R(
        "dispatch",
        "b_returned",
        {"street_officer", "district_officer"} | ADMIN,
        "the returning liaison can't",
        dispatch=True,
    ),
    # 签收 / 退单 / 处置反馈 / 申请延期: the current handler — the dispatched department's liaison.
    R("sign", "b_dispatched", {"liaison"} | ADMIN),
    # 撤回派遣: the centre that dispatched (or one above it), before anyone signed.
    R("recall", "b_dispatched", {"street_officer", "district_officer"} | ADMIN, **NOTE),
    R("return_request", "b_dispatched", {"liaison"} | ADMIN, reason="not_in_remit", note="不属本单位职责"),
    R("return_request", "b_in_progress", {"liaison"} | ADMIN, reason="not_in_remit", note="不属本单位职责"),
    # 同意 / 驳回退单, 批准 / 驳回挂账: the centre that dispatched (the street) or one above it.
    R("return", "b_return_pending", {"street_officer", "district_officer"} | ADMIN),
    R("return_reject", "b_return_pending", {"street_officer", "district_officer"} | ADMIN, **NOTE),
    R("hold_request", "b_in_progress", {"liaison"} | ADMIN, note="等待资金", hold=True),
    R("hold_approve", "b_hold_pending", {"street_officer", "district_officer"} | ADMIN),
    R("hold_refuse", "b_hold_pending", {"street_officer", "district_officer"} | ADMIN, **NOTE),
    R("resolve", "b_in_progress", {"liaison"} | ADMIN, **NOTE),
    R("extension_request", "b_in_progress", {"liaison"} | ADMIN, note="材料未到", extension=True),
    # 当场处置: only the grid's own workers, only grade A at grid level (not even admins).
    R("self_handle", "a_reported", GRID_TEAM, "grid workers on the spot", **NOTE),
    R("self_handle", "b_reported", set(), "grade B is never self-handled", **NOTE),
    # 核查: the grid team (on site, at any level) or a centre managing the case's level.
    # a_resolved was handled on the spot by grid_worker: a teammate or a centre signs it off, never the handler
    # (DESIGN §1: grid workers verify that others' work is done; scenario 1: the community officer verifies).
    R("verify_ok", "a_resolved", {"part_timer"} | CENTRES | ADMIN, "not the self-handler"),
    R("verify_ok", "b_resolved", GRID_TEAM | {"street_officer", "district_officer"} | ADMIN, "community is below"),
    R("verify_failed", "a_resolved", GRID_TEAM | CENTRES | ADMIN, **NOTE),
    R("verify_failed", "b_resolved", GRID_TEAM | {"street_officer", "district_officer"} | ADMIN, **NOTE),
    # 结案: manage.
    R("close", "a_resolved", {"part_timer"} | CENTRES | ADMIN, "not the self-handler"),
    R("close", "b_resolved", {"street_officer", "district_officer"} | ADMIN),
    # 评价: the reporting user (grid_worker filed it) or a centre recording a follow-up call; 重办: centres.
    R("rate", "a_closed", {"grid_worker"} | CENTRES | ADMIN, "reporter or 回访", result="satisfied"),
    R("reopen", "a_closed", CENTRES | ADMIN, **NOTE),
    # 挂账 / 恢复 / 延期审批: the centre managing the level.
    R("hold", "b_accepted", {"street_officer", "district_officer"} | ADMIN, "a centre holds its own case", **NOTE),
    R("resume", "b_on_hold", {"street_officer", "district_officer"} | ADMIN),
    R("extension_approve", "b_ext_pending", {"street_officer", "district_officer"} | ADMIN),
    R("extension_refuse", "b_ext_pending", {"street_officer", "district_officer"} | ADMIN, **NOTE),
    # 合并: manage (into another open case the actor sees).
    R("merge", "a_reported", GRID_TEAM | CENTRES | ADMIN, merge=True),
    # 上报: the handler or the manager at the level.
    R("escalate", "a_reported", GRID_TEAM | CENTRES | ADMIN, **NOTE),
    R("escalate", "b_in_progress", {"liaison", "street_officer", "district_officer"} | ADMIN, **NOTE),
    # 督办: a centre above the case's level.
    R("supervise", "a_reported", CENTRES | ADMIN, "any centre is above grid", **NOTE),
    R("supervise", "b_accepted", {"district_officer"} | ADMIN, "only above street", **NOTE),
    # 吹哨: street (or community) centre holding the case — not the district (service level: see below).
    R("whistle", "b_accepted", {"street_officer"} | ADMIN, note="召集部门", department_names=["城管执法"]),
    # 留言 / 内部备注: anyone who sees the case.
    R("comment", "b_dispatched", GRID_TEAM | CENTRES | ADMIN | {"liaison"}, **NOTE),
    R("note", "b_dispatched", GRID_TEAM | CENTRES | ADMIN | {"liaison"}, **NOTE),
    R("comment", "a_reported", GRID_TEAM | CENTRES | ADMIN, **NOTE),
]


def expected_status(persona: str, row: Row, scope: str) -> int:
    if persona == "anonymous":
        # The API wants credentials; the whistle goes through the service, whose scope gate sees nothing.
        return 404 if row.action == "whistle" else 401
    if scope == "far":
        in_scope = persona == "admin"
    else:
        in_scope = persona in HOME_SCOPE or (persona == "liaison" and row.setup in DEPARTMENT_SEES)
    if not in_scope:
        return 404
    return 200 if persona in row.entitled else 403


def _body(row: Row, place: Place, case: Case) -> dict:
    body = {k: v for k, v in row.body.items() if k not in {"dispatch", "extension", "merge", "hold"}}
    if row.body.get("hold"):
        body["hold_until"] = (case.due_at + timedelta(days=10)).isoformat()
    if row.body.get("dispatch"):
        body["departments"] = [place.department.id]
    if row.body.get("extension"):
        body["requested_due_at"] = (case.due_at + timedelta(days=5)).isoformat()
    if row.body.get("merge"):
        body["into"] = file_case(place.world, code="0101", actor=place.worker, grid=place.grid).number
    return body


def _user(world, persona: str):
    return None if persona == "anonymous" else world.users[USERNAMES.get(persona, persona)]


def _attempt(world, persona: str, row: Row, case: Case, body: dict) -> tuple[int, dict]:
    user = _user(world, persona)
    if row.action == "whistle":
        # Whistles are blown through escalation's service (it adds the summonses); the entitlement and the
        # scope gate are case_transition's, so the column is asserted there with the same codes.
        from django.contrib.auth.models import AnonymousUser

        try:
            case_transition(case_id=case.id, action="whistle", actor=user or AnonymousUser(), **body)
        except DomainError as exc:
            return exc.status_code, {"detail": exc.message, "code": exc.code}
        return 200, {}
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    resp = client.post(f"/api/v1/cases/{case.id}/transitions/{row.action}/", body, format="json")
    return resp.status_code, resp.json()


@pytest.mark.parametrize("scope", ["home", "far"])
@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_permission_matrix(world, row: Row, scope: str):
    place = PLACES[scope](world)
    case = SETUPS[row.setup](place)
    mismatches = []
    for persona in PERSONAS:
        sid = transaction.savepoint()
        try:
            body = _body(row, place, case)
            code, payload = _attempt(world, persona, row, case, body)
            unchanged = Case.objects.get(pk=case.pk)
        finally:
            transaction.savepoint_rollback(sid)
        want = expected_status(persona, row, scope)
        if code != want:
            mismatches.append(f"{persona}: got {code} {payload.get('detail', '')!r}, expected {want}")
            continue
        if code in (403, 404, 401):
            assert payload.get("detail"), f"{persona}: a refusal must say why"
            assert (unchanged.status, unchanged.level) == (case.status, case.level)
        if code == 404:
            # Nothing about the case leaks in a 404: not its number, not its title.
            assert case.number not in str(payload) and case.title not in str(payload)
    assert mismatches == [], f"{row.id} ({scope}) {row.why}"


def test_matrix_covers_every_action_and_persona():
    from cases.transitions import TRANSITIONS

    assert {r.action for r in ROWS} == set(TRANSITIONS)
    cells = len(ROWS) * 2 * len(PERSONAS)
    assert cells == 40 * 2 * 12  # the size quoted in the report; update both when rows change
    # Every persona is entitled somewhere and refused somewhere (the matrix is not all-200 or all-404).
    for persona in PERSONAS:
        codes = {expected_status(persona, r, s) for r in ROWS for s in ("home", "far")}
        if persona in HOME_SCOPE - {"admin"} or persona == "liaison":
            assert {200, 403, 404} <= codes, persona
        elif persona == "admin":
            assert {200, 403} <= codes
        elif persona == "anonymous":
            assert codes <= {401, 404}
        else:
            assert codes == {404}, persona


# --- the "outsider" personas are not simply blind: inside their own scope they act -----------------------


def test_out_of_scope_personas_act_in_their_own_scope(world, api):
    b_case = file_case(world, code="0101", actor=world.outsider, grid=world.grid_b)
    resp = api("community_officer").get(f"/api/v1/cases/{b_case.id}/")
    assert resp.status_code == 404
    resp = api("community_b_officer").post(f"/api/v1/cases/{b_case.id}/transitions/accept/", {}, format="json")
    assert resp.status_code == 200, resp.json()
    other = file_case(world, code="0101", actor=world.outsider, grid=world.grid_b)
    resp = api("outsider").post(f"/api/v1/cases/{other.id}/transitions/self_handle/", {"note": "已清理"}, format="json")
    assert (resp.status_code, resp.json()["status"]) == (200, "resolved")


def test_liaison_of_a_dispatched_department_loses_nothing_but_gains_only_that_case(world, api):
    place = PLACES["home"](world)
    mine = SETUPS["b_dispatched"](place)
    not_mine = SETUPS["b_accepted"](place)
    assert api("liaison").get(f"/api/v1/cases/{mine.id}/").status_code == 200
    assert api("liaison").get(f"/api/v1/cases/{not_mine.id}/").status_code == 404
    assert api("liaison_scjg").get(f"/api/v1/cases/{mine.id}/").status_code == 404
