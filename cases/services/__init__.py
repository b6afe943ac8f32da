"""Every write to a case. ``case_transition`` is the one way a case changes; ``case_file`` creates one.

Each public function is one transaction: lock the case row, re-check state and permission under
the lock, write the new state and exactly one ``CaseEvent``, and announce it
(``signals.events_recorded``, inside the transaction, so listeners write their outbox rows
atomically; anything leaving the process waits for commit).

The package, by job: ``filing`` (case_file), ``workflow`` (case_transition), ``actions`` (what each
action does), ``deadlines`` (due times, the next level), ``records`` (events and evidence),
``citizens`` (the follow-up link), ``overdue`` (the sweep's batch escalation, its yellow-warning and hold-due marks).
"""

from .actions import APPLY, grant_department
from .citizens import case_rate_by_citizen
from .deadlines import Deadlines, next_level_for, within_due_horizon
from .filing import case_file
from .overdue import case_escalate_overdue_batch, case_mark_hold_due_warned, case_mark_yellow_warned
from .records import SYSTEM
from .workflow import case_transition

__all__ = [
    "APPLY",
    "SYSTEM",
    "Deadlines",
    "case_escalate_overdue_batch",
    "case_file",
    "case_mark_hold_due_warned",
    "case_mark_yellow_warned",
    "case_rate_by_citizen",
    "case_transition",
    "grant_department",
    "next_level_for",
    "within_due_horizon",
]
