"""The traffic-light rule (红黄绿灯), once: red past the due time, yellow past the warning point, else green.

``Case.light``, the exports and the escalation clocks (summons report-in and response) all colour a clock
with ``clock_light``; ``case_light`` adds the case's rule that only a running clock has a colour.
``selectors.light_filter`` is the same rule as an SQL condition, for lists that filter by light.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy

from .choices import CLOCK_STATUSES, Status

#: Statuses in which the 受理/派遣 clock (``accept_due_at``) runs.
ACCEPT_STATUSES = (Status.REPORTED, Status.ACCEPTED)

#: A light's badge words, as ``includes/light.html`` says them (list rows and the dashboard's queue print these).
LIGHT_LABELS = {
    "red": gettext_lazy("红灯·超时"),
    "yellow": gettext_lazy("黄灯·临期"),
    "green": gettext_lazy("绿灯·正常"),
}


def clock_light(*, now: datetime, due_at: datetime, yellow_at: datetime | None) -> str:
    """ "red" at or past ``due_at``, "yellow" at or past ``yellow_at``, else "green"."""
    if now >= due_at:
        return "red"
    if yellow_at is not None and now >= yellow_at:
        return "yellow"
    return "green"


def case_light(*, status: str, due_at: datetime | None, yellow_at: datetime | None, now: datetime) -> str:
    """A case's light from its stored times; "" when its clock does not run (status or no due time)."""
    if status not in CLOCK_STATUSES or due_at is None:
        return ""
    return clock_light(now=now, due_at=due_at, yellow_at=yellow_at)


def accept_late(case: Any, now: datetime) -> bool:
    """The case still waits to be accepted or dispatched (受理/派遣) and that deadline has passed. Not a light: the
    light is the level's handling clock, which escalates; this one counts against the response rate (响应率), and
    lists mark it beside the light."""
    due = case.accept_due_at
    return case.status in ACCEPT_STATUSES and due is not None and due <= now


def hold_past_end(case: Any, now: datetime) -> bool:
    """The case is on hold (挂账) past its expected end (``hold_until``): its centre resumes it or holds it longer
    (the sweep announces it once: ``warn_hold_due_batch``)."""
    until = case.hold_until
    return case.status == Status.ON_HOLD and until is not None and until <= now
