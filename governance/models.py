"""Places, people and rules: the region tree, party and government organisations, departments,
the matter catalogue, the jurisdiction list and the work calendar."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.labels import in_reader_language, name_within
from core.roles import is_admin

from .choices import (
    LEVEL_ORDER,
    ORG_KIND_LINE,
    REGION_PARENT_LEVEL,
    DayKind,
    Grade,
    HandlerKind,
    Level,
    OrgKind,
    OrgLine,
    RegionLevel,
    Role,
    TimeUnit,
    home_level,
    limit_ceiling,
    top_level,
)


class Region(models.Model):
    """A node of the administrative tree: city → district → street → community. Grids hang under communities."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("行政区划代码"), max_length=20, unique=True)
    level = models.CharField(_("层级"), max_length=12, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    case_prefix = models.CharField(
        _("案件编号前缀"), max_length=8, blank=True, help_text=_("街道的案件编号前缀，如 JD（JD-2026-000123）")
    )

    class Meta:
        verbose_name = _("行政区域")
        verbose_name_plural = _("行政区域")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=RegionLevel.values),
                name="region_level_valid",
                violation_error_message=_("请选择有效的区域层级"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        expected = REGION_PARENT_LEVEL.get(self.level)
        if expected is None and self.parent_id:
            raise ValidationError({"parent": _("市级区域不能有上级")})
        if expected is not None and (self.parent is None or self.parent.level != expected):
            raise ValidationError({"parent": _("上级必须是%(level)s") % {"level": RegionLevel(expected).label}})

    def ancestor(self, level: str) -> Region | None:
        """This region or the nearest ancestor at ``level`` (walks the parent chain, at most three steps)."""
        node: Region | None = self
        while node is not None and node.level != level:
            node = node.parent
        return node


class User(AbstractUser):
    """Anyone who signs in.

    Scope: centre staff by ``region``; liaisons by ``department``; grid workers by grid assignments.
    """

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.GRID_WORKER)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所属区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("综治中心工作人员的辖区（社区、街道或区）"),
    )
    department = models.ForeignKey(
        "governance.Department",
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="liaisons",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_admin(self) -> bool:
        return is_admin(self)


class Organisation(models.Model):
    """A party or government body attached to a region, parent-linked.

    "五级双线": the party line mirrors the region tree.
    """

    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=40, choices=OrgKind.choices)
    line = models.CharField(_("条线"), max_length=12, choices=OrgLine.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="organisations"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级组织"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_extended = models.BooleanField(_("大工委/大党委"), default=False, help_text=_("吸纳驻区单位负责人为兼职委员"))

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["region__code", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"],
                name="organisation_unique_name_in_region",
                violation_error_message=_("该区域已有同名组织"),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        expected_line = ORG_KIND_LINE.get(self.kind)
        if expected_line and self.line and self.line != expected_line:
            raise ValidationError(
                {
                    "line": _("“%(kind)s”属于%(line)s条线")
                    % {"kind": OrgKind(self.kind).label, "line": OrgLine(expected_line).label}
                }
            )
        if self.parent_id and self.parent.line != self.line:
            raise ValidationError({"parent": _("上级组织必须在同一条线（党组织/政府）")})


class CoOptedMember(models.Model):
    """A unit in the area (驻区单位) whose head sits on an extended committee (大工委/大党委) as a part-time member."""

    committee = models.ForeignKey(
        Organisation, verbose_name=_("大工委/大党委"), on_delete=models.CASCADE, related_name="co_opted_members"
    )
    unit_name = models.CharField(_("成员单位"), max_length=120)
    representative = models.CharField(_("兼职委员"), max_length=50)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    since = models.DateField(_("加入日期"), default=timezone.localdate)

    class Meta:
        verbose_name = _("兼职委员单位")
        verbose_name_plural = _("兼职委员单位")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "unit_name"],
                name="co_opted_unit_unique",
                violation_error_message=_("该单位已是这个组织的兼职委员单位"),
            )
        ]

    def __str__(self) -> str:
        return name_within(self.unit_name, self.representative)


