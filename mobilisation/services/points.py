"""积分制: points by the street's scheme (per task type, capped per member and month), and manual edits.

The cap: for one member, one street, one task type and one local calendar month, the points that counted
(``PointsEntry.points`` of tasks and wishes; manual adjustments are outside the cap) never exceed the rule's
``monthly_cap``. An award that would pass it counts only what is left (possibly 0), and the entry keeps both
the rule's figure (``requested``) and what counted. Awards for one member are serialised by a lock on their user
row, so two attendances recorded at once cannot both fit under the same remainder.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden, InvalidInput
from core.stored_text import kept
from governance.models import Region, User

from ..choices import PointsSource, TaskType
from ..models import PointsEntry, PointsRule, RegisteredUnit, ServiceTask, Wish
from ..permissions import manages_community, manages_street
from .events import record


def month_of(moment: datetime) -> date:
    return timezone.localdate(moment).replace(day=1)


def counted_this_month(*, member_id: int, street_id: int, task_type: str, month: date) -> int:
    return (
        PointsEntry.objects.filter(
            member_id=member_id,
            street_id=street_id,
            task_type=task_type,
            month=month,
            source__in=[PointsSource.TASK, PointsSource.WISH],
        ).aggregate(total=Sum("points"))["total"]
        or 0
    )


def capped(points: int, cap: int, used: int) -> int:
    """What counts of ``points`` when ``used`` already counted this month under ``cap`` (0: no cap)."""
    if cap == 0:
        return points
    return max(0, min(points, cap - used))


def points_award(
    *,
    member: User,
    community: Region,
    unit: RegisteredUnit | None,
    task_type: str,
    actor: User | None,
    task: ServiceTask | None = None,
    wish: Wish | None = None,
    now: datetime | None = None,
) -> PointsEntry:
    """Award the street's points for one attended task or one confirmed wish (inside the caller's transaction)."""
    now = now or timezone.now()
    street_id = community.parent_id
    User.objects.select_for_update().filter(pk=member.pk).first()
    rule = PointsRule.objects.filter(street_id=street_id, task_type=task_type).first()
    month = month_of(now)
    requested = rule.points if rule else 0
    used = counted_this_month(member_id=member.pk, street_id=street_id, task_type=task_type, month=month)
    points = capped(requested, rule.monthly_cap if rule else 0, used)
    entry = PointsEntry.objects.create(
        member=member,
        community=community,
        street_id=street_id,
        unit=unit,
        source=PointsSource.WISH if wish is not None else PointsSource.TASK,
        task_type=task_type,
        task=task,
        wish=wish,
        requested=requested,
        points=points,
        month=month,
        reason="" if rule else kept("本街道未设置该类型的积分规则"),
        created_by=actor,
        at=now,
    )
    record(
        subject="points",
        object_id=entry.pk,
        community_id=community.pk,
        action="award",
        actor=actor,
        data={
            "member": member.pk,
            "requested": requested,
            "points": points,
            "used_before": used,
            "task_type": task_type,
        },
        at=now,
    )
    return entry


@transaction.atomic
def points_adjust(
    *,
    actor: User,
    member: User,
    community: Region | None,
    delta: int,
    reason: str,
    unit: RegisteredUnit | None = None,
    now: datetime | None = None,
) -> PointsEntry:
    """A manual edit of a member's points: only by the community's staff, only with a reason, always an event."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if community is None or community.level != "community":
        raise InvalidInput(_("请选择社区"), code="community")
    if not manages_community(actor, community):
        raise Forbidden(_("只有社区或街道工作人员可以调整积分"), code="forbidden")
    if not reason:
        raise InvalidInput(_("人工调整积分必须填写原因"), code="reason")
    if not isinstance(delta, int) or delta == 0 or abs(delta) > 1000:
        raise InvalidInput(_("调整分值须为非零整数，绝对值不超过1000"), code="delta")
    User.objects.select_for_update().filter(pk=member.pk).first()
    entry = PointsEntry.objects.create(
        member=member,
        community=community,
        street_id=community.parent_id,
        unit=unit,
        source=PointsSource.MANUAL,
        requested=delta,
        points=delta,
        month=month_of(now),
        reason=reason[:200],
        created_by=actor,
        at=now,
    )
    record(
        subject="points",
        object_id=entry.pk,
        community_id=community.pk,
        action="adjust",
        actor=actor,
        note=reason,
        data={"member": member.pk, "points": delta},
        at=now,
    )
    return entry


@transaction.atomic
def points_rule_set(*, actor: User, street: Region, task_type: str, points: int, monthly_cap: int) -> PointsRule:
    """The street sets (or changes) the points of a task type and its monthly cap. Past entries keep their figures."""
    if street is None or street.level != "street":
        raise InvalidInput(_("积分规则由街道设置"), code="street")
    if not manages_street(actor, street):
        raise Forbidden(_("只有街道工作人员可以设置积分规则"), code="forbidden")
    if task_type not in TaskType.values:
        raise InvalidInput(_("未知的任务类型"), code="task_type")
    if points < 0 or monthly_cap < 0 or points > 1000 or monthly_cap > 100000:
        raise InvalidInput(_("积分和上限须为合理的非负整数"), code="points")
    rule, _created = PointsRule.objects.update_or_create(
        street=street, task_type=task_type, defaults={"points": points, "monthly_cap": monthly_cap}
    )
    record(
        subject="points",
        object_id=rule.pk,
        community_id=None,
        action="rule",
        actor=actor,
        data={"street": street.pk, "task_type": task_type, "points": points, "monthly_cap": monthly_cap},
    )
    return rule
