"""The whistles of a case on the case page (registered with ``cases.hooks`` in ``EscalationConfig.ready``):
each summoned department, its state, its report-in and response times (due and done), late report-ins; a
department's name links to its summons where the viewer may open that (a liaison: their own department's)."""

from __future__ import annotations

from datetime import datetime

from .models import Summons
from .selectors import summons_queryset_for


def whistles_panel(*, user, case, now: datetime) -> dict | None:
    summonses = list(
        Summons.objects.filter(case_id=case.pk)
        .select_related("department", "whistle__region")
        .order_by("whistle__blown_at", "department__code")
    )
    if not summonses:
        return None
    opens = set(summons_queryset_for(user).filter(case_id=case.pk).values_list("pk", flat=True))
    whistles: dict[int, dict] = {}
    for s in summonses:
        w = whistles.setdefault(s.whistle_id, {"whistle": s.whistle, "rows": []})
        w["rows"].append(
            {
                "summons": s,
                "opens": s.pk in opens,
                "report_in_overdue": s.reported_in_at is None and now >= s.report_in_due_at and s.status == "summoned",
                "respond_overdue": s.responded_at is None
                and now >= s.respond_due_at
                and s.status in ("summoned", "reported_in"),
            }
        )
    return {"template": "escalation/case_whistles.html", "whistles": list(whistles.values())}
