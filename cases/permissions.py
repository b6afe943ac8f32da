"""Who may do what to a case: ``may_<x>(user, case) -> Decision`` with the reason when refused.

These answer "is this person entitled"; whether the case is in a state that allows the action
is the transition table's question (``transitions.py``), and scope (may the user see the case at
all) is ``selectors.case_queryset_for``. ``case_transition`` asks all three, under the row lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from core.roles import is_admin, is_centre_staff, staff_level
from governance.choices import LEVEL_ORDER, Grade, Level, Role

from .choices import HandlerKind


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.allowed


YES = Decision(True)


def no(reason: str) -> Decision:
    return Decision(False, reason)


def _rank(level: str) -> int:
    return LEVEL_ORDER.index(Level(level))


def centre_region_covers(user, case) -> bool:
    """The user is centre staff whose region contains the case (community, street, district or city)."""
    if not is_centre_staff(user):
        return False
    rid = user.region_id
    if rid in (case.community_id, case.street_id, case.district_id):
        return True
    return case.district.parent_id == rid


def works_in_grid(user, case) -> bool:
    if not (user and user.is_authenticated and case.grid_id):
        return False
    cache = getattr(user, "_grid_ids_cache", None)
    if cache is None:
        from guardian.shortcuts import get_objects_for_user

        from grids.models import Grid

        # The grids the user is seated on — not guardian's superuser shortcut (every grid): an admin
        # configures, it does not work in the grid (no on-the-spot handling in someone else's name).
        staffed = get_objects_for_user(
            user, "grids.work_in_grid", klass=Grid, accept_global_perms=False, with_superuser=False
        )
        cache = set(staffed.values_list("id", flat=True))
        user._grid_ids_cache = cache
    return case.grid_id in cache


def liaison_department_active(user, case) -> bool:
    """The user is a liaison of a department the case is currently dispatched to."""
    if not (user and user.is_authenticated and user.role == Role.LIAISON and user.department_id):
        return False
    return case.dispatches.filter(department_id=user.department_id, active=True).exists()


def may_view(user, case) -> Decision:
    from .selectors import case_queryset_for

    if case_queryset_for(user).filter(pk=case.pk).exists():
        return YES
    return no(_("您无权查看该事件"))


def may_manage(user, case) -> Decision:
    """Centre staff at the case's level or above, in whose region the case lies (and admins).

    At grid level the grid team manages its own cases too (the grid station accepts and dispatches).
    """
    if is_admin(user):
        return YES
    level = staff_level(user)
    if level and centre_region_covers(user, case):
        if _rank(level) >= _rank(case.level):
            return YES
        if case.escalation_count:
            return no(_("事件已上报至%(level)s，需由%(level)s综治中心处理") % {"level": Level(case.level).label})
        # filed directly at that level (its grade says so): it was never "escalated"
        return no(_("事件由%(level)s级办理，需由%(level)s综治中心处理") % {"level": Level(case.level).label})
    if case.level == Level.GRID and works_in_grid(user, case):
        return YES
    return no(_("只有本级或上级综治中心可以进行此操作"))


def may_handle(user, case) -> Decision:
    """The current handler: a liaison of a dispatched department, the grid team, or the holding centre."""
    if is_admin(user):
        return YES
    if case.handler_kind == HandlerKind.DEPARTMENTS:
        if liaison_department_active(user, case):
            return YES
        return no(_("只有承办部门的联络员可以进行此操作"))
    if case.handler_kind == HandlerKind.GRID_TEAM:
        if works_in_grid(user, case):
            return YES
        return no(_("只有本网格的网格员可以进行此操作"))
    level = staff_level(user)
    if level and centre_region_covers(user, case) and _rank(level) >= _rank(case.level):
        return YES
    return no(_("只有承办该事件的综治中心可以进行此操作"))


def dispatching_level(case, active=None) -> str:
    """The level that dispatched the case's current handler (the one that decides its side requests): the
    dispatcher's centre on the active dispatches (``active``: already read, with their ``dispatcher_region``),
    else the case's own level."""
    if active is None:
        active = case.dispatches.filter(active=True).select_related("dispatcher_region")
    levels = [
        d.dispatcher_region.level
        for d in active
        if d.dispatcher_region_id and d.dispatcher_region.level in Level.values
    ]
    return max(levels, key=_rank) if levels else case.level


def may_decide(user, case) -> Decision:
    """Decide a side request (延期、挂账、退单): the centre that dispatched the handler, or one above it."""
    if is_admin(user):
        return YES
    level = staff_level(user)
    if level and centre_region_covers(user, case):
        needed = dispatching_level(case)
        if _rank(level) >= _rank(needed):
            return YES
        return no(_("由派遣方（%(level)s综治中心）审批") % {"level": Level(needed).label})
    return no(_("只有派遣方综治中心可以审批"))


def may_recall(user, case) -> Decision:
    """撤回派遣: as ``may_decide`` (the dispatching centre or one above), said as what it is — a recall is no
    approval, and "只有派遣方综治中心可以审批" puzzled the liaison it was shown to."""
    return may_decide(user, case) or no(_("只有派遣方综治中心可以撤回派遣"))