class Department(models.Model):
    """A functional department (职能部门) at district or street level; its liaisons answer dispatches and whistles."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(_("编码"), max_length=30, unique=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("所属区域"),
        on_delete=models.PROTECT,
        related_name="departments",
        help_text=_("部门所在的区或街道"),
    )
    active = models.BooleanField(_("启用"), default=True)
    email = models.EmailField(_("邮箱"), blank=True)
    group = models.OneToOneField(
        "auth.Group",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="department",
        help_text=_("部门联络员所在的权限组；派遣、吹哨时按案件授权给该组"),
        verbose_name=_("权限组"),
    )

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.region_id and self.region.level not in (RegionLevel.DISTRICT, RegionLevel.STREET):
            raise ValidationError({"region": _("职能部门只能设在区或街道")})


class Category(models.Model):
    """The matter catalogue (网格事项清单): 大类 (no parent) and 小类 (with parent, grade and rules)."""

    code = models.CharField(_("编码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=150, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("大类"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    grade = models.CharField(_("等级"), max_length=1, choices=Grade.choices, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("事项类别")
        verbose_name_plural = _("事项清单")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grade__in=["", *Grade.values]),
                name="category_grade_valid",
                violation_error_message=_("请选择有效的等级（A–D）"),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(grade=""),
                name="subcategory_has_grade",
                violation_error_message=_("小类必须有等级"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def label(self) -> str:
        """The name in the reader's language (``name_en`` on English pages, where the catalogue has it)."""
        return in_reader_language(self.name, self.name_en)

    @property
    def coded_label(self) -> str:
        """The catalogue code and the name in the reader's language, as staff pick a 小类: "0202 Illegal dumping"."""
        return f"{self.code} {self.label}"

    @property
    def is_major(self) -> bool:
        return self.parent_id is None

    @property
    def home_level(self) -> str:
        """The level the grade says the case should be resolved at (A grid, B street, C district, D city), capped at
        the configured top level."""
        return home_level(self.grade)

    def clean(self) -> None:
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": _("事项清单只有两级：大类和小类")})
        if self.parent_id and not self.grade:
            raise ValidationError({"grade": _("小类必须有等级")})


