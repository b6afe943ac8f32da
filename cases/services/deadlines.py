"""Due times: when a case arrives at a level and when its handler signs for it; which level is next."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from governance.choices import LEVEL_ORDER, Level, top_level
from governance.clock import (
    CalendarCannotPlace,
    add_working_time,
    fraction_point,
)
from governance.models import Category, JurisdictionRule, Region
from governance.selectors import calendar_spec, rule_for

from ..choices import HandlerKind
from ..choices import Status as CaseStatus
from ..models import Case


class Deadlines:
    """Due times for arriving at a level, computed once per (category, level) and instant.

    Cases that arrive at a level in the same sweep share their due times per category and level,
    so the batch escalation computes each combination once.
    """

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.cal = calendar_spec()
        self._memo: dict[tuple[int, str], dict[str, Any]] = {}
        self._rules: dict[int, JurisdictionRule] = {}

    def arrival(self, category: Category | int, level: str) -> dict[str, Any]:
        cat_id = category if isinstance(category, int) else category.id
        key = (cat_id, level)
        if key not in self._memo:
            cat = category if isinstance(category, Category) else Category.objects.get(pk=cat_id)
            self._memo[key] = self._compute(rule_for(category=cat, level=level), self.now)
        return self._memo[key]

    def _compute(self, rule: JurisdictionRule | None, start: datetime) -> dict[str, Any]:
        """The clock columns of ``rule`` from ``start``; ``accept_due_at`` is capped at ``due_at`` (one place, so the
        single-case ``arrive_at_level`` and the sweep's set-wise ``arrival`` agree)."""
        if rule is None:
            return {"rule_id": None, "accept_due_at": None, "due_at": None, "yellow_at": None}
        self._rules[rule.id] = rule
        with calendar_places(rule):
            due = add_working_time(start, rule.handling_limit, rule.handling_unit, self.cal)
            # The accept/dispatch limit is a part of the level's time, never past it: a limit in working hours
            # from a night arrival (next morning) must not end after a handling limit in clock hours (that night).
            accept = min(add_working_time(start, rule.accept_limit, rule.accept_unit, self.cal), due)
            yellow = fraction_point(start, due, settings.YELLOW_THRESHOLD, rule.handling_unit, self.cal)
        return {"rule_id": rule.id, "accept_due_at": accept, "due_at": due, "yellow_at": yellow}

    def handling(self, case: Case) -> dict[str, Any]:
        """Due times when the handler signs for the case (the handling clock starts now)."""
        rule = case.rule or rule_for(category=case.category, level=case.level)
        values = self._compute(rule, self.now)
        values.pop("accept_due_at")
        return values

    def rule_ref(self, rule_id: int | None) -> dict[str, Any] | None:
        """Which rule (and version) set a clock, as kept on the event: ``{"id", "version"}`` (no query: the
        rules this clock computed with are at hand; pages name them with ``rule_label``)."""
        rule = self._rules.get(rule_id) if rule_id else None
        return {"id": rule.id, "version": rule.version} if rule is not None else rule_ref(None, rule_id)

    def return_due(self, case: Case, start: datetime) -> datetime | None:
        """The end of the return window (退单时限) for a dispatch made at ``start``: the rule's return limit,
        or its sign-for limit when the rule sets none."""
        rule = case.rule or rule_for(category=case.category, level=case.level)
        if rule is None:
            return None
        with calendar_places(rule):
            if rule.return_limit:
                return add_working_time(start, rule.return_limit, rule.return_unit, self.cal)
            return add_working_time(start, rule.accept_limit, rule.accept_unit, self.cal)


@contextmanager
def calendar_places(rule: JurisdictionRule) -> Iterator[None]:
    """The clock's "cannot place" (no working time within ten years, or past year 9999) as a refusal that names the
    rule, with code ``rule_limit``: a limit saved before rules were bounded (``JurisdictionRule.clean``) made every
    filing of its category a 500. Nothing is written: the caller's transaction rolls back."""
    try:
        yield
    except CalendarCannotPlace:
        raise InvalidInput(
            _("“%(rule)s”的时限过长，工作日历无法排定期限；请联系管理员在权责清单中修改该时限")
            % {"rule": rule_label(rule)},
            code="rule_limit",
        ) from None


def within_due_horizon(when: datetime, *, now: datetime, code: str) -> datetime:
    """``when`` if it lies at most ``MAX_DUE_HORIZON_DAYS`` after ``now``; later → InvalidInput (``code``).

    For every deadline or expected time someone asks for (an extension, a hold's expected end, the hotline's
    ``due_at`` and ``resolution_due_at``): the working-time clock looks at most ten years ahead
    (``governance.clock``), so a request to 2045 or 9999 was accepted and then made its approval fail on every
    try, the request pending for ever. Refused when asked, before anything is written.
    """
    limit = now + timedelta(days=settings.MAX_DUE_HORIZON_DAYS)
    if when > limit:
        raise InvalidInput(
            _("时间不能晚于 %(limit)s（至多 %(days)s 天之后）")
            % {"limit": timezone.localtime(limit).strftime("%Y-%m-%d %H:%M"), "days": settings.MAX_DUE_HORIZON_DAYS},
            code=code,
        )
    return when


def rule_ref(
    rule: JurisdictionRule | None, rule_id: int | None = None, *, label: bool = False
) -> dict[str, Any] | None:
    """``{"id", "version"}`` of the rule that set a clock (and its ``label`` when asked, for the API)."""
    if rule is None and rule_id:
        rule = JurisdictionRule.objects.select_related("category").filter(pk=rule_id).first()
    if rule is None:
        return None
    ref: dict[str, Any] = {"id": rule.id, "version": rule.version}
    if label:
        ref["label"] = rule_label(rule)
    return ref


def rule_label(rule: JurisdictionRule) -> str:
    return rule.label


def arrive_at_level(case: Case, level: str, clock: Deadlines) -> None:
    """Put the case at ``level`` with that level's centre (or grid team) as holder, and restart its clock."""
    case.level = level
    if level == Level.GRID and case.grid_id:
        case.handler_kind, case.handler_region = HandlerKind.GRID_TEAM, None
    else:
        case.handler_kind, case.handler_region = HandlerKind.CENTRE, region_at_level(case, level)
    case.arrived_at = clock.now
    for field, value in clock.arrival(case.category, level).items():
        setattr(case, field, value)
    if case.rule_id in clock._rules:  # the rule object is at hand: no query when the page or API names it
        case.rule = clock._rules[case.rule_id]
    case.warned_yellow = False
    cap_to_external(case, clock)


def restart_handling_clock(case: Case, clock: Deadlines) -> None:
    for field, value in clock.handling(case).items():
        setattr(case, field, value)
    case.warned_yellow = False
    cap_to_external(case, clock)


def cap_to_external(case: Case, clock: Deadlines) -> None:
    """The stricter deadline wins: no due time of the case runs past ``external_due_at`` (the hotline's limit).

    A capped ``due_at`` gets its yellow point again from the same share of the shortened span (calendar
    hours: the outside deadline is an instant, not working time).
    """
    cap = case.external_due_at
    if cap is None:
        return
    if case.accept_due_at is not None and case.accept_due_at > cap:
        case.accept_due_at = cap
    if case.due_at is None or case.due_at > cap:
        case.due_at = cap
        start = min(clock.now, cap)
        case.yellow_at = fraction_point(start, cap, settings.YELLOW_THRESHOLD, "hours", clock.cal)


def case_recategorise(
    case: Case,
    *,
    category: Category,
    grid: Any = None,
    response_cap: datetime | None = None,
    now: datetime,
) -> None:
    """Give a case still at its centre (not dispatched) its 小类 (and grid), and the clock that follows from them.

    The clock restarts from the chosen category's rule at the case's arrival at its level (time already spent
    counts) and stays under its outside deadline (``cap_to_external``). While the case is unaccepted its
    sign-for time is recomputed, capped at ``response_cap`` (the hotline's response deadline); once accepted,
    its response was measured against the limits of its time and keeps them. Saves the case; the caller records
    the event.
    """
    kept = (case.accept_due_at, case.response_due_at)
    case.category, case.grade = category, category.grade
    if grid is not None:
        case.grid, case.community = grid, grid.community
    arrive_at_level(case, case.level, Deadlines(case.arrived_at or now))
    if case.status == CaseStatus.REPORTED:
        if response_cap is not None and (case.accept_due_at is None or response_cap < case.accept_due_at):
            case.accept_due_at = response_cap
        case.response_due_at = case.accept_due_at
    else:
        case.accept_due_at, case.response_due_at = kept
    case.updated_at = now
    case.save()


def region_at_level(case: Case, level: str) -> Region | None:
    return {
        Level.COMMUNITY: case.community,
        Level.STREET: case.street,
        Level.DISTRICT: case.district,
        Level.CITY: case.district.parent if case.district_id else None,
    }.get(Level(level))


# ``top_level`` (the configured top: district or city) is governance's: ``governance.choices.top_level``.


def next_level_for(*, level: str, has_community: bool) -> str | None:
    """The level a case climbs to from ``level``; None at the configured top (district, or city)."""
    order = LEVEL_ORDER[: LEVEL_ORDER.index(Level(top_level())) + 1]
    if level not in order or level == order[-1]:
        return None
    nxt = order[order.index(Level(level)) + 1]
    if nxt == Level.COMMUNITY and not has_community:
        nxt = Level.STREET
    return nxt
