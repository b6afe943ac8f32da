"""Whistles and summonses (吹哨报到), supervision (督办) and notices (inbox + email outbox)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import RequestStatus
from cases.choices import Status as CaseStatus
from cases.models import Case
from governance.choices import TimeUnit
from governance.models import Department, Region

from .choices import OPEN_SUMMONS, WAITING_SUMMONS, DeliveryStatus, NoticeKind, SummonsStatus


class Whistle(models.Model):
    """吹哨: street (or community, 社区呼叫) staff summon one or more departments to a case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="whistles")
    blown_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", help_text=_("吹哨的街道或社区"))
    reason = models.TextField(_("吹哨事由"))
    report_in_minutes = models.PositiveIntegerField(_("报到时限（分钟）"), default=30)
    response_limit = models.PositiveIntegerField(_("响应时限"), default=1)
    response_unit = models.CharField(max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS)
    blown_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("吹哨")
        verbose_name_plural = _("吹哨")
        ordering = ["-blown_at"]

    def __str__(self) -> str:
        return f"{self.case.number} @ {self.blown_at:%Y-%m-%d %H:%M}"


class Summons(models.Model):
    """One department's duty under a whistle: summoned → reported in (报到) → responded → done, or returned.

    ``report_in_due_at`` and ``respond_due_at`` are the two clocks; the sweep puts an overdue
    summons under district supervision once (``overdue_at``).
    """

    whistle = models.ForeignKey(Whistle, on_delete=models.CASCADE, related_name="summonses")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="summonses")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="summonses")
    status = models.CharField(max_length=12, choices=SummonsStatus.choices, default=SummonsStatus.SUMMONED)
    report_in_due_at = models.DateTimeField(_("报到时限"))
    respond_due_at = models.DateTimeField(_("响应时限"))
    reported_in_at = models.DateTimeField(_("报到时间"), null=True, blank=True)
    reported_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reported_late = models.BooleanField(_("迟报到"), default=False)
    responded_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    response = models.TextField(_("反馈内容"), blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    return_reason = models.TextField(blank=True)
    overdue_at = models.DateTimeField(_("超时督办时间"), null=True, blank=True)
    # 延期: the liaison asks the whistling centre for a later response time (one request open at a time;
    # the history of requests and decisions is on the case's timeline).
    extension_status = models.CharField(_("延期申请"), max_length=10, choices=RequestStatus.choices, blank=True)
    extension_until = models.DateTimeField(_("申请延至"), null=True, blank=True)
    extension_reason = models.TextField(_("延期理由"), blank=True)
    extension_requested_at = models.DateTimeField(_("延期申请时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("部门报到")
        verbose_name_plural = _("部门报到")
        ordering = ["whistle", "department__code"]
        constraints = [
            models.UniqueConstraint(fields=["whistle", "department"], name="one_summons_per_department"),
            models.CheckConstraint(condition=Q(status__in=SummonsStatus.values), name="summons_status_valid"),
            models.CheckConstraint(
                condition=Q(extension_status__in=["", *RequestStatus.values]), name="summons_extension_status_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["report_in_due_at"],
                name="summons_report_due_idx",
                condition=Q(status="summoned", overdue_at__isnull=True),
            ),
            models.Index(
                fields=["respond_due_at"],
                name="summons_respond_due_idx",
                condition=Q(status__in=["summoned", "reported_in"], overdue_at__isnull=True),
            ),
            models.Index(fields=["department", "status"], name="summons_dept_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_SUMMONS

    @property
    def clocks_paused(self) -> bool:
        """Still waiting for the department, but its case is on hold (挂账): the report-in and response clocks wait
        with the case's own, and move on by the held time when it resumes."""
        return self.status in WAITING_SUMMONS and self.case.status == CaseStatus.ON_HOLD


class Supervision(models.Model):
    """督办: a higher level takes an overdue case (or summons) under supervision."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="supervisions")
    summons = models.ForeignKey(Summons, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", help_text=_("督办的区域中心"))
    reason = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.case.number} · {self.reason}"


class Notice(models.Model):
    """A message to one user: shown in the in-app inbox, and emailed through the outbox.

    Email delivery is an outbox: rows are written in the transaction that caused them and sent
    after commit; failures back off (``next_attempt_at``) and the sweep re-sends what is pending.
    ``dedupe_key`` makes "once each" hold in the database (yellow/red per case and due time); the notices
    of a case event have none (the event is announced once, in its own transaction).
    """

    # Indexes: the inbox and the unique key lead with the recipient; the summons' is partial (most notices have
    # none) — the sweep writes notices by the hundred thousand, and each index is a write per row.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices", db_index=False
    )
    kind = models.CharField(max_length=20, choices=NoticeKind.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="notices")
    summons = models.ForeignKey(
        Summons, null=True, blank=True, on_delete=models.CASCADE, related_name="notices", db_index=False
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=200, blank=True)
    dedupe_key = models.CharField(max_length=120, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                name="notice_once_per_recipient_key",
                condition=Q(dedupe_key__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notice_inbox_idx"),
            models.Index(fields=["next_attempt_at"], name="notice_outbox_idx", condition=Q(email_status="pending")),
            models.Index(fields=["summons"], name="notice_summons_idx", condition=Q(summons__isnull=False)),
        ]

    def __str__(self) -> str:
        return self.title