def may_self_handle(user, case) -> Decision:
    if case.grade != Grade.A:
        return no(_("只有A级（简单）事件可以由网格员当场处置"))
    if case.level != Level.GRID:
        return no(_("事件已不在网格层级，不能当场处置"))
    if works_in_grid(user, case):
        return YES
    return no(_("只有本网格的网格员可以当场处置"))


def may_verify(user, case) -> Decision:
    """On-site verification: the case's grid team, or a centre at the case's level or above."""
    if works_in_grid(user, case):
        return YES
    decision = may_manage(user, case)
    return decision if decision else no(_("只有本网格网格员或综治中心可以核查"))


def own_resolution(user, case) -> bool:
    """``user`` is the grid worker who resolved the case's current round (自行处置, or 处置反馈 for the grid team)."""
    return bool(
        user is not None
        and getattr(user, "role", None) == Role.GRID_WORKER
        and case.resolved_by_id is not None
        and case.resolved_by_id == user.pk
    )


def _own_resolution_refusal() -> Decision:
    return no(_("您本人处置的事件须由他人核查结案（本网格其他网格员或综治中心）"))


def may_verify_ok(user, case) -> Decision:
    """核查通过 closes the case: as ``may_verify``, but never by the grid worker whose own resolution it is — grid
    workers verify on site that *others'* work is really done (DESIGN §1; scenario 1: the community officer
    verifies what a grid worker handled on the spot). Otherwise the same hand that reported "done" signs it off,
    and the case counts as completed unchecked."""
    if own_resolution(user, case):
        return _own_resolution_refusal()
    return may_verify(user, case)


def may_close(user, case) -> Decision:
    """结案 without a separate 核查: as ``may_manage`` (at grid level the grid team manages its cases), but not by the
    grid worker whose own resolution it is — else 结案 would be the way round ``may_verify_ok``."""
    if own_resolution(user, case):
        return _own_resolution_refusal()
    return may_manage(user, case)


def may_rate(user, case) -> Decision:
    """The reporter (a user), or centre staff recording a follow-up call (回访). Citizens rate through their link."""
    if user is None:
        return no(_("请通过回访链接评价"))
    if case.reporter_id and case.reporter_id == user.id:
        return YES
    if is_admin(user) or (staff_level(user) and centre_region_covers(user, case)):
        return YES
    return no(_("只有上报人或回访人员可以评价"))


def may_reopen(user, case) -> Decision:
    """重办 restarts the handling at the level that closed the case: its centre or one above (as ``may_manage``) — a
    community centre does not reopen what the street handled and closed."""
    if is_admin(user):
        return YES
    level = staff_level(user)
    if level and centre_region_covers(user, case):
        if _rank(level) >= _rank(case.level):
            return YES
        return no(_("事件由%(level)s级办结，需由%(level)s综治中心重办") % {"level": Level(case.level).label})
    return no(_("只有综治中心可以重办"))


def may_escalate(user, case) -> Decision:
    """Whoever holds the case may pass it up: the handler or the centre at its level; never beyond the top."""
    if case.level == settings.TOP_LEVEL or case.level == Level.CITY:
        return no(_("事件已在最高层级，不能再上报；可申请督办"))
    if may_handle(user, case) or may_manage(user, case):
        return YES
    return no(_("只有当前承办方可以上报"))


def may_supervise(user, case) -> Decision:
    level = staff_level(user)
    if is_admin(user) or (level and centre_region_covers(user, case) and _rank(level) > _rank(case.level)):
        return YES
    return no(_("只有上级综治中心可以督办"))


def may_whistle(user, case) -> Decision:
    """吹哨: street centre staff (or community centre: 社区呼叫) holding the case."""
    level = staff_level(user)
    if is_admin(user):
        return YES
    if level in (Level.STREET, Level.COMMUNITY) and centre_region_covers(user, case):
        if _rank(level) >= _rank(case.level):
            return YES
        if case.escalation_count:
            return no(_("事件已上报至上级，本级不能吹哨"))
        return no(_("事件由上级办理，本级不能吹哨"))
    return no(_("只有街道或社区综治中心可以吹哨"))


def decide(user, case, action: str) -> Decision:
    """Entitlement for ``action`` (not state): the predicate named by the transition table."""
    from . import transitions

    try:
        t = transitions.get(action)
    except KeyError:
        return no(_("未知操作"))
    if t.staff_only and (user is None or user.role in (Role.CITIZEN,)):
        return no(_("只有工作人员可以进行此操作"))
    predicate = globals()[t.permission]
    return predicate(user, case)


def can_see_citizen_contact(user, case) -> bool:
    """Citizen name and phone: staff of the handling street and above (and admins); masked for everyone else."""
    if is_admin(user):
        return True
    level = staff_level(user)
    return bool(level in (Level.STREET, Level.DISTRICT, Level.CITY) and centre_region_covers(user, case))
