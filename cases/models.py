"""The case (事件), its append-only audit trail, evidence, dispatches, extension requests and ratings.

Nothing outside ``cases/services.py`` assigns ``Case.status`` or ``Case.level``.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase

from core.db.prepared import PreparedInsert
from core.masking import mask_name, mask_phone
from governance.choices import Grade, Level
from governance.models import Category, Department, JurisdictionRule, Region
from grids.models import Grid

from .choices import (
    CLOCK_STATUSES,
    OPEN_STATUSES,
    Channel,
    EvidenceStage,
    HandlerKind,
    RatingResult,
    RequestStatus,
    ReturnReason,
    Status,
)


def new_follow_up_token() -> str:
    return secrets.token_urlsafe(24)


#: The columns the dashboard's counters and grid map count open cases by (``escalation.filters.COUNTERS``, the
#: traffic lights): carried in the open-case indexes, so a district's 13,000 open cases are counted by an
#: index-only scan instead of reading as many heap pages (1M cases: 22 → 6 ms).
OPEN_COUNTED = ["grid_id", "status", "due_at", "yellow_at", "supervised_at", "return_count"]
#: What the scopes' report-time indexes carry: ``assessment.selectors.daily_status`` counts by it, index-only.
REPORTED_COUNTED = ["status"]


class Case(PreparedInsert):
    """A reported matter, from report to closure and rating.

    ``status`` says what is happening and ``level`` who holds it; ``district``/``street``/``community``
    are copied from the grid (or the chosen place) so that scope filters are single indexed columns.
    ``due_at`` is the deadline of the case at its current level; the sweep escalates on it.
    ``yellow_at`` is when the case turns yellow (a share of the time used, see YELLOW_THRESHOLD).
    """

    number = models.CharField(_("编号"), max_length=32)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("描述"))
    category = models.ForeignKey(Category, verbose_name=_("事项类别"), on_delete=models.PROTECT, related_name="cases")
    grade = models.CharField(_("等级"), max_length=1, choices=Grade.choices)
    channel = models.CharField(_("来源渠道"), max_length=16, choices=Channel.choices)

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上报人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
        db_index=False,  # partial index below: citizens, the hotline and the API report without an account
    )
    citizen_name = models.CharField(_("群众姓名"), max_length=50, blank=True)
    citizen_phone = models.CharField(_("群众电话"), max_length=20, blank=True)
    follow_up_token = models.CharField(
        max_length=64, default=new_follow_up_token, editable=False, verbose_name=_("回访链接令牌")
    )

    lat = models.FloatField(_("纬度"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200)
    # The scope columns have no index of their own: the composite indexes below lead with them.
    grid = models.ForeignKey(
        Grid,
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    community = models.ForeignKey(
        Region,
        verbose_name=_("社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # The home the case is about (a grid worker's pick on filing, or the house of the diary entry it came from);
    # in the case's grid. The household map counts open cases per house from it.
    house = models.ForeignKey(
        "residents.House",
        verbose_name=_("房屋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    street = models.ForeignKey(
        Region, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    district = models.ForeignKey(
        Region, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+", db_index=False
    )

    level = models.CharField(_("当前层级"), max_length=12, choices=Level.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.REPORTED)
    handler_kind = models.CharField(_("承办方类型"), max_length=12, choices=HandlerKind.choices)
    handler_region = models.ForeignKey(
        Region,
        verbose_name=_("承办中心所在区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("由该区域的综治中心承办（或在其队列中待派遣）"),
        # No index: no page, API or report selects cases by it (the queues go by place and status), and each
        # escalation would write it. Deleting a region (PROTECT) scans the cases once — an admin's rare act.
        db_index=False,
    )
    rule = models.ForeignKey(
        JurisdictionRule,
        verbose_name=_("适用规则版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # likewise: read only through the case (``select_related``); deleting a rule scans once
    )

    arrived_at = models.DateTimeField(_("到达本层级时间"), default=timezone.now)
    accept_due_at = models.DateTimeField(_("受理/派遣时限"), null=True, blank=True)
    due_at = models.DateTimeField(_("本层级办理时限"), null=True, blank=True)
    yellow_at = models.DateTimeField(_("黄灯时间"), null=True, blank=True)
    warned_yellow = models.BooleanField(_("已发黄灯提醒"), default=False)
    response_due_at = models.DateTimeField(_("首次响应时限"), null=True, blank=True)
    # A deadline set outside (the 12345 hotline's resolution limit): no clock of the case runs past it, so the
    # stricter of it and the rule's sets ``due_at``; an extension the outside party approves moves it.
    external_due_at = models.DateTimeField(_("外部办结时限"), null=True, blank=True)
    responded_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)

    held_at = models.DateTimeField(_("挂账时间"), null=True, blank=True)
    held_from_status = models.CharField(max_length=16, blank=True, editable=False, verbose_name=_("挂账前状态"))
    hold_until = models.DateTimeField(_("预计恢复办理时间"), null=True, blank=True)
    # When the sweep told the handler and the deciding centre that ``hold_until`` had passed (once per hold:
    # cleared when a hold starts and at resume). The mark takes the case out of the sweep's partial index.
    hold_due_warned_at = models.DateTimeField(_("挂账到期提醒时间"), null=True, blank=True, editable=False)
    supervised_at = models.DateTimeField(_("督办时间"), null=True, blank=True)
    return_blocked = models.BooleanField(_("终局裁定（不得再退单）"), default=False)

    escalation_count = models.PositiveIntegerField(_("上报次数"), default=0)
    rework_count = models.PositiveIntegerField(_("返工次数"), default=0)
    return_count = models.PositiveIntegerField(_("退单次数"), default=0)
    dispatch_count = models.PositiveIntegerField(_("派遣次数"), default=0)
    extension_count = models.PositiveIntegerField(_("延期次数"), default=0)
    reopen_count = models.PositiveIntegerField(_("重办次数"), default=0, db_default=0)

    reported_at = models.DateTimeField(_("上报时间"), default=timezone.now)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派遣时间"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    resolved_on_time = models.BooleanField(_("按期办结"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # partial index below: open cases have none
    )
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_cases",
        db_index=False,  # partial index below: few cases are merged
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["-reported_at"]
        # Exports carry masked contacts; the unmasked ones need this permission (granted in the admin).
        permissions = [("export_citizen_contact", _("可导出群众联系方式明文"))]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="case_status_valid"),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="case_level_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="case_channel_valid"),
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="case_grade_valid"),
            # Constraints, not ``unique=True``: on PostgreSQL that adds a second (LIKE) index nothing uses.
            models.UniqueConstraint(fields=["number"], name="case_number_unique"),
            models.UniqueConstraint(fields=["follow_up_token"], name="case_follow_up_token_unique"),
        ]
        # Every index is written on each change of level, status or due time (the sweep moves 100,000 cases at
        # a time), so each one earns its place: no index a composite one already leads with, and columns that
        # stay empty while a case is open (closed_at, resolved_at, merged_into …) are indexed only where set.
        indexes = [
            # The sweep's query: open cases whose clock runs, by due time.
            models.Index(
                fields=["due_at"],
                name="case_sweep_due_idx",
                condition=Q(status__in=[s.value for s in CLOCK_STATUSES], supervised_at__isnull=True),
            ),
            # … and the supervised ones (督办 by a higher centre or after an overdue summons) below the top level, which
            # still climb when overdue: few rows, so few entries; ``cases.services.overdue``.
            models.Index(
                fields=["due_at"],
                name="case_sweep_supervised_idx",
                condition=Q(status__in=[s.value for s in CLOCK_STATUSES], supervised_at__isnull=False),
            ),
            models.Index(
                fields=["yellow_at"],
                name="case_sweep_yellow_idx",
                condition=Q(status__in=[s.value for s in CLOCK_STATUSES], warned_yellow=False),
            ),
            # Holds whose expected end the sweep has not yet announced (``escalation.services.sweep``): held cases
            # only, so the sweep's other writes gain no entries.
            models.Index(
                fields=["hold_until"],
                name="case_sweep_hold_due_idx",
                condition=Q(status=Status.ON_HOLD, hold_until__isnull=False, hold_due_warned_at__isnull=True),
            ),
            models.Index(fields=["street", "status", "-reported_at"], name="case_street_status_idx"),
            models.Index(fields=["community", "status", "-reported_at"], name="case_community_status_idx"),
            models.Index(fields=["district", "status", "-reported_at"], name="case_district_status_idx"),
            models.Index(fields=["grid", "status", "-reported_at"], name="case_grid_status_idx"),
            models.Index(fields=["-reported_at"], name="case_reported_idx"),
            models.Index(fields=["house", "status"], name="case_house_status_idx", condition=Q(house__isnull=False)),
            models.Index(fields=["closed_at"], name="case_closed_idx", condition=Q(closed_at__isnull=False)),
            # The dashboard (counters, queue, grid map): open cases of a scope, newest first. Partial: only the
            # open few per cent of the rows, so a district's open cases are read without touching its closed ones;
            # covering (``OPEN_COUNTED``): the counters and the map's counts are read from the index alone.
            models.Index(
                fields=["district", "-reported_at", "-id"],
                name="case_open_district_idx",
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                include=OPEN_COUNTED,
            ),
            models.Index(
                fields=["street", "-reported_at", "-id"],
                name="case_open_street_idx",
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                include=OPEN_COUNTED,
            ),
            models.Index(
                fields=["community", "-reported_at", "-id"],
                name="case_open_community_idx",
                condition=Q(status__in=[s.value for s in OPEN_STATUSES]),
                include=OPEN_COUNTED,
            ),
            # The assessment: "reported / due / closed / resolved in the period" within a street or a district.
            # Each count is a range on one date column, OR-ed (BitmapOr): with the scope leading, the scan reads
            # only the scope's rows of the period, not the whole city's (nor the scope's whole history). The report
            # time's carries the status: the daily chart (cases reported each day, by status now) reads a
            # district's month from the index alone.
            *[
                models.Index(
                    fields=[scope, column],
                    name=f"case_{scope}_{column.removesuffix('_at')}_idx",
                    condition=Q(**{f"{column}__isnull": False}) if column in ("closed_at", "resolved_at") else None,
                    include=REPORTED_COUNTED if column == "reported_at" else (),
                )
                for scope in ("street", "district")
                for column in ("reported_at", "due_at", "closed_at", "resolved_at")
            ],
            # The same without a scope (admins, city): reported and closed have theirs above.
            models.Index(fields=["due_at"], name="case_due_idx"),
            models.Index(fields=["resolved_at"], name="case_resolved_idx", condition=Q(resolved_at__isnull=False)),
            models.Index(fields=["resolved_by"], name="case_resolved_by_idx", condition=Q(resolved_by__isnull=False)),
            # "Reported by me" (the grid worker's tab) and SET_NULL when a user goes: only cases with a reporter.
            models.Index(fields=["reporter"], name="case_reporter_idx", condition=Q(reporter__isnull=False)),
            models.Index(fields=["merged_into"], name="case_merged_into_idx", condition=Q(merged_into__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.CLOSED, Status.REJECTED, Status.MERGED)

    @property
    def round(self) -> int:
        """The handling round (办理轮次): 1, and one more after each reopen (重办). Each round is rated once."""
        return self.reopen_count + 1

    def light(self, now=None) -> str:
        """Traffic light: "red" past the due time, "yellow" past the warning point, else "green" ("" when no clock)."""
        from .lights import case_light

        return case_light(status=self.status, due_at=self.due_at, yellow_at=self.yellow_at, now=now or timezone.now())

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.citizen_phone)

    @property
    def masked_name(self) -> str:
        return mask_name(self.citizen_name)


class CaseEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("CaseEvent is append-only")

    def delete(self):
        raise PermissionError("CaseEvent is append-only")


class CaseEvent(PreparedInsert):
    """One line of the audit trail. Append-only: the application never updates or deletes a row.

    ``actor_name`` keeps who acted even if the user is later deleted; ``actor`` empty with
    ``actor_name == "system"`` marks the sweep. ``public`` events appear on the citizen timeline.
    """

    # No single-column indexes: event_case_at_idx leads with the case, and the actor's is partial (the
    # sweep's events have none) — the sweep inserts events by the hundred thousand.
    case = models.ForeignKey(
        Case, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="events", db_index=False
    )
    action = models.CharField(_("动作"), max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=60)
    actor_role = models.CharField(_("操作人身份"), max_length=60, blank=True)
    from_status = models.CharField(verbose_name=_("原状态"), max_length=16, blank=True)
    to_status = models.CharField(verbose_name=_("新状态"), max_length=16, blank=True)
    from_level = models.CharField(verbose_name=_("原层级"), max_length=12, blank=True)
    to_level = models.CharField(verbose_name=_("新层级"), max_length=12, blank=True)
    reason = models.CharField(_("原因"), max_length=40, blank=True)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(verbose_name=_("详情"), default=dict, blank=True)
    public = models.BooleanField(_("群众可见"), default=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("事件流转记录")
        verbose_name_plural = _("事件流转记录")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["case", "at"], name="event_case_at_idx"),
            models.Index(fields=["action", "at"], name="event_action_at_idx"),
            models.Index(fields=["actor"], name="event_actor_idx", condition=Q(actor__isnull=False)),
        ]

    def __str__(self) -> str:
        from .views.display import event_label  # the event's name in words, as its timeline says it

        return f"{event_label(self)} · {timezone.localtime(self.at):%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise PermissionError("CaseEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("CaseEvent is append-only")


def evidence_path(instance: Evidence, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}.{ext}"


class Evidence(models.Model):
    """A photo or file attached to a case (report, resolution, verification, department response).

    Type is decided from the content (see ``cases.evidence``), never from the extension; the
    file is stored under MEDIA_ROOT by its SHA-256.
    """

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="evidence")
    event = models.ForeignKey(
        CaseEvent, verbose_name=_("流转记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    stage = models.CharField(_("环节"), max_length=16, choices=EvidenceStage.choices, default=EvidenceStage.REPORT)
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("类型"), max_length=60)
    size = models.PositiveIntegerField(_("大小"))
    sha256 = models.CharField(verbose_name=_("文件指纹"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(verbose_name=_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def public_url(self) -> str:
        """The signed URL a citizen may open (served only while this file is on a public event; cases.media)."""
        from .media import public_evidence_url

        return public_evidence_url(self)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class CasePlace(models.Model):
    """The case's scope columns, copied onto rows that the assessment counts per scope (dispatches, ratings).

    A case never moves, so the copy never goes stale; with it a street's or a district's dispatches and
    ratings of a period are read through ``(scope, time)`` indexes on the rows themselves, instead of by
    joining every case of the scope (``cases.selectors.Scope.rows``). ``save`` copies them from the case when
    they are not set; bulk inserts set them themselves (``place_of``).
    """

    place_fields: tuple[str, ...] = ("community_id", "street_id", "district_id")

    community = models.ForeignKey(
        Region,
        verbose_name=_("社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    street = models.ForeignKey(
        Region, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    district = models.ForeignKey(
        Region, verbose_name=_("区"), on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.street_id is None and self.case_id is not None:
            place = Case.objects.filter(pk=self.case_id).values(*self.place_fields).first() or {}
            for name, value in place.items():
                setattr(self, name, value)
        super().save(*args, **kwargs)

    @classmethod
    def place_of(cls, case: Case) -> dict[str, int | None]:
        return {name: getattr(case, name) for name in cls.place_fields}


#: The rating columns the assessment counts and groups by: carried in the place indexes of ratings.
RATING_COUNTED = [
    "id",
    "result",
    "latest",
    "grid_id",
    "community_id",
    "street_id",
    "case_id",
    "channel",
    "contacted",
    "solved",
]


def place_indexes(prefix: str, column: str, **extra) -> list[models.Index]:
    """``(scope, column)`` for each scope an assessment can have (community, street, district)."""
    return [
        models.Index(fields=[scope, column], name=f"{prefix}_{scope}_{column.removesuffix('_at')}_idx", **extra)
        for scope in ("community", "street", "district")
    ]


class CaseDispatch(CasePlace):
    """One dispatch of a case to one target (a grid team, a centre, or a department). Returns are recorded here."""

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="dispatches")
    level = models.CharField(verbose_name=_("层级"), max_length=12, choices=Level.choices)
    department = models.ForeignKey(
        Department, verbose_name=_("职能部门"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("综治中心"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("派往该区域综治中心"),
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("网格团队"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("派遣人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dispatcher_region = models.ForeignKey(
        Region,
        verbose_name=_("派遣方"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("派遣方所在区域"),
    )
    dispatched_at = models.DateTimeField(verbose_name=_("派遣时间"), default=timezone.now)
    signed_at = models.DateTimeField(verbose_name=_("签收时间"), null=True, blank=True)
    returned_at = models.DateTimeField(verbose_name=_("退单时间"), null=True, blank=True)
    return_reason = models.CharField(
        verbose_name=_("退单原因"), max_length=20, choices=ReturnReason.choices, blank=True
    )
    return_note = models.TextField(verbose_name=_("退单说明"), blank=True)
    # 退单 is asked by the handler within the return window and decided by the dispatcher.
    return_due_at = models.DateTimeField(_("退单时限"), null=True, blank=True)
    return_requested_at = models.DateTimeField(_("申请退单时间"), null=True, blank=True)
    return_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请退单人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    return_refused_at = models.DateTimeField(_("退单驳回时间"), null=True, blank=True)
    return_refusal = models.TextField(_("驳回理由"), blank=True, db_default="")
    active = models.BooleanField(verbose_name=_("在办"), default=True)

    class Meta:
        verbose_name = _("派遣记录")
        verbose_name_plural = _("派遣记录")
        ordering = ["dispatched_at", "id"]
        indexes = [
            models.Index(fields=["department", "active"], name="dispatch_dept_active_idx"),
            models.Index(fields=["dispatched_at"], name="dispatch_at_idx"),
            models.Index(fields=["returned_at"], name="dispatch_returned_idx", condition=Q(returned_at__isnull=False)),
            *place_indexes("disp", "dispatched_at"),
            *place_indexes("disp", "returned_at", condition=Q(returned_at__isnull=False)),
        ]

    def __str__(self) -> str:
        target = self.department or self.grid or self.region
        return f"{self.case_id} → {target}"

    @property
    def return_pending(self) -> bool:
        return bool(self.active and self.return_requested_at and not self.return_refused_at)

    @property
    def target_name(self) -> str:
        target = self.department or self.grid or self.region
        return target.name if target is not None else ""


class CaseRequest(models.Model):
    """A handler's request on a case that the dispatching centre decides (延期, 挂账): who asked, when, why, and
    the decision. Each concrete request adds its ``case`` (with its own related name) and what it asks for."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(verbose_name=_("申请时间"), default=timezone.now)
    reason = models.TextField(_("理由"))
    status = models.CharField(
        verbose_name=_("审批状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(verbose_name=_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(verbose_name=_("审批意见"), blank=True)

    class Meta:
        abstract = True
        ordering = ["-requested_at"]

    @classmethod
    def pending_for(cls, case: Case | int) -> Self | None:
        """The case's pending request of this kind (at most one: a partial unique constraint)."""
        return cls._default_manager.filter(case=case, status=RequestStatus.PENDING).first()

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING

    def decide(self, *, approved: bool, actor: Any, now: datetime, note: str = "") -> None:
        """Record the centre's decision (approved or refused) on this request."""
        self.status = RequestStatus.APPROVED if approved else RequestStatus.REFUSED
        self.decided_by, self.decided_at, self.decision_note = actor, now, note
        self.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])


