"""Filters of the case lists (API and pages): django-filter FilterSets over an already scope-filtered queryset.

Every filter narrows ``selectors.case_queryset_for(user)``; none widens it. The traffic light is
a stored-column comparison (``selectors.light_filter``), so it uses the sweep's indexes.
"""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from governance.choices import Grade, Level

from .choices import Channel, Status
from .models import Case
from .selectors import light_filter

LIGHT_CHOICES = [("red", _("红灯（已超时）")), ("yellow", _("黄灯（临近超时）")), ("green", _("绿灯"))]


class CaseFilter(django_filters.FilterSet):
    """``?status=&level=&grid=&community=&street=&category=&grade=&channel=&light=&q=``, a reported-at date range
    (``reported_at_after`` / ``reported_at_before``, inclusive dates) and ``ordering``."""

    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("状态（可多选）"))
    level = django_filters.MultipleChoiceFilter(choices=Level.choices, label=_("当前层级（可多选）"))
    grid = django_filters.NumberFilter(field_name="grid_id", label=_("网格 ID"))
    community = django_filters.NumberFilter(field_name="community_id", label=_("社区 ID"))
    street = django_filters.NumberFilter(field_name="street_id", label=_("街道 ID"))
    category = django_filters.CharFilter(method="filter_category", label=_("事项编码（大类编码含其全部小类）"))
    grade = django_filters.ChoiceFilter(choices=Grade.choices, label=_("等级"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("来源渠道"))
    light = django_filters.ChoiceFilter(choices=LIGHT_CHOICES, method="filter_light", label=_("红黄绿灯"))
    reported_at = django_filters.DateFromToRangeFilter(label=_("上报日期范围"))
    q = django_filters.CharFilter(method="filter_text", label=_("按编号、标题或地址搜索"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("reported_at", "reported_at"),
            ("due_at", "due_at"),
            ("number", "number"),
            ("status", "status"),
            ("level", "level"),
            ("updated_at", "updated_at"),
        ),
        label=_("排序（字段前加 - 为倒序）"),
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def filter_category(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        return queryset.filter(Q(category__code=value) | Q(category__parent__code=value)) if value else queryset

    def filter_light(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.filter(light_filter(value)) if value else queryset

    def filter_text(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value) | Q(address__icontains=value))
