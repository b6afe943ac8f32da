"""双报到, points, service tasks, 微心愿, 大党委 duties and 民主测评, 三色研判, 居民议事.

Every row hangs under a community (``Region`` at community level), which is what scopes it: a community's
staff see their own, a street's staff their communities' (``selectors.place_q``). Every state change writes one
``MobilisationEvent`` in the same transaction (``services``); events and points entries are append-only.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.masking import mask_name, mask_phone

from .choices import (
    AppraisalStatus,
    Colour,
    DecisionMode,
    EventSubject,
    FollowUpKind,
    Indicator,
    MeetingFormat,
    PointsSource,
    Rating,
    RegistrantKind,
    RegistrationBasis,
    RegistrationStatus,
    SignupStatus,
    TaskStatus,
    TaskType,
    TopicSource,
    TopicStatus,
    UnitKind,
    WishChannel,
    WishStatus,
)

USER = settings.AUTH_USER_MODEL


def new_token() -> str:
    return secrets.token_urlsafe(24)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError(f"{self.model.__name__} is append-only")

    def delete(self):
        raise PermissionError(f"{self.model.__name__} is append-only")


class AppendOnly(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} is append-only")


#: ``actor_name`` markers: the sweep, and a resident acting through their private link (no account).
SYSTEM_ACTOR, RESIDENT_ACTOR = "system", "居民"

#: What each event's ``action`` means, for the timelines.
ACTION_LABELS = {
    "submit": _("提交"),
    "confirm": _("确认"),
    "decline": _("不予通过"),
    "withdraw": _("退出"),
    "create": _("创建"),
    "sign_up": _("报名"),
    "attendance": _("记录考勤"),
    "cancel": _("取消"),
    "award": _("计分"),
    "adjust": _("人工调整"),
    "rule": _("设置积分规则"),
    "accept": _("受理"),
    "publish": _("发布"),
    "claim": _("认领"),
    "fulfil": _("反馈完成"),
    "return": _("逾期退回待认领"),
    "warn": _("临期提醒"),
    "add": _("增加"),
    "open": _("发起"),
    "rate": _("测评"),
    "close": _("结束"),
    "compute": _("研判"),
    "scheme": _("设置方案"),
    "record": _("记录议事会"),
    "follow_up": _("生成跟进事项"),
    "end": _("停用"),
}


class MobilisationEvent(AppendOnly):
    """One line of the audit trail of any mobilisation object (``subject`` + ``object_id``).

    ``actor_name`` keeps who acted if the user is deleted; ``"system"`` with no actor marks the sweep,
    ``"居民"`` a resident acting through their private link.
    """

    subject = models.CharField(_("对象"), max_length=20, choices=EventSubject.choices)
    object_id = models.BigIntegerField(_("对象编号"))
    community = models.ForeignKey(
        "governance.Region", verbose_name=_("社区"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("动作"), max_length=32)
    actor = models.ForeignKey(USER, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL)
    actor_name = models.CharField(_("操作人姓名"), max_length=60)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True, verbose_name=_("数据"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("动员工作记录")
        verbose_name_plural = _("动员工作记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["subject", "object_id", "at"], name="mob_event_object_idx")]
        constraints = [models.CheckConstraint(condition=Q(subject__in=EventSubject.values), name="mob_event_subject")]

    def __str__(self) -> str:
        return f"{self.subject}#{self.object_id} {self.action}"

    @property
    def label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def actor_label(self) -> str:
        """Who acted, in the reader's language: the sweep and a resident are markers, not names."""
        if self.actor_id is None and self.actor_name == SYSTEM_ACTOR:
            return str(_("系统"))
        if self.actor_id is None and self.actor_name == RESIDENT_ACTOR:
            return str(_("居民"))
        return self.actor_name


# --- 双报到 ------------------------------------------------------------------------------------------


