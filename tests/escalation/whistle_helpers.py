"""Helpers for whistle tests: a 0202 case accepted by the street and whistled through the real services."""

from __future__ import annotations

from cases.services import case_transition
from escalation.services.whistles import whistle_blow
from tests.cases.helpers import at, file_case

T0 = at(2026, 11, 18, 10)


def whistled_case(world, *, codes=("cgzf", "zj"), now=T0, report_in_minutes=30, **kw):
    """Scenario 3's start: 0202 filed by the grid worker, accepted and whistled by the street at ``now``."""
    case = file_case(world, code="0202", now=now, title="违法搭建", description="楼顶违法搭建彩钢房")
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=now)
    whistle = whistle_blow(
        case_id=case.id,
        actor=world.street_officer,
        department_ids=[world.departments[c].id for c in codes],
        reason="楼顶违法搭建，需城管执法与住建联合处置",
        report_in_minutes=report_in_minutes,
        now=now,
        **kw,
    )
    case.refresh_from_db()
    return case, whistle, {s.department.code: s for s in whistle.summonses.select_related("department")}
