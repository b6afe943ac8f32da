"""Who may do what to a whistle's summons: ``can_<action>(user, summons) -> Decision`` with the reason when refused.

Two sides of a summons:
- the summoned department's liaisons report in, respond, ask for more time, or return it;
- the whistling centre (staff of the street or community centre that blew the whistle) confirms a
  response (done) and decides extension requests.
Whether the summons is in a state that allows the action is ``SUMMONS_FLOW``'s question; whether the
user may see it at all is ``selectors.summons_queryset_for`` (outside it: 404).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.permissions import YES, Decision, no
from core.roles import is_admin, is_centre_staff
from governance.choices import Role

from .choices import SummonsStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

S = SummonsStatus


@dataclass(frozen=True)
class SummonsStep:
    """One summons action: where it may start from, where it leads, which side takes it."""

    action: str
    label: StrPromise  # a lazy translation
    sources: frozenset[str]
    target: str | None  # None: the status stays (extension request / decision)
    side: str  # "department" or "centre"

    def allowed_from(self, status: str) -> bool:
        return status in self.sources


#: The summons workflow as data: summoned → reported_in → responded → done; summoned/reported_in → returned.
SUMMONS_FLOW: dict[str, SummonsStep] = {
    s.action: s
    for s in [
        SummonsStep("report_in", gettext_lazy("报到"), frozenset({S.SUMMONED}), S.REPORTED_IN, "department"),
        SummonsStep("respond", gettext_lazy("反馈"), frozenset({S.REPORTED_IN}), S.RESPONDED, "department"),
        SummonsStep(
            "extension",
            gettext_lazy("申请延期"),
            frozenset({S.SUMMONED, S.REPORTED_IN}),
            None,
            "department",
        ),
        SummonsStep("return", gettext_lazy("退回"), frozenset({S.SUMMONED, S.REPORTED_IN}), S.RETURNED, "department"),
        SummonsStep(
            "decide_extension",
            gettext_lazy("审批延期"),
            # a request stays pending after the department has responded: the centre can still decide it
            frozenset({S.SUMMONED, S.REPORTED_IN, S.RESPONDED}),
            None,
            "centre",
        ),
        SummonsStep("complete", gettext_lazy("确认完成"), frozenset({S.RESPONDED}), S.DONE, "centre"),
        # 撤回召集: the centre summoned the wrong department (or no longer needs it) — before it has responded.
        SummonsStep(
            "withdraw", gettext_lazy("撤回召集"), frozenset({S.SUMMONED, S.REPORTED_IN}), S.WITHDRAWN, "centre"
        ),
    ]
}

#: Actions a department liaison sees as buttons, in this order.
DEPARTMENT_ACTIONS = ["report_in", "respond", "extension", "return"]
#: Actions the whistling centre sees as buttons, in this order.
CENTRE_ACTIONS = ["complete", "decide_extension", "withdraw"]


def is_liaison_of(user, department_id: int | None) -> bool:
    return bool(
        user
        and user.is_authenticated
        and user.role == Role.LIAISON
        and department_id is not None
        and user.department_id == department_id
    )


def is_whistling_centre(user, whistle) -> bool:
    """Staff of the centre that blew the whistle (its region), or an admin."""
    if is_admin(user):
        return True
    return is_centre_staff(user) and user.region_id == whistle.region_id


def _department_side(user, summons) -> Decision:
    if is_admin(user) or is_liaison_of(user, summons.department_id):
        return YES
    return no(_("只有%(dept)s的联络员可以进行此操作") % {"dept": summons.department.name})


def _centre_side(user, summons) -> Decision:
    if is_whistling_centre(user, summons.whistle):
        return YES
    return no(_("只有吹哨的%(region)s综治中心可以进行此操作") % {"region": summons.whistle.region.name})


def can_report_in(user, summons) -> Decision:
    return _department_side(user, summons)


def can_respond(user, summons) -> Decision:
    return _department_side(user, summons)


def can_request_extension(user, summons) -> Decision:
    return _department_side(user, summons)


def can_return(user, summons) -> Decision:
    return _department_side(user, summons)


def can_complete(user, summons) -> Decision:
    return _centre_side(user, summons)


def can_decide_extension(user, summons) -> Decision:
    return _centre_side(user, summons)


def can_withdraw(user, summons) -> Decision:
    return _centre_side(user, summons)


PREDICATES = {
    "report_in": can_report_in,
    "respond": can_respond,
    "extension": can_request_extension,
    "return": can_return,
    "complete": can_complete,
    "decide_extension": can_decide_extension,
    "withdraw": can_withdraw,
}


def state_refusal(summons, action: str) -> str:
    """Why ``action`` can't happen in the summons' current state (names who got there first when it moved on)."""
    step = SUMMONS_FLOW[action]
    status = summons.status
    if action == "report_in" and summons.reported_in_at:
        when = summons.reported_in_at
        who = summons.reported_in_by.display_name if summons.reported_in_by_id else _("联络员")
        return _("%(dept)s已由%(who)s于%(when)s报到，无需重复操作") % {
            "dept": summons.department.name,
            "who": who,
            "when": timezone.localtime(when).strftime("%m-%d %H:%M"),
        }
    if action == "respond" and status == S.SUMMONED:
        return _("请先报到，再提交反馈")
    if action == "decide_extension" and summons.extension_status != "pending":
        return _("没有待审批的延期申请")
    return _("该部门报到当前状态为“%(status)s”，不能%(action)s") % {
        "status": S(status).label,
        "action": step.label,
    }


def decide(user, summons, action: str) -> Decision:
    """State and entitlement together (for buttons and for the services): Decision with the reason when refused."""
    step = SUMMONS_FLOW.get(action)
    if step is None:
        return no(_("未知操作"))
    entitled = PREDICATES[action](user, summons)
    if not entitled:
        return entitled
    if not step.allowed_from(summons.status):
        return no(state_refusal(summons, action))
    if action == "decide_extension" and summons.extension_status != "pending":
        return no(state_refusal(summons, action))
    if action == "extension" and summons.extension_status == "pending":
        return no(_("已有待审批的延期申请"))
    return YES


def available_actions(user, summons, now=None) -> list[tuple[str, str]]:
    """(action, label) pairs the user may take on the summons now, in button order."""
    out = []
    now = now or timezone.now()
    for action in DEPARTMENT_ACTIONS + CENTRE_ACTIONS:
        if action == "extension" and now >= summons.respond_due_at:
            continue  # 延期 is asked before the deadline: after it the service refuses (409), so no button
        if decide(user, summons, action):
            out.append((action, str(SUMMONS_FLOW[action].label)))
    return out
