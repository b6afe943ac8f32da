"""django-filter FilterSets for the grids API."""

from __future__ import annotations

import django_filters

from .choices import GridKind, StaffRole, StaffSource
from .models import Grid, GridAssignment


class GridFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=GridKind.choices)
    community = django_filters.NumberFilter(field_name="community_id")
    community_code = django_filters.CharFilter(field_name="community__code")
    code = django_filters.CharFilter()

    class Meta:
        model = Grid
        fields = ["kind", "community", "community_code", "code", "active"]


class GridAssignmentFilter(django_filters.FilterSet):
    grid = django_filters.NumberFilter(field_name="grid_id")
    grid_code = django_filters.CharFilter(field_name="grid__code")
    user = django_filters.NumberFilter(field_name="user_id")
    role = django_filters.ChoiceFilter(choices=StaffRole.choices)
    source = django_filters.ChoiceFilter(choices=StaffSource.choices)
    active = django_filters.BooleanFilter(field_name="ended_on", lookup_expr="isnull", label="在岗")

    class Meta:
        model = GridAssignment
        fields = ["grid", "grid_code", "user", "role", "source", "active"]
