"""Grid cells (社区网格 and 专属网格), their boundaries, and 1+1+N staffing."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from governance.models import Organisation, Region

from .choices import SINGLE_SEAT_ROLES, GridKind, StaffRole, StaffSource


class Grid(models.Model):
    """The basic unit of governance: ~300–500 households under one community.

    ``boundary`` is a GeoJSON Polygon (or MultiPolygon) geometry in WGS 84 lng/lat order; the
    bounding box columns are derived from it on save and let ``locate_grid`` narrow candidates
    with an indexed range query before the exact point-in-polygon test.
    """

    code = models.CharField(_("网格编码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=GridKind.choices, default=GridKind.COMMUNITY)
    community = models.ForeignKey(
        Region,
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        related_name="grids",
        limit_choices_to={"level": "community"},
    )
    boundary = models.JSONField(_("边界（GeoJSON）"), null=True, blank=True)
    min_lng = models.FloatField(null=True, blank=True, editable=False, verbose_name=_("最小经度"))
    max_lng = models.FloatField(null=True, blank=True, editable=False, verbose_name=_("最大经度"))
    min_lat = models.FloatField(null=True, blank=True, editable=False, verbose_name=_("最小纬度"))
    max_lat = models.FloatField(null=True, blank=True, editable=False, verbose_name=_("最大纬度"))
    households = models.PositiveIntegerField(_("户数"), default=0)
    population = models.PositiveIntegerField(_("人口"), default=0)
    party_branch = models.ForeignKey(
        Organisation,
        verbose_name=_("网格党支部"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grids",
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["code"]
        permissions = [
            ("work_in_grid", "可在网格内上报和处置事件（网格团队）"),
        ]
        indexes = [models.Index(fields=["min_lng", "max_lng", "min_lat", "max_lat"], name="grid_bbox_idx")]
        constraints = [models.CheckConstraint(condition=Q(kind__in=GridKind.values), name="grid_kind_valid")]

    def __str__(self) -> str:
        return f"{self.name}"

    def save(self, *args, **kwargs) -> None:
        from .geo import bbox_of

        box = bbox_of(self.boundary) if self.boundary else None
        self.min_lng, self.min_lat, self.max_lng, self.max_lat = box if box else (None, None, None, None)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        """Refuse a boundary that is not a valid lng/lat polygon, and a "community" that is not one."""
        from .geo import GeometryError, validate_boundary

        errors = {}
        if self.boundary not in (None, ""):
            try:
                validate_boundary(self.boundary)
            except GeometryError as exc:
                errors["boundary"] = str(exc)
        if self.community_id and self.community.level != "community":
            errors["community"] = _("网格必须挂在社区下")
        if errors:
            raise ValidationError(errors)


class GridAssignment(models.Model):
    """A person's seat on a grid team. Active while ``ended_on`` is empty.

    The database holds "1+1": a partial unique index allows one active grid leader and one
    active full-time worker per grid. Write through ``grids.services`` (which also grants the
    grid's object permissions), never directly.
    """

    grid = models.ForeignKey(Grid, verbose_name=_("网格"), on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="grid_assignments"
    )
    role = models.CharField(_("岗位"), max_length=20, choices=StaffRole.choices)
    source = models.CharField(_("来源"), max_length=20, choices=StaffSource.choices, default=StaffSource.OTHER)
    source_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("来源组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grid_assignments",
    )
    started_on = models.DateField(_("起始日期"), default=timezone.localdate)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("网格人员")
        verbose_name_plural = _("网格人员（1+1+N）")
        ordering = ["grid__code", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "role"],
                condition=Q(ended_on__isnull=True) & Q(role__in=[r.value for r in SINGLE_SEAT_ROLES]),
                name="one_active_leader_and_full_time_worker",
                violation_error_message=_("该网格已有一名在岗的网格长（或专职网格员）：请先为原人员填写结束日期"),
            ),
            models.UniqueConstraint(
                fields=["grid", "user"],
                condition=Q(ended_on__isnull=True),
                name="one_active_seat_per_person_and_grid",
                violation_error_message=_("此人已在该网格在岗：请先为原任职填写结束日期"),
            ),
            models.CheckConstraint(condition=Q(role__in=StaffRole.values), name="assignment_role_valid"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="assignment_ends_after_start",
                violation_error_message=_("结束日期不能早于开始日期"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grid} · {self.get_role_display()} · {self.user}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None
