"""三调联动: a dispute (矛盾纠纷) with its parties, mediation sessions under the three tracks (people's,
administrative, judicial), transfers between tracks, outcomes, and the per-track time limits.

A dispute hangs under a community (and a grid when known), which scopes it like a case. Every state change
writes one ``DisputeEvent`` in the same transaction (``services``); events are append-only. ``due_at`` is the
running track's deadline, watched by the sweep (``services.disputes_flag_overdue``) through a partial index.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.masking import mask_name, mask_phone

from .choices import DisputeKind, Outcome, PartyKind, PartyRole, Place, Risk, Status, Track

USER = settings.AUTH_USER_MODEL


class TrackLimit(models.Model):
    """The time limit of a mediation track, in calendar days from the start of (or transfer to) the track."""

    track = models.CharField(_("调解类型"), max_length=16, choices=Track.choices, unique=True)
    days = models.PositiveIntegerField(_("期限（天）"))

    class Meta:
        verbose_name = _("调解期限")
        verbose_name_plural = _("调解期限")
        constraints = [
            models.CheckConstraint(condition=Q(track__in=Track.values), name="med_limit_track"),
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=365),
                name="med_limit_days",
                violation_error_message=_("期限必须在 1 到 365 天之间"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_track_display()} {self.days}"


class Dispute(models.Model):
    """A dispute found in a grid, a community or the street; opened from a case or on its own."""

    title = models.CharField(_("纠纷事由"), max_length=200)
    kind = models.CharField(_("纠纷类型"), max_length=16, choices=DisputeKind.choices)
    description = models.TextField(_("基本情况"))
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    risk = models.CharField(_("风险等级"), max_length=8, choices=Risk.choices, default=Risk.LOW)
    community = models.ForeignKey(
        "governance.Region", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "grids.Grid", verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_level = models.CharField(_("发现层级"), max_length=10, choices=Place.choices)
    found_by = models.ForeignKey(USER, verbose_name=_("发现人"), null=True, on_delete=models.SET_NULL, related_name="+")
    handler = models.ForeignKey(
        USER, verbose_name=_("承办人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    track = models.CharField(_("当前调解类型"), max_length=16, choices=Track.choices, blank=True)
    mediator_body = models.CharField(_("调解组织"), max_length=120, blank=True)
    track_started_at = models.DateTimeField(_("本类调解开始"), null=True, blank=True)
    due_at = models.DateTimeField(_("调解期限"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("超期时间"), null=True, blank=True)
    resolved_level = models.CharField(_("化解层级"), max_length=10, choices=Place.choices, blank=True)
    referred_to = models.CharField(_("移交单位"), max_length=120, blank=True)
    source_case = models.ForeignKey(
        "cases.Case", verbose_name=_("来源事件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    result_case = models.ForeignKey(
        "cases.Case", verbose_name=_("转办事件"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("矛盾纠纷")
        verbose_name_plural = _("矛盾纠纷")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["due_at"], name="med_dispute_due_idx", condition=Q(status="mediating", overdue_at__isnull=True)
            ),
            models.Index(fields=["community", "created_at"], name="med_dispute_community_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="med_dispute_status"),
            models.CheckConstraint(condition=Q(kind__in=DisputeKind.values), name="med_dispute_kind"),
            models.CheckConstraint(condition=Q(risk__in=Risk.values), name="med_dispute_risk"),
            models.CheckConstraint(condition=Q(found_level__in=Place.values), name="med_dispute_found_level"),
            models.CheckConstraint(
                condition=~Q(status="mediating") | (~Q(track="") & Q(due_at__isnull=False)),
                name="med_dispute_mediating_has_track",
            ),
            models.CheckConstraint(
                condition=~Q(status="agreed") | ~Q(resolved_level=""), name="med_dispute_agreed_level"
            ),
            models.CheckConstraint(condition=Q(amount__isnull=True) | Q(amount__gte=0), name="med_dispute_amount"),
        ]

    def __str__(self) -> str:
        return self.title


class DisputeParty(models.Model):
    """A party to a dispute: a person or an organisation. The phone is personal data (masked like citizens')."""

    dispute = models.ForeignKey(Dispute, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(_("类型"), max_length=14, choices=PartyKind.choices, default=PartyKind.PERSON)
    role = models.CharField(_("身份"), max_length=12, choices=PartyRole.choices)
    name = models.CharField(_("姓名/名称"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_name(self) -> str:
        if self.kind == PartyKind.ORGANISATION:
            return self.name
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class MediationSession(models.Model):
    """One mediation session under a track; its outcome may end the dispute (agreement, no agreement, referred)."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="sessions")
    track = models.CharField(_("调解类型"), max_length=16, choices=Track.choices)
    held_at = models.DateTimeField(_("调解时间"))
    place = models.CharField(_("调解地点"), max_length=200)
    level = models.CharField(_("调解层级"), max_length=10, choices=Place.choices)
    mediator_body = models.CharField(_("调解组织"), max_length=120)
    mediators = models.CharField(_("调解员"), max_length=200)
    notes = models.TextField(_("调解情况"), blank=True)
    outcome = models.CharField(_("结果"), max_length=14, choices=Outcome.choices)
    agreement_text = models.TextField(_("协议内容"), blank=True)
    signatories = models.JSONField(_("签字人"), default=list, blank=True)
    judicial_confirmation = models.BooleanField(_("司法确认"), default=False)
    confirmation_court = models.CharField(_("确认法院"), max_length=120, blank=True)
    confirmation_date = models.DateField(_("确认日期"), null=True, blank=True)
    referred_to = models.CharField(_("移交单位"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["held_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="med_session_outcome"),
            models.CheckConstraint(
                condition=~Q(outcome="agreement") | ~Q(agreement_text=""), name="med_session_agreement_text"
            ),
            models.CheckConstraint(
                condition=~Q(outcome="referred") | ~Q(referred_to=""), name="med_session_referred_to"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispute} {self.held_at:%Y-%m-%d}"

    @property
    def masked_signatories(self) -> list[str]:
        """The signatories are the parties (names): masked like them for those who may not see the parties."""
        return [mask_name(name) for name in self.signatories]


#: ``actor_name`` of what the sweep did.
SYSTEM_ACTOR = "system"

#: What each event's ``action`` means, for the timelines.
ACTION_LABELS = {
    "open": _("登记纠纷"),
    "assign": _("指定承办人"),
    "start": _("开始调解"),
    "transfer": _("转换调解类型"),
    "session": _("记录调解"),
    "to_case": _("转为事件"),
    "refer": _("移交"),
    "overdue": _("超过调解期限"),
}


class DisputeEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("DisputeEvent is append-only")

    def delete(self):
        raise PermissionError("DisputeEvent is append-only")


class DisputeEvent(models.Model):
    """One line of a dispute's audit trail; append-only. ``actor_name`` "system" marks the sweep."""

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="events", verbose_name=_("纠纷"))
    action = models.CharField(_("动作"), max_length=32)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("操作人")
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=60)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True, verbose_name=_("数据"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    objects = DisputeEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("纠纷流转记录")
        verbose_name_plural = _("纠纷流转记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError("DisputeEvent is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("DisputeEvent is append-only")

    @property
    def label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def actor_label(self) -> str:
        """Who acted, in the reader's language: the sweep's marker is not a name."""
        return str(_("系统")) if self.actor_id is None and self.actor_name == SYSTEM_ACTOR else self.actor_name