class ExtensionRequest(CaseRequest):
    """延期: the handler asks for a later due time; the centre approves (the due time moves) or refuses."""

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="extension_requests")
    requested_due_at = models.DateTimeField(_("申请延至"))

    class Meta(CaseRequest.Meta):
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="one_pending_extension_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.requested_due_at:%Y-%m-%d %H:%M}"


class HoldRequest(CaseRequest):
    """挂账申请: the handler asks to pause the clock (reason, expected resume); the dispatching centre decides."""

    case = models.ForeignKey(Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="hold_requests")
    expected_end = models.DateTimeField(_("预计恢复办理时间"))

    class Meta(CaseRequest.Meta):
        verbose_name = _("挂账申请")
        verbose_name_plural = _("挂账申请")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=Q(status="pending"), name="one_pending_hold_per_case")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ⏸ {self.expected_end:%Y-%m-%d}"


class Rating(CasePlace):
    """回访/评价: one rating per handling round (办理轮次), by the reporter through the follow-up link or recorded
    by staff (电话回访: ``recorded_by``). Earlier rounds' ratings stay as history; ``latest`` marks the one
    the assessment counts. ``contacted``/``solved`` carry the hotline's 回访 result (联系、解决) when known."""

    # The case's channel too (it never changes): the hotline channel's satisfaction reads its ratings through
    # the place indexes alone, without a join to every rated case of the scope.
    place_fields = ("grid_id", "community_id", "street_id", "district_id", "channel")

    case = models.ForeignKey(
        Case, verbose_name=_("事件"), on_delete=models.CASCADE, related_name="ratings", db_index=False
    )
    channel = models.CharField(_("来源渠道"), max_length=16, blank=True, default="", db_default="")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1, db_default=1)
    latest = models.BooleanField(_("最新一轮"), default=True, db_default=True)
    contacted = models.BooleanField(_("已联系"), null=True, blank=True)
    solved = models.BooleanField(_("已解决"), null=True, blank=True)
    # The case's grid too: the assessment's satisfaction rows are per grid.
    grid = models.ForeignKey(
        Grid, verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    result = models.CharField(_("评价"), max_length=12, choices=RatingResult.choices)
    comment = models.TextField(_("意见"), blank=True)
    rated_at = models.DateTimeField(verbose_name=_("评价时间"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("工作人员电话回访时记录人"),
    )

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["case", "round"]
        constraints = [
            models.CheckConstraint(condition=Q(result__in=RatingResult.values), name="rating_result_valid"),
            models.UniqueConstraint(fields=["case", "round"], name="one_rating_per_round"),
            models.UniqueConstraint(fields=["case"], condition=Q(latest=True), name="one_latest_rating_per_case"),
        ]
        # The assessment's satisfaction: in a period, everywhere or in one scope. Covering: the assessment's
        # rating counts of a community, street or district and period are read from the index alone (an
        # index-only scan), not by fetching each rating row (a district's 30 days: 95 → 5 ms).
        indexes = [
            models.Index(fields=["rated_at"], name="rating_rated_idx"),
            *place_indexes("rating", "rated_at", include=RATING_COUNTED),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.round} {self.get_result_display()}"


class CaseNumberSequence(models.Model):
    """The last number used per street and year; locked row by row when a case is filed."""

    street = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["street", "year"], name="case_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.street_id}/{self.year}: {self.last}"


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """django-guardian per-case grants to a group, with a real foreign key (joins by index, not by text pk).

    Dispatching or summoning a department grants ``cases.view_case`` on the case to its liaison group.
    """

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="group_grants")

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