class JurisdictionRule(models.Model):
    """One version of the jurisdiction list's entry for (category, level): who handles there and within what limits.

    Versioned: a change closes the current row (``valid_to``) and adds a new one (see
    ``services.jurisdiction_rule_revise``). Cases copy their due times when they arrive, so a
    new version never changes a running case's deadline.
    """

    category = models.ForeignKey(
        Category,
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rules",
        help_text=_("留空表示该层级的默认时限（事项在本层级没有专门规定时使用）"),
    )
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices)
    handler_kind = models.CharField(_("承办方"), max_length=12, choices=HandlerKind.choices, default=HandlerKind.CENTRE)
    departments = models.ManyToManyField(Department, verbose_name=_("承办部门"), blank=True, related_name="rules")
    accept_limit = models.PositiveIntegerField(_("受理/派遣时限"), default=1)
    accept_unit = models.CharField(
        _("受理/派遣时限单位"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_HOURS
    )
    handling_limit = models.PositiveIntegerField(_("办理时限"))
    handling_unit = models.CharField(_("办理时限单位"), max_length=16, choices=TimeUnit.choices)
    return_limit = models.PositiveIntegerField(
        _("退单时限"),
        null=True,
        blank=True,
        help_text=_("派遣后多长时间内承办方可以申请退单；留空则与受理/派遣（签收）时限相同"),
    )
    return_unit = models.CharField(
        _("退单时限单位"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_HOURS
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    valid_from = models.DateTimeField(_("生效时间"), default=timezone.now)
    valid_to = models.DateTimeField(_("失效时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    revised_by = models.CharField(
        _("修订人"),
        max_length=150,
        blank=True,
        editable=False,
        help_text=_("写入该版本的用户；即使该账号日后被删除，这里仍保留其用户名"),
    )

    class Meta:
        verbose_name = _("权责清单条目")
        verbose_name_plural = _("权责清单")
        ordering = ["category__code", "level", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "level"],
                condition=Q(valid_to__isnull=True),
                name="one_current_rule_per_level",
                violation_error_message=_("该事项在该层级已有现行规则：请打开现行规则修改（会生成新版本）"),
            ),
            models.UniqueConstraint(
                fields=["level"],
                condition=Q(category__isnull=True, valid_to__isnull=True),
                name="one_current_default_rule_per_level",
                violation_error_message=_("该层级已有现行的默认时限：请打开它修改（会生成新版本）"),
            ),
            models.UniqueConstraint(
                fields=["category", "level", "version"],
                name="rule_version_unique",
                violation_error_message=_("该事项在该层级已有这个版本号的规则"),
            ),
            models.CheckConstraint(
                condition=Q(level__in=Level.values),
                name="rule_level_valid",
                violation_error_message=_("请选择有效的层级"),
            ),
            models.CheckConstraint(
                condition=Q(handling_limit__gt=0),
                name="rule_handling_limit_positive",
                violation_error_message=_("办理时限必须大于 0"),
            ),
        ]

    def __str__(self) -> str:
        what = self.category or _("默认")
        return f"{what} @ {self.get_level_display()} v{self.version}"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    @property
    def label(self) -> str:
        """ "0401 供水主管爆裂 · 区级 · 第 2 版" — how a centre names the rule when asked why a case is due then."""
        from django.utils.translation import gettext

        category = self.category
        what = category.coded_label if category is not None else gettext("本层级默认时限")
        return gettext("%(what)s · %(level)s级 · 第 %(version)s 版") % {
            "what": what,
            "level": Level(self.level).label,
            "version": self.version,
        }

    #: Set on a new version by ``jurisdiction_rule_revise``: the entry's level is kept, not re-judged.
    _revision: bool = False

    def clean(self) -> None:
        """Each limit at most ``limit_ceiling`` of its unit (366 days' worth); and a rule above the configured top
        level (``TOP_LEVEL``) would never be used — cases stop at the top and take the top level's rule — so it is
        refused here rather than silently losing its limits."""
        errors = self.limit_errors()
        top = top_level()
        # A revision keeps its entry's level: an entry made before the top was lowered can be revised.
        if (
            not self._revision
            and self.level in Level.values
            and LEVEL_ORDER.index(Level(self.level)) > LEVEL_ORDER.index(Level(top))
        ):
            errors["level"] = _("本系统最高层级为%(top)s，事件不会上报到%(level)s；请把该事项的时限设在%(top)s级") % {
                "top": Level(top).label,
                "level": Level(self.level).label,
            }
        if errors:
            raise ValidationError(errors)

    def limit_errors(self) -> dict[str, str]:
        """A message per limit longer than its unit allows (``limit_ceiling``): 100,000 working days saved without
        a word, then every filing of the category was a 500 (the clock finds no working time in ten years)."""
        errors: dict[str, str] = {}
        for limit_field, unit_field in RULE_LIMIT_FIELDS:
            amount, unit = getattr(self, limit_field), getattr(self, unit_field)
            if amount is None or unit not in TimeUnit.values:
                continue  # absent, or already refused by the field's own validation
            ceiling = limit_ceiling(unit)
            if amount > ceiling:
                if unit == TimeUnit.WORKING_DAYS:
                    message = _("%(field)s不能超过 %(max)s 个工作日（%(days)s 天之内）")
                elif unit == TimeUnit.WORKING_HOURS:
                    message = _("%(field)s不能超过 %(max)s 工作小时（%(days)s 天之内）")
                else:
                    message = _("%(field)s不能超过 %(max)s %(unit)s（%(days)s 天）")
                field = self._meta.get_field(limit_field)
                assert isinstance(field, models.Field)
                errors[limit_field] = message % {
                    "field": field.verbose_name,
                    "max": ceiling,
                    "unit": TimeUnit(unit).label,
                    "days": settings.MAX_DUE_HORIZON_DAYS,
                }
        return errors


#: The jurisdiction rule's limits and the fields holding their units.
RULE_LIMIT_FIELDS = (
    ("accept_limit", "accept_unit"),
    ("handling_limit", "handling_unit"),
    ("return_limit", "return_unit"),
)


class WorkCalendar(models.Model):
    """Office hours, public holidays and make-up working days (调休). One calendar is the default."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    is_default = models.BooleanField(_("默认"), default=False)
    weekdays = models.CharField(
        _("工作日"), max_length=7, default="12345", help_text=_("每周哪几天上班（在表单中按星期勾选）")
    )

    class Meta:
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_calendar",
                violation_error_message=_("已有另一个默认工作日历：只能有一个默认日历，请先取消原来的默认"),
            )
        ]

    def __str__(self) -> str:
        return self.name


class OfficePeriod(models.Model):
    """One stretch of office hours on a working day, e.g. 08:30–12:00."""

    calendar = models.ForeignKey(
        WorkCalendar, verbose_name=_("工作日历"), on_delete=models.CASCADE, related_name="periods"
    )
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("办公时段")
        verbose_name_plural = _("办公时段")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="period_end_after_start",
                violation_error_message=_("办公时段的结束时间必须晚于开始时间"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"


class CalendarDay(models.Model):
    """An exception to the weekly pattern: a public holiday, or a make-up working day (调休上班)."""

    calendar = models.ForeignKey(
        WorkCalendar, verbose_name=_("工作日历"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    note = models.CharField(_("说明"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("特殊日期")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"],
                name="calendar_day_unique",
                violation_error_message=_("该日历中这一天已设置过（节假日或调休上班只能设一次）"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
