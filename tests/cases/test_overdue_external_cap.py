"""The sweep's set-wise escalation keeps an outside deadline (the 12345 hotline's ``external_due_at``) as a cap, as
the single-case clock does (``deadlines.cap_to_external``): a case never gets a due time past its hotline limit."""

from __future__ import annotations

from django.conf import settings

from cases.models import Case
from cases.services import case_escalate_overdue_batch

from .helpers import at, file_case

FILED, SWEEP = at(2026, 11, 20, 16), at(2026, 11, 24, 16, 1)


def test_escalation_caps_the_new_level_due_time_at_the_hotline_deadline(world):
    capped = file_case(world, code="0102", now=FILED)
    loose = file_case(world, code="0102", now=FILED)
    plain = file_case(world, code="0102", now=FILED)
    hotline_due, far = at(2026, 11, 25, 10), at(2026, 12, 30, 12)
    Case.objects.filter(pk=capped.pk).update(external_due_at=hotline_due)
    Case.objects.filter(pk=loose.pk).update(external_due_at=far)

    assert case_escalate_overdue_batch(now=SWEEP) == {"escalated": 3, "supervised": 0}

    rule_due = at(2026, 11, 26, 16, 1)  # community: 2 working days from the sweep
    capped.refresh_from_db(), loose.refresh_from_db(), plain.refresh_from_db()
    assert [c.level for c in (capped, loose, plain)] == ["community"] * 3
    assert capped.due_at == hotline_due  # not the rule's later 11-26 16:01
    assert SWEEP < capped.yellow_at < hotline_due
    assert capped.yellow_at == SWEEP + (hotline_due - SWEEP) * settings.YELLOW_THRESHOLD
    assert capped.accept_due_at is None or capped.accept_due_at <= hotline_due
    assert (loose.due_at, plain.due_at) == (rule_due, rule_due)  # a later hotline limit changes nothing
    assert loose.yellow_at == plain.yellow_at


def test_a_hotline_deadline_already_passed_keeps_the_case_overdue_and_it_climbs_again(world):
    case = file_case(world, code="0102", now=FILED)
    passed = at(2026, 11, 24, 12)
    Case.objects.filter(pk=case.pk).update(external_due_at=passed)

    case_escalate_overdue_batch(now=SWEEP)
    case.refresh_from_db()
    assert (case.level, case.due_at, case.yellow_at) == ("community", passed, passed)

    assert case_escalate_overdue_batch(now=at(2026, 11, 24, 16, 5)) == {"escalated": 1, "supervised": 0}
    case.refresh_from_db()
    assert (case.level, case.due_at) == ("street", passed)
