"""The case workflow as data: action → allowed source statuses → target status → permission.

Read by ``services.case_transition`` (the only writer of status and level) and by the pages
that show which buttons a user may press. Unknown actions and unknown source statuses fail
closed: ``allowed_from`` answers False and ``get`` raises KeyError.
Unit-testable without a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .choices import CLOCK_STATUSES, OPEN_STATUSES, Status

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

#: Target meaning "the status stays as it is" (comments, side requests, ratings).
SAME = "same"
#: Target meaning "the status before the hold" (resume).
PREVIOUS = "previous"

S = Status
ACTIVE = frozenset(CLOCK_STATUSES)
OPEN = frozenset(OPEN_STATUSES)
ALL = frozenset(Status.values)


@dataclass(frozen=True)
class Transition:
    action: str
    label: StrPromise  # a lazy translation: rendered in the language of the request that shows it
    sources: frozenset[str]
    target: str
    permission: str  # name of a predicate in cases/permissions.py
    needs_note: bool = False  # a reason / note is required
    public: bool = True  # shown on the citizen's timeline
    staff_only: bool = False  # never offered to citizens or to the system

    def allowed_from(self, status: str) -> bool:
        return status in self.sources


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("accept", _("受理"), frozenset({S.REPORTED}), S.ACCEPTED, "may_manage"),
        Transition(
            "reject",
            pgettext_lazy("action", "不予受理"),  # the button's verb (Reject), not the status (Rejected)
            frozenset({S.REPORTED, S.ACCEPTED}),
            S.REJECTED,
            "may_manage",
            needs_note=True,
        ),
        Transition("dispatch", _("派遣"), frozenset({S.ACCEPTED}), S.DISPATCHED, "may_manage"),
        # 撤回派遣: before anyone signed for it, the dispatcher takes it back to its queue (sent to the wrong place).
        Transition(
            "recall",
            _("撤回派遣"),
            frozenset({S.DISPATCHED}),
            S.ACCEPTED,
            "may_recall",
            needs_note=True,
            public=False,
            staff_only=True,
        ),
        Transition("sign", _("签收"), frozenset({S.DISPATCHED, S.IN_PROGRESS}), S.IN_PROGRESS, "may_handle"),
        # 退单: the handler asks within the return window; the dispatcher accepts ("return": back to its queue,
        # counted) or rejects it (the case stays with the handler, clock running).
        Transition(
            "return_request",
            _("申请退单"),
            frozenset({S.DISPATCHED, S.IN_PROGRESS}),
            SAME,
            "may_handle",
            needs_note=True,
            public=False,
        ),
        Transition("return", _("同意退单"), frozenset({S.DISPATCHED, S.IN_PROGRESS}), S.ACCEPTED, "may_decide"),
        Transition(
            "return_reject",
            _("驳回退单"),
            frozenset({S.DISPATCHED, S.IN_PROGRESS}),
            SAME,
            "may_decide",
            needs_note=True,
            public=False,
        ),
        Transition("resolve", _("处置反馈"), frozenset({S.IN_PROGRESS}), S.RESOLVED, "may_handle", needs_note=True),
        Transition(
            "self_handle", _("自行处置"), frozenset({S.REPORTED}), S.RESOLVED, "may_self_handle", needs_note=True
        ),
        # Closing a resolved case: never by the grid worker whose own resolution it is (``may_verify_ok``).
        Transition("verify_ok", _("核查通过"), frozenset({S.RESOLVED}), S.CLOSED, "may_verify_ok"),
        Transition(
            "verify_failed",
            _("核查不通过（返工）"),
            frozenset({S.RESOLVED}),
            S.IN_PROGRESS,
            "may_verify",
            needs_note=True,
        ),
        Transition("close", _("结案"), frozenset({S.RESOLVED}), S.CLOSED, "may_close"),
        Transition("rate", _("评价"), frozenset({S.CLOSED}), SAME, "may_rate"),
        Transition("reopen", _("重办"), frozenset({S.CLOSED}), S.IN_PROGRESS, "may_reopen", needs_note=True),
        # 挂账: a centre holds its own case directly (in its queue, or handling it); a handler that signed asks and
        # the dispatcher decides — before 签收 there is no handling clock to pause (DESIGN §4).
        Transition(
            "hold",
            pgettext_lazy("action", "挂账"),
            frozenset({S.ACCEPTED, S.IN_PROGRESS}),
            S.ON_HOLD,
            "may_manage",
            needs_note=True,
        ),
        Transition(
            "hold_request",
            _("申请挂账"),
            frozenset({S.IN_PROGRESS}),
            SAME,
            "may_handle",
            needs_note=True,
            public=False,
        ),
        Transition("hold_approve", _("批准挂账"), frozenset({S.IN_PROGRESS}), S.ON_HOLD, "may_decide"),
        Transition(
            "hold_refuse",
            _("驳回挂账"),
            frozenset({S.IN_PROGRESS}),
            SAME,
            "may_decide",
            needs_note=True,
            public=False,
        ),
        Transition("resume", _("恢复办理"), frozenset({S.ON_HOLD}), PREVIOUS, "may_manage"),
        # 延期 extends the handling limit, whose clock starts at 签收: asked (and decided) once signed for.
        Transition(
            "extension_request",
            _("申请延期"),
            frozenset({S.IN_PROGRESS}),
            SAME,
            "may_handle",
            needs_note=True,
            public=False,
        ),
        Transition(
            "extension_approve",
            _("批准延期"),
            frozenset({S.IN_PROGRESS}),
            SAME,
            "may_decide",
            public=False,
        ),
        Transition(
            "extension_refuse",
            _("驳回延期"),
            frozenset({S.IN_PROGRESS}),
            SAME,
            "may_decide",
            needs_note=True,
            public=False,
        ),
        Transition("merge", _("合并"), OPEN, S.MERGED, "may_manage", needs_note=False),
        Transition("escalate", pgettext_lazy("action", "上报"), ACTIVE, S.ACCEPTED, "may_escalate", needs_note=True),
        Transition("supervise", _("督办"), OPEN, SAME, "may_supervise", needs_note=True),
        Transition(
            "whistle", _("吹哨"), frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.IN_PROGRESS, "may_whistle", needs_note=True
        ),
        Transition("comment", _("留言"), ALL, SAME, "may_view", needs_note=True),
        Transition("note", _("内部备注"), ALL, SAME, "may_view", needs_note=True, public=False, staff_only=True),
    ]
}

#: Decisions on a pending side request (延期 / 挂账 / 退单): offered where the request is shown as pending.
DECISION_ACTIONS = [
    "extension_approve",
    "extension_refuse",
    "hold_approve",
    "hold_refuse",
    "return",
    "return_reject",
]

#: Actions offered as buttons on the case page, in this order.
PAGE_ACTIONS = [
    "accept",
    "dispatch",
    "recall",
    "sign",
    "self_handle",
    "resolve",
    "verify_ok",
    "verify_failed",
    "close",
    "return_request",
    "escalate",
    "whistle",
    "supervise",
    "hold",
    "hold_request",
    "resume",
    "extension_request",
    "reject",
    "merge",
    "reopen",
    "rate",
]


def get(action: str) -> Transition:
    """The transition for ``action``; KeyError for an unknown action (fail closed)."""
    return TRANSITIONS[action]


def target_status(transition: Transition, current: str, held_from: str = "") -> str:
    if transition.target == SAME:
        return current
    if transition.target == PREVIOUS:
        return held_from or Status.IN_PROGRESS
    return transition.target
