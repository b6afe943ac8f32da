"""SCENARIOS §3 — the street whistles, departments report in (街道吹哨、部门报到), end to end at service level."""

from __future__ import annotations

from cases.choices import EvidenceStage, Status
from cases.models import CaseEvent, Rating
from cases.services import case_transition
from escalation.choices import NoticeKind, SummonsStatus
from escalation.models import Notice, Summons, Supervision
from escalation.services.whistles import (
    summons_escalate_overdue_batch,
    summons_report_in,
    summons_respond,
)
from tests.cases.helpers import at, photo

from .whistle_helpers import whistled_case


def test_scenario_3_street_whistles_departments_report_in(world):
    # Wednesday 2026-11-18 10:00: reported, accepted and whistled (城管执法 and 住建; 30 min; 1 working day).
    case, whistle, summons = whistled_case(world)
    assert (case.status, case.level, case.handler_region_id) == (Status.IN_PROGRESS, "street", world.street.id)
    assert whistle.region_id == world.street.id
    cg, zj = summons["cgzf"], summons["zj"]
    assert cg.pk != zj.pk and {cg.status, zj.status} == {SummonsStatus.SUMMONED}
    assert cg.report_in_due_at == zj.report_in_due_at == at(2026, 11, 18, 10, 30)
    assert cg.respond_due_at == zj.respond_due_at == at(2026, 11, 19, 10, 0)
    whistle_event = case.events.get(action="whistle")
    assert whistle_event.data["departments"] == ["城管执法", "住建"]
    assert Notice.objects.filter(recipient=world.liaison, kind=NoticeKind.WHISTLE, summons=cg).count() == 1
    assert Notice.objects.filter(recipient=world.liaison_zj, kind=NoticeKind.WHISTLE, summons=zj).count() == 1

    # 10:12 城管执法 reports in; 15:00 responds with photos.
    cg = summons_report_in(summons_id=cg.id, actor=world.liaison, now=at(2026, 11, 18, 10, 12))
    assert (cg.status, cg.reported_late, cg.reported_in_by) == (SummonsStatus.REPORTED_IN, False, world.liaison)

    # The first sweep after 10:30: 住建 never reported in — overdue, the case goes under district supervision.
    assert summons_escalate_overdue_batch(now=at(2026, 11, 18, 10, 31)) == 1
    zj.refresh_from_db()
    assert zj.overdue_at == at(2026, 11, 18, 10, 31)
    supervision = Supervision.objects.get(summons=zj)
    assert (supervision.case_id, supervision.region_id) == (case.id, world.district.id)
    assert not Supervision.objects.filter(summons=cg).exists()
    case.refresh_from_db()
    assert case.supervised_at == at(2026, 11, 18, 10, 31)
    supervise = case.events.get(action="supervise")
    assert (supervise.actor_id, supervise.actor_name, supervise.reason) == (None, "system", "summons_overdue")
    assert "住建未按时报到" in supervise.note
    district_notice = Notice.objects.get(recipient=world.district_officer, kind=NoticeKind.SUMMONS_OVERDUE)
    assert district_notice.summons_id == zj.id and "住建" in district_notice.title
    assert Notice.objects.filter(recipient=world.liaison_zj, kind=NoticeKind.SUMMONS_OVERDUE).count() == 1
    assert not Notice.objects.filter(recipient=world.liaison, kind=NoticeKind.SUMMONS_OVERDUE).exists()

    # 11:00 住建 reports in late (recorded as late).
    zj = summons_report_in(summons_id=zj.id, actor=world.liaison_zj, now=at(2026, 11, 18, 11))
    assert (zj.status, zj.reported_late) == (SummonsStatus.REPORTED_IN, True)
    late_event = case.events.filter(reason="summons_report_in", data__summons=zj.id).get()
    assert late_event.data["late"] is True and "超时报到" in late_event.note

    cg = summons_respond(
        summons_id=cg.id,
        actor=world.liaison,
        text="已责令当事人停工并自行拆除",
        files=[photo(), photo("b.jpg", "blue")],
        now=at(2026, 11, 18, 15),
    )
    assert (cg.status, cg.responded_at) == (SummonsStatus.RESPONDED, at(2026, 11, 18, 15))
    response_event = case.events.get(reason="summons_respond", data__summons=cg.id)
    assert response_event.public and response_event.evidence.count() == 2
    assert set(response_event.evidence.values_list("stage", flat=True)) == {EvidenceStage.RESPONSE}

    # Thursday morning 住建 responds; no further supervision for anyone.
    zj = summons_respond(summons_id=zj.id, actor=world.liaison_zj, text="已核实无规划许可", now=at(2026, 11, 19, 9, 30))
    assert zj.status == SummonsStatus.RESPONDED
    assert summons_escalate_overdue_batch(now=at(2026, 11, 19, 11)) == 0
    assert Supervision.objects.count() == 1

    # The street resolves; the grid worker verifies on site; it closes; the reporter rates "basically satisfied".
    case_transition(
        case_id=case.id,
        action="resolve",
        actor=world.street_officer,
        note="违建已拆除",
        now=at(2026, 11, 19, 14),
        files=[photo()],
    )
    case = case_transition(case_id=case.id, action="verify_ok", actor=world.grid_worker, now=at(2026, 11, 19, 15))
    assert case.status == Status.CLOSED
    assert set(Summons.objects.filter(case=case).values_list("status", flat=True)) == {SummonsStatus.DONE}
    case = case_transition(
        case_id=case.id, action="rate", actor=world.grid_worker, result="basic", now=at(2026, 11, 19, 16)
    )
    assert Rating.objects.get(case=case).result == "basic"

    actions = list(CaseEvent.objects.filter(case=case).values_list("action", "reason"))
    assert actions == [
        ("report", ""),
        ("accept", ""),
        ("whistle", ""),
        ("comment", "summons_report_in"),
        ("supervise", "summons_overdue"),
        ("comment", "summons_report_in"),
        ("comment", "summons_respond"),
        ("comment", "summons_respond"),
        ("resolve", ""),
        ("verify_ok", ""),
        ("rate", ""),
    ]