class RegisteredUnit(models.Model):
    """A party organisation or unit in the area (驻区单位, 两新组织, a 大党委 member unit)."""

    name = models.CharField(_("单位名称"), max_length=120, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices)
    street = models.ForeignKey(
        "governance.Region", verbose_name=_("所在街道"), on_delete=models.PROTECT, related_name="+"
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("报到单位")
        verbose_name_plural = _("报到单位")
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=UnitKind.values), name="mob_unit_kind")]

    def __str__(self) -> str:
        return self.name


class UnitAccount(models.Model):
    """A login of a registered unit: one of its contact people. The user signs in and acts for the unit — sees its
    duty list and reports (and submits them), its service tasks and points, claims wishes as the unit — and sees
    nothing of any other unit. Created and ended by the street's or a community's staff (``services.units``)."""

    user = models.OneToOneField(USER, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="unit_account")
    unit = models.ForeignKey(RegisteredUnit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="accounts")
    active = models.BooleanField(_("有效"), default=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(_("开通时间"), default=timezone.now)
    ended_at = models.DateTimeField(_("停用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位账号")
        verbose_name_plural = _("单位账号")
        ordering = ["unit", "id"]

    def __str__(self) -> str:
        return f"{self.unit} · {self.user}"


class Registration(models.Model):
    """One 双报到 registration of a member (a user) or a unit with a community; the community confirms it.

    A member may hold active registrations in at most two communities (where they work and where they live),
    one per community (a partial unique constraint; the limit of two is checked under a lock on the user row).
    """

    kind = models.CharField(_("报到类型"), max_length=10, choices=RegistrantKind.choices)
    member = models.ForeignKey(
        USER, verbose_name=_("党员"), null=True, blank=True, on_delete=models.PROTECT, related_name="registrations"
    )
    unit = models.ForeignKey(
        RegisteredUnit,
        verbose_name=_("所在单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
        help_text=_("党员：工作单位（积分计入单位排名）；单位报到：报到的单位"),
    )
    community = models.ForeignKey(
        "governance.Region", verbose_name=_("报到社区"), on_delete=models.PROTECT, related_name="+"
    )
    basis = models.CharField(_("报到依据"), max_length=10, choices=RegistrationBasis.choices)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    skills = models.CharField(_("特长"), max_length=200, blank=True)
    availability = models.CharField(_("可服务时间"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.PENDING
    )
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("审核人")
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decline_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("双报到登记")
        verbose_name_plural = _("双报到登记")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=RegistrationStatus.values), name="mob_reg_status"),
            models.CheckConstraint(
                condition=(
                    Q(kind="member", member__isnull=False) | Q(kind="unit", member__isnull=True, unit__isnull=False)
                ),
                name="mob_reg_kind_fields",
            ),
            models.UniqueConstraint(
                fields=["member", "community"],
                condition=Q(status__in=["pending", "confirmed"], kind="member"),
                name="mob_reg_member_once_per_community",
            ),
            models.UniqueConstraint(
                fields=["unit", "community"],
                condition=Q(status__in=["pending", "confirmed"], kind="unit"),
                name="mob_reg_unit_once_per_community",
            ),
        ]

    def __str__(self) -> str:
        who = self.member if self.kind == RegistrantKind.MEMBER else self.unit
        return f"{who} → {self.community}"

    @property
    @admin.display(description=_("报到人"))
    def registrant_name(self) -> str:
        return str(self.member) if self.kind == RegistrantKind.MEMBER else str(self.unit)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


# --- points ---------------------------------------------------------------------------------------


class PointsRule(models.Model):
    """The street's points scheme (积分制): points per task of a type, and a cap per member per month (0: none)."""

    street = models.ForeignKey("governance.Region", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    task_type = models.CharField(_("任务类型"), max_length=20, choices=TaskType.choices)
    points = models.PositiveIntegerField(_("每次积分"))
    monthly_cap = models.PositiveIntegerField(
        _("每月上限"), default=0, help_text=_("每名党员每月该类型最多计分，0 表示不设上限")
    )

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["street", "task_type"]
        constraints = [
            models.UniqueConstraint(fields=["street", "task_type"], name="mob_points_rule_unique"),
            models.CheckConstraint(condition=Q(task_type__in=TaskType.values), name="mob_points_rule_type"),
        ]

    def __str__(self) -> str:
        return f"{self.street} {self.get_task_type_display()} {self.points}"


class PointsEntry(AppendOnly):
    """One line of a member's points history. ``requested`` is what the rule gives, ``points`` what counted after
    the monthly cap (a manual adjustment can be negative and needs a reason). ``month`` is the first day of the
    local month the points count in; ``street`` is where the cap applies."""

    member = models.ForeignKey(USER, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="points_entries")
    community = models.ForeignKey(
        "governance.Region", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    street = models.ForeignKey("governance.Region", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        RegisteredUnit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=10, choices=PointsSource.choices)
    task_type = models.CharField(_("任务类型"), max_length=20, choices=TaskType.choices, blank=True)
    task = models.ForeignKey(
        "ServiceTask", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("服务任务")
    )
    wish = models.ForeignKey(
        "Wish", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("心愿")
    )
    requested = models.IntegerField(_("规则积分"))
    points = models.IntegerField(_("计入积分"))
    month = models.DateField(_("所属月份"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("记录人")
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("积分记录")
        verbose_name_plural = _("积分记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["member", "street", "task_type", "month"], name="mob_points_cap_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(source__in=PointsSource.values), name="mob_points_source"),
            models.CheckConstraint(condition=~Q(source="manual") | ~Q(reason=""), name="mob_points_manual_reason"),
            models.UniqueConstraint(
                fields=["member", "task"], condition=Q(task__isnull=False), name="mob_points_once_per_task"
            ),
            models.UniqueConstraint(
                fields=["member", "wish"], condition=Q(wish__isnull=False), name="mob_points_once_per_wish"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.points:+d}"


# --- service tasks --------------------------------------------------------------------------------


class ServiceTask(models.Model):
    """A task the community posts for registered members (clean-up, patrol, help for the elderly …)."""

    community = models.ForeignKey(
        "governance.Region", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("任务名称"), max_length=120)
    description = models.TextField(_("任务说明"), blank=True)
    task_type = models.CharField(_("任务类型"), max_length=20, choices=TaskType.choices)
    place = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    capacity = models.PositiveIntegerField(_("人数上限"), default=0, help_text=_("0 表示不限"))
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    organiser = models.ForeignKey(USER, verbose_name=_("组织人"), on_delete=models.PROTECT, related_name="+")
    source_meeting = models.ForeignKey(
        "Meeting", verbose_name=_("来自议事会"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = _("服务任务")
        verbose_name_plural = _("服务任务")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=TaskStatus.values), name="mob_task_status"),
            models.CheckConstraint(
                condition=Q(task_type__in=TaskType.values) & ~Q(task_type="wish"), name="mob_task_type"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TaskSignup(models.Model):
    """A registered member's sign-up for a task; the organiser records attendance."""

    task = models.ForeignKey(ServiceTask, on_delete=models.CASCADE, related_name="signups")
    member = models.ForeignKey(USER, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="+")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=SignupStatus.choices, default=SignupStatus.SIGNED_UP)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("任务报名")
        verbose_name_plural = _("任务报名")
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "member"], name="mob_signup_once"),
            models.CheckConstraint(condition=Q(status__in=SignupStatus.values), name="mob_signup_status"),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.task}"


# --- 微心愿 ---------------------------------------------------------------------------------------


class Wish(models.Model):
    """A resident's small wish (群众点单、社区派单、党员接单).

    The resident's name, phone and address are personal data: the public list shows only the title, the
    description as reviewed, and the community. ``claim_due_at`` is the database deadline the sweep watches:
    a claimed wish not fulfilled by then goes back to the pool (``services.wishes_return_overdue``), and
    ``claim_warn_at`` the moment the claimer is warned it nears (``services.wishes_warn_due``; cleared once warned).
    """

    community = models.ForeignKey(
        "governance.Region", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "grids.Grid", verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("心愿"), max_length=100)
    description = models.TextField(_("具体说明"))
    resident_name = models.CharField(_("居民姓名"), max_length=50)
    resident_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    resident_address = models.CharField(_("住址"), max_length=200, blank=True)
    channel = models.CharField(_("来源"), max_length=12, choices=WishChannel.choices)
    status = models.CharField(_("状态"), max_length=10, choices=WishStatus.choices, default=WishStatus.SUBMITTED)
    decline_reason = models.CharField(_("不予受理原因"), max_length=200, blank=True)
    fulfil_days = models.PositiveIntegerField(_("认领后完成期限（天）"), default=7)
    claimed_by = models.ForeignKey(
        USER, verbose_name=_("认领党员"), null=True, blank=True, on_delete=models.PROTECT, related_name="claimed_wishes"
    )
    claimed_unit = models.ForeignKey(
        RegisteredUnit, verbose_name=_("认领单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    claim_due_at = models.DateTimeField(_("完成期限"), null=True, blank=True)
    claim_warn_at = models.DateTimeField(
        _("临期提醒时间"), null=True, blank=True, help_text=_("到此时间提醒认领人；提醒后清空")
    )
    fulfilled_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    fulfilment_note = models.TextField(_("完成情况"), blank=True)
    photo = models.ImageField(_("完成照片"), upload_to="wishes/%Y/%m/", blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    times_returned = models.PositiveIntegerField(_("退回次数"), default=0)
    follow_up_token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False, verbose_name=_("回访链接令牌")
    )
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["claim_due_at"], name="mob_wish_claim_due_idx", condition=Q(status="claimed")),
            models.Index(
                fields=["claim_warn_at"],
                name="mob_wish_claim_warn_idx",
                condition=Q(status="claimed", claim_warn_at__isnull=False),
            ),
            models.Index(fields=["community", "status"], name="mob_wish_community_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=WishStatus.values), name="mob_wish_status"),
            models.CheckConstraint(condition=Q(channel__in=WishChannel.values), name="mob_wish_channel"),
            models.CheckConstraint(
                condition=~Q(status="claimed") | Q(claimed_by__isnull=False, claim_due_at__isnull=False),
                name="mob_wish_claimed_has_claimer",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def masked_name(self) -> str:
        return mask_name(self.resident_name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.resident_phone)


# --- 大党委 duties, 民主测评, 三色研判 ----------------------------------------------------------------


class DutyItem(models.Model):
    """One line of a member unit's duty list (责任清单) towards a community's or street's extended committee."""

    unit = models.ForeignKey(
        RegisteredUnit, verbose_name=_("成员单位"), on_delete=models.CASCADE, related_name="duties"
    )
    community = models.ForeignKey(
        "governance.Region", verbose_name=_("社区/街道"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("责任事项"), max_length=200)
    detail = models.TextField(_("具体内容"), blank=True)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("责任清单事项")
        verbose_name_plural = _("责任清单")
        ordering = ["unit", "id"]

    def __str__(self) -> str:
        return self.title


PERIOD_REGEX = r"^\d{4}(-(Q[1-4]|H[12]))?$"


class DutyReport(models.Model):
    """A member unit's 履职述职 for a period (``2026``, ``2026-H2`` or ``2026-Q4``), one per unit, place and period."""

    unit = models.ForeignKey(
        RegisteredUnit, verbose_name=_("成员单位"), on_delete=models.PROTECT, related_name="reports"
    )
    community = models.ForeignKey(
        "governance.Region", verbose_name=_("社区/街道"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("期间"), max_length=7)
    text = models.TextField(_("述职内容"))
    items = models.JSONField(_("逐项履职情况"), default=dict, blank=True)
    submitted_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("提交人")
    )
    submitted_at = models.DateTimeField(default=timezone.now, verbose_name=_("提交时间"))

    class Meta:
        verbose_name = _("履职述职")
        verbose_name_plural = _("履职述职")
        ordering = ["-period", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "community", "period"], name="mob_report_once_per_period"),
            models.CheckConstraint(condition=Q(period__regex=PERIOD_REGEX), name="mob_report_period_format"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}"


class Appraisal(models.Model):
    """A 民主测评 of a member unit for a period, by named raters (one rating each); the result is kept."""

    unit = models.ForeignKey(
        RegisteredUnit, verbose_name=_("成员单位"), on_delete=models.PROTECT, related_name="appraisals"
    )
    community = models.ForeignKey(
        "governance.Region", verbose_name=_("社区/街道"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("期间"), max_length=7)
    status = models.CharField(_("状态"), max_length=10, choices=AppraisalStatus.choices, default=AppraisalStatus.OPEN)
    result_score = models.DecimalField(_("测评得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    result_counts = models.JSONField(_("各档票数"), default=dict, blank=True)
    opened_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("发起人")
    )
    opened_at = models.DateTimeField(default=timezone.now, verbose_name=_("发起时间"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("结束时间"))

    class Meta:
        verbose_name = _("民主测评")
        verbose_name_plural = _("民主测评")
        ordering = ["-period", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "community", "period"], name="mob_appraisal_once_per_period"),
            models.CheckConstraint(condition=Q(period__regex=PERIOD_REGEX), name="mob_appraisal_period_format"),
            models.CheckConstraint(condition=Q(status__in=AppraisalStatus.values), name="mob_appraisal_status"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.period}"


class AppraisalVote(models.Model):
    """One named rater's seat in an appraisal; ``rating`` is empty until they rate (once)."""

    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="votes")
    rater = models.ForeignKey(USER, verbose_name=_("测评人"), on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("评价"), max_length=10, choices=Rating.choices, blank=True)
    comment = models.CharField(_("意见"), max_length=300, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("测评票")
        verbose_name_plural = _("测评票")
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "rater"], name="mob_vote_one_per_rater"),
            models.CheckConstraint(condition=Q(rating__in=["", *Rating.values]), name="mob_vote_rating"),
        ]

    def __str__(self) -> str:
        return f"{self.rater}: {self.rating or '-'}"


class TriColourScheme(models.Model):
    """A street's 三色研判 configuration: weights of the indicators and the thresholds (score 0–100)."""

    street = models.OneToOneField(
        "governance.Region", verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+"
    )
    weights = models.JSONField(
        _("指标权重"), help_text=_('如 {"completion_rate": 40, "satisfaction_rate": 40, "wishes_fulfilled_rate": 20}')
    )
    blue_min = models.DecimalField(_("蓝色最低分"), max_digits=5, decimal_places=1, default=85)
    yellow_min = models.DecimalField(_("黄色最低分"), max_digits=5, decimal_places=1, default=70)

    class Meta:
        verbose_name = _("三色研判方案")
        verbose_name_plural = _("三色研判方案")

    def __str__(self) -> str:
        return f"{self.street}"


class TriColourRating(models.Model):
    """A community committee's 三色研判 for a period: the indicators as computed (raw values kept), the computed
    colour, and the final colour — different only through a manual adjustment with its reason."""

    community = models.ForeignKey(
        "governance.Region", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.CharField(_("期间"), max_length=7)
    date_from = models.DateField(verbose_name=_("起始日期"))
    date_to = models.DateField(verbose_name=_("截止日期"))
    indicators = models.JSONField(_("指标"), default=dict)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True)
    computed_colour = models.CharField(_("计算结果"), max_length=6, choices=Colour.choices)
    colour = models.CharField(_("研判结果"), max_length=6, choices=Colour.choices)
    adjustment_reason = models.CharField(_("调整理由"), max_length=300, blank=True)
    adjusted_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("调整人")
    )
    computed_at = models.DateTimeField(default=timezone.now, verbose_name=_("计算时间"))

    class Meta:
        verbose_name = _("三色研判")
        verbose_name_plural = _("三色研判")
        ordering = ["-period", "community"]
        constraints = [
            models.UniqueConstraint(fields=["community", "period"], name="mob_tricolour_once_per_period"),
            models.CheckConstraint(condition=Q(period__regex=PERIOD_REGEX), name="mob_tricolour_period_format"),
            models.CheckConstraint(
                condition=Q(colour=models.F("computed_colour")) | ~Q(adjustment_reason=""),
                name="mob_tricolour_adjustment_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.community} {self.period} {self.colour}"

    def indicator_rows(self) -> list[tuple[str, dict]]:
        """The indicators as (name in words, figures), in the order they were computed; a key no ``Indicator``
        names any more shows as stored."""
        labels = dict(Indicator.choices)
        return [(str(labels.get(k, k)), v) for k, v in self.indicators.items() if k != "_weights"]


# --- 居民议事 --------------------------------------------------------------------------------------


class Topic(models.Model):
    """A matter put to residents' deliberation (幸福夜话, 书记唠嗑会 …): from a case, a diary entry or on its own."""

    community = models.ForeignKey(
        "governance.Region", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("议题"), max_length=200)
    description = models.TextField(_("背景"))
    source = models.CharField(_("来源"), max_length=8, choices=TopicSource.choices, default=TopicSource.OWN)
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("来源事件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    diary_entry_id = models.BigIntegerField(_("来源民情日记"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=TopicStatus.choices, default=TopicStatus.OPEN)
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("创建人")
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("创建时间"))
    published_at = models.DateTimeField(null=True, blank=True, verbose_name=_("发布时间"))

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("居民议事议题")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=TopicStatus.values), name="mob_topic_status"),
            models.CheckConstraint(
                condition=(
                    Q(source="case", case__isnull=False)
                    | Q(source="diary", diary_entry_id__isnull=False)
                    | Q(source="own", case__isnull=True, diary_entry_id__isnull=True)
                ),
                name="mob_topic_source_fields",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    """A deliberation meeting on a topic: when, where, who came (names are personal: never published, only the
    count), the options and their votes (or consensus), and the decision."""

    topic = models.ForeignKey(Topic, verbose_name=_("议题"), on_delete=models.PROTECT, related_name="meetings")
    format = models.CharField(_("形式"), max_length=16, choices=MeetingFormat.choices)
    held_at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=200)
    attendees = models.JSONField(_("参会人员"), default=list)
    decision_mode = models.CharField(_("议决方式"), max_length=10, choices=DecisionMode.choices)
    decision = models.TextField(_("议定事项"), blank=True)
    recorded_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("记录人")
    )

    class Meta:
        verbose_name = _("议事会")
        verbose_name_plural = _("议事会")
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return f"{self.topic} @ {self.held_at:%Y-%m-%d}"

    @property
    def attendee_count(self) -> int:
        return len(self.attendees or [])


class MeetingOption(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="options")
    text = models.CharField(_("方案"), max_length=200)
    votes = models.PositiveIntegerField(_("票数"), default=0)
    chosen = models.BooleanField(_("采纳"), default=False)

    class Meta:
        verbose_name = _("议事方案")
        verbose_name_plural = _("议事方案")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text


class FollowUp(models.Model):
    """A follow-up task of a meeting's decision; it becomes a case (through the cases service) or a service task."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="follow_ups")
    title = models.CharField(_("跟进事项"), max_length=200)
    kind = models.CharField(_("落实方式"), max_length=14, choices=FollowUpKind.choices)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    service_task = models.ForeignKey(ServiceTask, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("跟进事项")
        verbose_name_plural = _("跟进事项")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="case", case__isnull=False, service_task__isnull=True)
                | Q(kind="service_task", service_task__isnull=False, case__isnull=True),
                name="mob_followup_target",
            )
        ]

    def __str__(self) -> str:
        return self.title
