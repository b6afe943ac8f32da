"""django-filter FilterSets for the governance API."""

from __future__ import annotations

import django_filters

from .choices import Grade, HandlerKind, Level, OrgKind, OrgLine, RegionLevel
from .models import Category, Department, JurisdictionRule, Organisation, Region


class RegionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices)
    parent = django_filters.NumberFilter(field_name="parent_id")
    code = django_filters.CharFilter()

    class Meta:
        model = Region
        fields = ["level", "parent", "code"]


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices)
    line = django_filters.ChoiceFilter(choices=OrgLine.choices)
    region = django_filters.NumberFilter(field_name="region_id")

    class Meta:
        model = Organisation
        fields = ["kind", "line", "region", "is_extended"]


class DepartmentFilter(django_filters.FilterSet):
    region = django_filters.NumberFilter(field_name="region_id")

    class Meta:
        model = Department
        fields = ["region", "active", "code"]


class CategoryFilter(django_filters.FilterSet):
    grade = django_filters.ChoiceFilter(choices=Grade.choices)
    parent = django_filters.NumberFilter(field_name="parent_id")
    major = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label="大类（无上级）")

    class Meta:
        model = Category
        fields = ["grade", "parent", "major", "active", "code"]


class JurisdictionRuleFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=Level.choices)
    handler_kind = django_filters.ChoiceFilter(choices=HandlerKind.choices)
    category = django_filters.NumberFilter(field_name="category_id")
    category_code = django_filters.CharFilter(field_name="category__code")
    default = django_filters.BooleanFilter(field_name="category", lookup_expr="isnull", label="层级默认规则")
    department = django_filters.NumberFilter(field_name="departments", distinct=True)

    class Meta:
        model = JurisdictionRule
        fields = ["level", "handler_kind", "category", "category_code", "default", "department"]
