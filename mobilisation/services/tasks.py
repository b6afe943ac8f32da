"""Service tasks: the community posts, registered members sign up, the organiser records attendance → points."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.services.deadlines import within_due_horizon
from core.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from governance.models import Region, User

from ..choices import POSTABLE_TASK_TYPES, RegistrantKind, RegistrationStatus, SignupStatus, TaskStatus
from ..models import Registration, ServiceTask, TaskSignup
from ..permissions import manages_community
from ..selectors import acting_unit, unit_registration
from .events import record
from .points import points_award

#: The most members one task takes (0: no limit) — a community's activity, not a number the database can't hold.
MAX_TASK_CAPACITY = 1000
#: How far back a task may start: an activity held lately is recorded afterwards (补录), with its attendance.
TASK_RECORDED_AFTER_DAYS = 90


@transaction.atomic
def task_create(
    *,
    actor: User,
    community: Region | None,
    title: str,
    task_type: str,
    place: str,
    starts_at: datetime | None,
    description: str = "",
    capacity: int = 0,
    source_meeting=None,
    now: datetime | None = None,
) -> ServiceTask:
    now = now or timezone.now()
    if community is None or community.level != "community":
        raise InvalidInput(_("请选择社区"), code="community")
    if not manages_community(actor, community):
        raise Forbidden(_("只有社区工作人员可以发布服务任务"), code="forbidden")
    if task_type not in [t.value for t in POSTABLE_TASK_TYPES]:
        raise InvalidInput(_("请选择任务类型"), code="task_type")
    if not (title or "").strip() or not (place or "").strip() or starts_at is None:
        raise InvalidInput(_("任务名称、地点和开始时间都必须填写"), code="required")
    if capacity is None or capacity < 0:
        raise InvalidInput(_("人数上限不能为负数"), code="capacity")
    if capacity > MAX_TASK_CAPACITY:
        raise InvalidInput(_("人数上限至多 %(n)s 人（0 为不限）") % {"n": MAX_TASK_CAPACITY}, code="capacity")
    if starts_at < now - timedelta(days=TASK_RECORDED_AFTER_DAYS):
        raise InvalidInput(
            _("开始时间不能早于 %(days)s 天前（补录近期活动）") % {"days": TASK_RECORDED_AFTER_DAYS}, code="starts_at"
        )
    within_due_horizon(starts_at, now=now, code="starts_at")
    task = ServiceTask.objects.create(
        community=community,
        title=title.strip()[:120],
        description=(description or "").strip(),
        task_type=task_type,
        place=place.strip()[:200],
        starts_at=starts_at,
        capacity=capacity,
        organiser=actor,
        source_meeting=source_meeting,
        created_at=now,
    )
    record(subject="task", object_id=task.pk, community_id=community.pk, action="create", actor=actor, at=now)
    return task


def _locked_task(task_id: int) -> ServiceTask:
    task = ServiceTask.objects.select_for_update(of=("self",)).filter(pk=task_id).select_related("community").first()
    if task is None:
        raise NotFound(_("任务不存在"))
    return task


@transaction.atomic
def task_signup(*, actor: User, task_id: int, now: datetime | None = None) -> TaskSignup:
    """A member confirmed in the task's community signs up (once; within the capacity; while it is open) — or a
    unit's account, for the unit, when the unit is confirmed there (its points count for the unit)."""
    now = now or timezone.now()
    task = _locked_task(task_id)
    unit = acting_unit(actor)
    if unit is not None:
        reg = unit_registration(unit, task.community_id)
    else:
        reg = Registration.objects.filter(
            kind=RegistrantKind.MEMBER, member=actor, community=task.community, status=RegistrationStatus.CONFIRMED
        ).first()
    if reg is None:
        raise NotFound(_("任务不存在"))  # not registered there: the task is not theirs to see
    if task.status != TaskStatus.OPEN:
        raise NotAllowed(_("该任务已停止报名"), code="state")
    taken = task.signups.filter(status=SignupStatus.SIGNED_UP).count()
    if task.capacity and taken >= task.capacity:
        raise NotAllowed(_("报名人数已满"), code="full")
    signup = TaskSignup.objects.filter(task=task, member=actor).first()
    if signup is not None and signup.status == SignupStatus.SIGNED_UP:
        raise NotAllowed(_("您已报名该任务"), code="duplicate")
    try:
        with transaction.atomic():
            if signup is None:
                signup = TaskSignup.objects.create(task=task, member=actor, registration=reg, at=now)
            else:
                signup.status, signup.registration, signup.at = SignupStatus.SIGNED_UP, reg, now
                signup.save(update_fields=["status", "registration", "at"])
    except IntegrityError:
        raise NotAllowed(_("您已报名该任务"), code="duplicate") from None
    record(
        subject="signup",
        object_id=signup.pk,
        community_id=task.community_id,
        action="sign_up",
        actor=actor,
        at=now,
        data={"task": task.pk},
    )
    return signup


