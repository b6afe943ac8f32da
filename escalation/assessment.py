"""Summonses (吹哨报到) in the department rows of the assessment.

``cases.assessment`` counts departments from dispatches; it must not import ``escalation``, so this module
registers the summons figures with it (``register_department_source``) when the app is ready. Counts, per
department, over the summonses on cases in the given (scope-filtered) case queryset:

- received: summonses of whistles blown in the period (``Whistle.blown_at``);
- responded in time: of those, summonses reported in (报到) no later than their ``report_in_due_at``
  (a late report-in, ``reported_late``, does not count);
- due / completed / ratings: the distinct cases the department was summoned to and did not hand back
  (summons not ``returned``), with the case dates of ``cases.assessment`` (due or closed in the period;
  closed in the period; rated in the period).
"""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet

from cases.assessment import Period, completed_q, due_q, in_period, register_department_source
from cases.models import Case

from .choices import SummonsStatus
from .models import Summons


def summons_department_counts(*, cases: QuerySet[Case], period: Period) -> dict[int, dict[str, int]]:
    """Three grouped queries; returns ``{department_id: {count name: n}}``."""
    out: dict[int, dict[str, int]] = {}

    def merge(rows) -> None:
        for r in rows:
            target = out.setdefault(r.pop("department_id"), {})
            for k, v in r.items():
                target[k] = target.get(k, 0) + (v or 0)

    base = Summons.objects.filter(case__in=cases.values("pk")).order_by()
    merge(
        base.filter(period.q("whistle__blown_at"))
        .values("department_id")
        .annotate(
            received=Count("id"),
            responded=Count("id", filter=Q(reported_in_at__isnull=False, reported_in_at__lte=F("report_in_due_at"))),
        )
    )
    kept = base.exclude(status=SummonsStatus.RETURNED)
    merge(
        kept.filter(in_period("case__", period, "due_at") | in_period("case__", period, "closed_at"))
        .values("department_id")
        .annotate(
            due=Count("case", distinct=True, filter=due_q(period, "case__")),
            completed=Count("case", distinct=True, filter=completed_q(period, "case__")),
        )
    )
    merge(
        kept.filter(period.q("case__ratings__rated_at"), case__ratings__latest=True)
        .values("department_id")
        .annotate(
            rated=Count("case", distinct=True),
            satisfied=Count("case", distinct=True, filter=Q(case__ratings__result="satisfied")),
            basic=Count("case", distinct=True, filter=Q(case__ratings__result="basic")),
            unsatisfied=Count("case", distinct=True, filter=Q(case__ratings__result="unsatisfied")),
        )
    )
    return out


register_department_source(summons_department_counts)
