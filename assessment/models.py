"""Weight schemes of the assessment (考核方案), kept as data so the administrator can change them.

A scheme says which scored indicators count (``indicators.SCORED_INDICATORS``), with which weight, and how
much a "basically satisfied" rating is worth. Exactly one scheme is the default; a street or a district may
have its own, which applies to the people of that street or district (the most specific wins: the street's,
else its district's, else the default). Any scheme can still be chosen on the page to compare.

No score is stored: the selectors count raw integers in SQL and ``indicators.rates_for`` applies the scheme
on every read, so an edited scheme recomputes everything the next time a page, an export or the API asks.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from governance.choices import RegionLevel
from governance.models import Region

from .indicators import SCORED_BY_KEY, Scheme, scored_indicator_choices

#: The levels that may have a scheme of their own.
SCHEME_LEVELS: tuple[str, ...] = (RegionLevel.STREET.value, RegionLevel.DISTRICT.value)


class WeightScheme(models.Model):
    """One weighting of the scored indicators (e.g. the seed street's 10/40/50, Beijing's 10/50/40)."""

    name = models.SlugField(
        _("代码"), max_length=40, unique=True, help_text=_("页面和接口中的 scheme 参数，如 seed、beijing")
    )
    label = models.CharField(_("名称"), max_length=80)
    basic_credit = models.DecimalField(
        _("基本满意折算系数"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("一条“基本满意”评价按多少条“满意”计入满意率，0–1，北京为 0.9"),
    )
    is_default = models.BooleanField(_("默认方案"), default=False)
    region = models.OneToOneField(
        Region,
        verbose_name=_("适用区域"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="weight_scheme",
        limit_choices_to={"level__in": SCHEME_LEVELS},
        help_text=_("只填街道或区县：该辖区的人员默认按此方案考核；留空则为通用方案"),
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="assessment_one_default_scheme",
                violation_error_message=_("已有默认方案：请先在原默认方案中取消“默认方案”，再设置本方案"),
            ),
            models.CheckConstraint(
                condition=Q(basic_credit__gte=0) & Q(basic_credit__lte=1),
                name="assessment_basic_credit_0_1",
                violation_error_message=_("基本满意折算系数应在 0 到 1 之间"),
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(region__isnull=True),
                name="assessment_default_has_no_region",
                violation_error_message=_("默认方案适用于全部辖区，不能指定区域"),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        if self.region is not None and self.region.level not in SCHEME_LEVELS:
            raise ValidationError({"region": _("只能为街道或区县设置专用方案")})
        if self.is_default and self.region_id:
            raise ValidationError({"region": _("默认方案适用于全部辖区，不能指定区域")})

    def as_scheme(self, weights: list[SchemeWeight] | None = None) -> Scheme:
        """The value the arithmetic uses: counted indicators with a positive weight, in list order.
        ``weights``: this scheme's weight rows when already read (else they are queried)."""
        rows = self.weights.all() if weights is None else weights
        counted = {w.indicator: float(w.weight) for w in rows if w.counted and w.weight > 0}
        ordered = {key: counted[key] for key in SCORED_BY_KEY if key in counted}
        return Scheme(self.name, self.label, ordered, float(self.basic_credit))


class SchemeWeight(models.Model):
    """One indicator's weight in a scheme. ``counted`` off keeps the weight but leaves the indicator out."""

    scheme = models.ForeignKey(WeightScheme, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="weights")
    indicator = models.CharField(_("指标"), max_length=40, choices=scored_indicator_choices)
    weight = models.DecimalField(
        _("权重"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("相对权重：综合得分按计入指标的权重之和折算，如 10 / 40 / 50"),
    )
    counted = models.BooleanField(_("计入综合得分"), default=True)

    class Meta:
        verbose_name = _("指标权重")
        verbose_name_plural = _("指标权重")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "indicator"], name="assessment_one_weight_per_indicator"),
            models.CheckConstraint(
                condition=Q(weight__gte=0),
                name="assessment_weight_not_negative",
                violation_error_message=_("权重不能为负数"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.weight:g}"


class PeriodFigures(models.Model):
    """The raw counts of the assessment of one district-wide scope for one fixed period, kept so that its page reads
    one row instead of a district's cases (``selectors.Figures``; refreshed by beat: ``services.figures_refresh``).

    ``scope`` names the scope (``selectors.figures_key``: ``"district_id=7"``, ``"all"``); the periods are the page's
    fixed ones (``services.fixed_periods``: this and last week, this and last month, the last 30 days). A page asks
    for the row of its scope and period read less than ``ASSESSMENT_FIGURES_MAX_AGE`` ago, and otherwise counts
    live. Only counts are kept — rates, ranks and composites are computed from them on every read, under whichever
    scheme is asked for."""

    scope = models.CharField(_("统计范围"), max_length=64)
    date_from = models.DateField(_("开始日期"))
    date_to = models.DateField(_("结束日期"))
    computed_at = models.DateTimeField(_("统计时间"))
    figures = models.JSONField(_("原始计数"))

    class Meta:
        verbose_name = _("考核统计快照")
        verbose_name_plural = _("考核统计快照")
        constraints = [
            models.UniqueConstraint(fields=["scope", "date_from", "date_to"], name="assessment_one_figures_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.date_from}–{self.date_to}"


class WeekFigures(models.Model):
    """The 三率 counts of one Monday–Sunday week of one district-wide scope, kept for the assessment's eight-week
    chart (``selectors.weekly_rates``): read live, a district's eight weeks are 30,000 cases on 10,000 heap pages.
    Refreshed with ``PeriodFigures`` (``services.figures_refresh``) for the weeks the fixed periods' charts show;
    each week's counts are the same whichever weeks are read with it. Counts only, like ``PeriodFigures``."""

    scope = models.CharField(_("统计范围"), max_length=64)
    week_from = models.DateField(_("周一"))
    computed_at = models.DateTimeField(_("统计时间"))
    counts = models.JSONField(_("原始计数"))

    class Meta:
        verbose_name = _("考核周统计快照")
        verbose_name_plural = _("考核周统计快照")
        constraints = [
            models.UniqueConstraint(fields=["scope", "week_from"], name="assessment_one_figures_per_week"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.week_from}"