@transaction.atomic
def task_withdraw(*, actor: User, task_id: int, now: datetime | None = None) -> TaskSignup:
    now = now or timezone.now()
    task = _locked_task(task_id)
    signup = TaskSignup.objects.filter(task=task, member=actor, status=SignupStatus.SIGNED_UP).first()
    if signup is None:
        raise NotAllowed(_("您没有报名该任务"), code="state")
    if task.status != TaskStatus.OPEN:
        raise NotAllowed(_("该任务已记考勤，不能退出"), code="state")
    signup.status = SignupStatus.WITHDRAWN
    signup.save(update_fields=["status"])
    record(
        subject="signup",
        object_id=signup.pk,
        community_id=task.community_id,
        action="withdraw",
        actor=actor,
        at=now,
        data={"task": task.pk},
    )
    return signup


@transaction.atomic
def task_record_attendance(
    *, actor: User, task_id: int, attended_member_ids: Iterable[int], now: datetime | None = None
) -> ServiceTask:
    """The organiser (or the community's staff) records who came; the task is done and each attendee gets the
    street's points for the task type (capped per month). Every signed-up member is marked attended or absent."""
    now = now or timezone.now()
    task = _locked_task(task_id)
    if not (actor.pk == task.organiser_id or manages_community(actor, task.community)):
        raise Forbidden(_("只有任务组织人或社区工作人员可以记录考勤"), code="forbidden")
    if task.status != TaskStatus.OPEN:
        raise NotAllowed(_("该任务已记考勤或已取消"), code="state")
    attended = {int(i) for i in attended_member_ids}
    signups = list(task.signups.select_related("registration").filter(status=SignupStatus.SIGNED_UP))
    signed = {s.member_id for s in signups}
    unknown = attended - signed
    if unknown:
        raise InvalidInput(_("只能为已报名的党员记录到场"), code="not_signed_up")
    task.status = TaskStatus.DONE
    task.save(update_fields=["status"])
    for s in signups:
        s.status = SignupStatus.ATTENDED if s.member_id in attended else SignupStatus.ABSENT
        s.save(update_fields=["status"])
    record(
        subject="task",
        object_id=task.pk,
        community_id=task.community_id,
        action="attendance",
        actor=actor,
        data={"attended": sorted(attended), "absent": sorted(signed - attended)},
        at=now,
    )
    for s in signups:
        if s.status == SignupStatus.ATTENDED:
            points_award(
                member=s.member,
                community=task.community,
                unit=s.registration.unit,
                task_type=task.task_type,
                actor=actor,
                task=task,
                now=now,
            )
    return task


@transaction.atomic
def task_cancel(*, actor: User, task_id: int, reason: str, now: datetime | None = None) -> ServiceTask:
    now = now or timezone.now()
    task = _locked_task(task_id)
    if not manages_community(actor, task.community):
        raise Forbidden(_("只有社区工作人员可以取消任务"), code="forbidden")
    if task.status != TaskStatus.OPEN:
        raise NotAllowed(_("该任务已记考勤或已取消"), code="state")
    if not (reason or "").strip():
        raise InvalidInput(_("取消任务须填写原因"), code="reason")
    task.status = TaskStatus.CANCELLED
    task.save(update_fields=["status"])
    record(
        subject="task",
        object_id=task.pk,
        community_id=task.community_id,
        action="cancel",
        actor=actor,
        note=reason.strip(),
        at=now,
    )
    return task
