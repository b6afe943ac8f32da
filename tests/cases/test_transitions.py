"""Every transition of ``cases/transitions.py`` through the one service, with its CaseEvent row; and every
action refused (NotAllowed, nothing changed) from each status its table entry does not list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from cases import transitions
from cases.choices import Status
from cases.models import Case, CaseDispatch, CaseEvent, ExtensionRequest, Rating
from cases.services import case_transition
from core.errors import Forbidden, InvalidInput, NotAllowed

from .helpers import file_case
from .setups import BY_STATUS, SETUPS, home


@dataclass(frozen=True)
class Step:
    action: str
    setup: str
    actor: str
    before: tuple[str, str]  # (status, level) the event records as "from"
    after: tuple[str, str]  # (status, level) the case ends in
    data: dict = field(default_factory=dict)


STEPS = [
    Step("accept", "b_reported", "street_officer", ("reported", "street"), ("accepted", "street")),
    Step("reject", "b_reported", "street_officer", ("reported", "street"), ("rejected", "street"), {"note": "重复"}),
    Step("dispatch", "b_accepted", "street_officer", ("accepted", "street"), ("dispatched", "street"), {"dept": 1}),
    Step(
        "recall", "b_dispatched", "street_officer", ("dispatched", "street"), ("accepted", "street"), {"note": "派错"}
    ),
    Step("sign", "b_dispatched", "liaison", ("dispatched", "street"), ("in_progress", "street")),
    Step(
        "return_request",
        "b_dispatched",
        "liaison",
        ("dispatched", "street"),
        ("dispatched", "street"),
        {"note": "不属本单位", "reason": "not_in_remit"},
    ),
    Step("return", "b_return_pending", "street_officer", ("dispatched", "street"), ("accepted", "street")),
    Step(
        "return_reject",
        "b_return_pending",
        "street_officer",
        ("dispatched", "street"),
        ("dispatched", "street"),
        {"note": "属于你单位职责"},
    ),
    Step("resolve", "b_in_progress", "liaison", ("in_progress", "street"), ("resolved", "street"), {"note": "已拆除"}),
    Step("self_handle", "a_reported", "grid_worker", ("reported", "grid"), ("resolved", "grid"), {"note": "已清理"}),
    Step("verify_ok", "a_resolved", "community_officer", ("resolved", "grid"), ("closed", "grid")),
    Step("verify_failed", "a_resolved", "grid_worker", ("resolved", "grid"), ("in_progress", "grid"), {"note": "未清"}),
    Step("close", "b_resolved", "street_officer", ("resolved", "street"), ("closed", "street")),
    Step("rate", "a_closed", "grid_worker", ("closed", "grid"), ("closed", "grid"), {"result": "satisfied"}),
    Step("reopen", "a_closed", "community_officer", ("closed", "grid"), ("in_progress", "grid"), {"note": "反弹"}),
    Step("hold", "b_accepted", "street_officer", ("accepted", "street"), ("on_hold", "street"), {"note": "待资金"}),
    Step(
        "hold_request",
        "b_in_progress",
        "liaison",
        ("in_progress", "street"),
        ("in_progress", "street"),
        {"note": "等待资金", "hold_days": 10},
    ),
    Step("hold_approve", "b_hold_pending", "street_officer", ("in_progress", "street"), ("on_hold", "street")),
    Step(
        "hold_refuse",
        "b_hold_pending",
        "street_officer",
        ("in_progress", "street"),
        ("in_progress", "street"),
        {"note": "不符合挂账条件"},
    ),
    Step("resume", "b_on_hold", "street_officer", ("on_hold", "street"), ("in_progress", "street")),
    Step(
        "extension_request",
        "b_in_progress",
        "liaison",
        ("in_progress", "street"),
        ("in_progress", "street"),
        {"note": "材料未到", "days": 5},
    ),
    Step("extension_approve", "b_ext_pending", "street_officer", ("in_progress", "street"), ("in_progress", "street")),
    Step(
        "extension_refuse",
        "b_ext_pending",
        "street_officer",
        ("in_progress", "street"),
        ("in_progress", "street"),
        {"note": "理由不足"},
    ),
    Step("merge", "a_reported", "grid_worker", ("reported", "grid"), ("merged", "grid"), {"merge": True}),
    Step(
        "escalate", "a_reported", "grid_worker", ("reported", "grid"), ("accepted", "community"), {"note": "处理不了"}
    ),
    Step("supervise", "b_accepted", "district_officer", ("accepted", "street"), ("accepted", "street"), {"note": "督"}),
    Step(
        "whistle",
        "b_accepted",
        "street_officer",
        ("accepted", "street"),
        ("in_progress", "street"),
        {"note": "吹哨", "department_names": ["城管执法", "住建"]},
    ),
    Step("comment", "b_dispatched", "liaison", ("dispatched", "street"), ("dispatched", "street"), {"note": "在路上"}),
    Step(
        "note", "b_dispatched", "street_officer", ("dispatched", "street"), ("dispatched", "street"), {"note": "内部"}
    ),
]


def test_steps_cover_the_whole_transition_table():
    assert [s.action for s in STEPS] == list(transitions.TRANSITIONS)


def _kwargs(world, step: Step, case: Case) -> dict:
    data = dict(step.data)
    if data.pop("dept", None):
        data["departments"] = [world.departments["cgzf"].id]
    if days := data.pop("days", None):
        data["requested_due_at"] = case.due_at + timedelta(days=days)
    if days := data.pop("hold_days", None):
        data["hold_until"] = case.due_at + timedelta(days=days)
    if data.pop("merge", None):
        data["into"] = file_case(world, code="0101").number
    return data


@pytest.mark.parametrize("step", STEPS, ids=[s.action for s in STEPS])
def test_each_transition_writes_state_and_exactly_one_event(world, step: Step):
    case = SETUPS[step.setup](home(world))
    actor = world.users[step.actor]
    kwargs = _kwargs(world, step, case)
    events_before = CaseEvent.objects.filter(case=case).count()

    after = case_transition(case_id=case.id, action=step.action, actor=actor, **kwargs)

    after.refresh_from_db()
    assert (after.status, after.level) == step.after
    assert CaseEvent.objects.filter(case=case).count() == events_before + 1
    ev = CaseEvent.objects.filter(case=case).latest("id")
    assert ev.action == step.action
    assert (ev.from_status, ev.from_level) == step.before
    assert (ev.to_status, ev.to_level) == step.after
    assert (ev.actor_id, ev.actor_name) == (actor.id, actor.display_name)
    assert ev.note == kwargs.get("note", "")
    assert ev.public == transitions.get(step.action).public


# --- what some transitions leave behind besides the event -------------------------------------------


def test_dispatch_records_the_dispatch_and_grants_the_department(world):
    case = SETUPS["b_accepted"](home(world))
    case_transition(
        case_id=case.id,
        action="dispatch",
        actor=world.street_officer,
        departments=[world.departments["cgzf"].id, world.departments["zj"].id],
    )
    case.refresh_from_db()
    assert (case.dispatch_count, case.handler_kind) == (1, "departments")
    assert set(CaseDispatch.objects.filter(case=case, active=True).values_list("department__code", flat=True)) == {
        "cgzf",
        "zj",
    }
    ev = case.events.get(action="dispatch")
    assert set(ev.data["targets"]) == {"城管执法", "住建"}


def test_return_counts_and_keeps_the_reason_on_the_event(world):
    case = SETUPS["b_dispatched"](home(world))
    case_transition(
        case_id=case.id, action="return_request", actor=world.liaison, note="不属本单位", reason="not_in_remit"
    )
    case_transition(case_id=case.id, action="return", actor=world.street_officer)
    case.refresh_from_db()
    assert (case.return_count, case.handler_kind, case.handler_region_id) == (1, "centre", world.street.id)
    ev = case.events.get(action="return")
    assert ev.reason == "not_in_remit"
    assert case.events.get(action="return_request").note == "不属本单位"
    d = CaseDispatch.objects.get(case=case)
    assert (d.active, d.return_reason) == (False, "not_in_remit")


def test_rate_stores_one_rating_and_verify_failed_counts_rework(world):
    closed = SETUPS["a_closed"](home(world))
    case_transition(case_id=closed.id, action="rate", actor=world.grid_worker, result="basic", note="还行")
    assert Rating.objects.get(case=closed).result == "basic"
    with pytest.raises(NotAllowed, match="本轮办理已评价"):
        case_transition(case_id=closed.id, action="rate", actor=world.street_officer, result="satisfied")
    resolved = SETUPS["a_resolved"](home(world))
    case = case_transition(case_id=resolved.id, action="verify_failed", actor=world.grid_worker, note="未清理干净")
    assert case.rework_count == 1


def test_extension_approve_moves_the_due_time_to_the_requested_one(world):
    case = SETUPS["b_ext_pending"](home(world))
    wanted = ExtensionRequest.objects.get(case=case).requested_due_at
    after = case_transition(case_id=case.id, action="extension_approve", actor=world.street_officer)
    assert (after.due_at, after.extension_count) == (wanted, 1)
    assert ExtensionRequest.objects.get(case=case).status == "approved"


def test_escalate_moves_the_case_to_the_next_level_centre(world):
    case = SETUPS["a_reported"](home(world))
    after = case_transition(case_id=case.id, action="escalate", actor=world.grid_worker, note="处理不了")
    assert (after.level, after.handler_kind, after.handler_region_id, after.escalation_count) == (
        "community",
        "centre",
        world.community.id,
        1,
    )
    assert after.events.get(action="escalate").reason == "manual"


def test_resume_returns_to_the_status_before_the_hold(world):
    case = SETUPS["b_accepted"](home(world))
    case_transition(case_id=case.id, action="hold", actor=world.street_officer, note="待资金")
    after = case_transition(case_id=case.id, action="resume", actor=world.street_officer)
    assert after.status == "accepted"


# --- refusals change nothing -------------------------------------------------------------------------


def _snapshot(case_id: int) -> tuple:
    c = Case.objects.get(pk=case_id)
    return (c.status, c.level, c.handler_kind, c.handler_region_id, c.due_at, c.updated_at, c.events.count())


@pytest.mark.parametrize("action", list(transitions.TRANSITIONS))
def test_action_from_a_status_it_does_not_list_is_refused_and_changes_nothing(world, action):
    t = transitions.get(action)
    disallowed = [s for s in Status.values if not t.allowed_from(s)]
    if not disallowed:
        assert action in ("comment", "note")  # allowed in every status
        return
    place = home(world)
    for status in disallowed:
        case = BY_STATUS[status](place)
        assert case.status == status
        before = _snapshot(case.id)
        with pytest.raises(NotAllowed) as err:
            case_transition(case_id=case.id, action=action, actor=world.admin, note="试一试")
        assert err.value.code == "state"
        assert str(Status(status).label) in err.value.message or "无需重复" in err.value.message
        assert _snapshot(case.id) == before, f"{action} from {status} changed the case"


def test_every_status_has_a_setup():
    assert set(BY_STATUS) == set(Status.values)


def test_unknown_action_is_invalid_input_and_changes_nothing(world):
    case = SETUPS["a_reported"](home(world))
    before = _snapshot(case.id)
    with pytest.raises(InvalidInput):
        case_transition(case_id=case.id, action="teleport", actor=world.admin)
    assert _snapshot(case.id) == before


def test_a_note_is_required_where_the_table_says_so_and_nothing_changes(world):
    case = SETUPS["a_reported"](home(world))
    before = _snapshot(case.id)
    with pytest.raises(InvalidInput, match="说明或理由"):
        case_transition(case_id=case.id, action="self_handle", actor=world.grid_worker, note="  ")
    assert _snapshot(case.id) == before


def test_admin_configures_but_does_not_self_handle_on_the_spot(world):
    case = SETUPS["a_reported"](home(world))
    with pytest.raises(Forbidden, match="网格员"):
        case_transition(case_id=case.id, action="self_handle", actor=world.admin, note="x")


# --- the table itself (no database) ------------------------------------------------------------------


def test_table_fails_closed_for_unknown_actions_and_statuses():
    with pytest.raises(KeyError):
        transitions.get("teleport")
    assert not any(t.allowed_from("bogus") for t in transitions.TRANSITIONS.values())


def test_table_targets_are_statuses_or_markers():
    for t in transitions.TRANSITIONS.values():
        assert t.target in (*Status.values, transitions.SAME, transitions.PREVIOUS), t.action
        assert t.sources <= set(Status.values), t.action
        assert t.sources, t.action


def test_a_handler_waiting_on_its_own_return_request_cannot_sign_until_it_is_refused(world):
    """申请退单 then 签收 were two answers at once; the page even kept 签收 as its main button beside the pending
    request (UI round, 2026-12-03). Now 签收 is shown disabled with why, and refused if posted, until the
    dispatcher refuses the return — then the department signs as before."""
    from cases.selectors import allowed_actions

    case = SETUPS["b_return_pending"](home(world))
    sign = {a["action"]: a for a in allowed_actions(world.liaison, case)}["sign"]
    assert sign["allowed"] is False and "驳回后可签收" in sign["reason"]
    with pytest.raises(NotAllowed):
        case_transition(case_id=case.id, action="sign", actor=world.liaison)
    assert not CaseDispatch.objects.filter(case=case, signed_at__isnull=False).exists()

    case_transition(case_id=case.id, action="return_reject", actor=world.street_officer, note="属于本单位职责")
    case = case_transition(case_id=case.id, action="sign", actor=world.liaison)
    assert case.status == Status.IN_PROGRESS


def test_a_recall_refused_to_a_liaison_says_it_is_the_dispatchers_recall_not_an_approval(world):
    from cases.selectors import allowed_actions

    case = SETUPS["b_dispatched"](home(world))
    recall = {a["action"]: a for a in allowed_actions(world.liaison, case)}["recall"]
    assert recall["allowed"] is False and recall["reason"] == "只有派遣方综治中心可以撤回派遣"
    assert {a["action"]: a for a in allowed_actions(world.street_officer, case)}["recall"]["allowed"] is True


def test_a_liaison_goes_back_from_a_case_to_the_inbox_they_came_from(world, web):
    case = SETUPS["b_dispatched"](home(world))
    page = web("liaison").get(f"/cases/{case.pk}/").content.decode()
    assert '<a href="/inbox/">← 返回待办</a>' in page and "返回列表" not in page
    assert "返回列表" in web("street_officer").get(f"/cases/{case.pk}/").content.decode()
