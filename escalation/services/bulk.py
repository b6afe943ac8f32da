"""Bulk actions of the triage dashboard: accept or dispatch many cases, each through ``case_transition``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Case
from cases.selectors import case_queryset_for
from cases.services import case_transition
from core.errors import DomainError, InvalidInput

BULK_MAX = 200

BULK_ACTIONS = {"accept": gettext_lazy("批量受理"), "dispatch": gettext_lazy("批量派遣")}
BULK_DONE = {"accept": gettext_lazy("已受理"), "dispatch": gettext_lazy("已派遣")}
DISPATCH_TARGETS = {
    "departments": gettext_lazy("派往所选职能部门"),
    "grid": gettext_lazy("派回各自网格团队"),
    "community": gettext_lazy("派往各自社区综治中心"),
}


@dataclass
class BulkOutcome:
    case_id: int
    number: str
    ok: bool
    message: str


@dataclass
class BulkResult:
    action: str
    outcomes: list[BulkOutcome]

    @property
    def succeeded(self) -> list[BulkOutcome]:
        return [o for o in self.outcomes if o.ok]

    @property
    def refused(self) -> list[BulkOutcome]:
        return [o for o in self.outcomes if not o.ok]


def bulk_apply(
    *,
    actor,
    case_ids: list[int],
    action: str,
    target: str = "",
    department_ids: list[int] | None = None,
    note: str = "",
    now: datetime | None = None,
) -> BulkResult:
    """Apply ``accept`` or ``dispatch`` to each selected case through ``case_transition`` — each case in its own
    transaction, so one refusal (already dispatched by someone else, out of scope, wrong state) changes
    nothing for that case and does not undo the others. Returns an outcome per case, in the order given.

    Dispatch targets: ``departments`` (the selected departments, for every case), ``grid`` (each case's own
    grid team), ``community`` (each case's own community centre).
    """
    if action not in BULK_ACTIONS:
        raise InvalidInput(_("未知的批量操作"), code="action")
    ids = list(dict.fromkeys(int(i) for i in case_ids))
    if not ids:
        raise InvalidInput(_("请先勾选要处理的案件"), code="empty")
    if len(ids) > BULK_MAX:
        raise InvalidInput(_("一次最多处理 %(n)s 件") % {"n": BULK_MAX}, code="too_many")
    data: dict[str, Any] = {}
    if action == "dispatch":
        if target not in DISPATCH_TARGETS:
            raise InvalidInput(_("请选择派遣对象"), code="target")
        if target == "departments":
            if not department_ids:
                raise InvalidInput(_("请至少选择一个职能部门"), code="departments")
            data["departments"] = list(department_ids)
        elif target == "grid":
            data["to_grid"] = True
    visible = dict(case_queryset_for(actor).filter(pk__in=ids).values_list("pk", "number"))
    regions = dict(Case.objects.filter(pk__in=list(visible)).values_list("pk", "community_id"))
    outcomes = []
    for case_id in ids:
        number = visible.get(case_id)
        if number is None:
            outcomes.append(BulkOutcome(case_id, f"#{case_id}", False, _("事件不存在或不在您的辖区")))
            continue
        kwargs = dict(data)
        if action == "dispatch" and target == "community":
            if not regions.get(case_id):
                outcomes.append(BulkOutcome(case_id, number, False, _("该事件没有所属社区")))
                continue
            kwargs["region"] = regions[case_id]
        try:
            case_transition(case_id=case_id, action=action, actor=actor, note=note, now=now, **kwargs)
        except DomainError as exc:
            outcomes.append(BulkOutcome(case_id, number, False, exc.message))
        else:
            outcomes.append(BulkOutcome(case_id, number, True, str(BULK_DONE[action])))
    return BulkResult(action, outcomes)
