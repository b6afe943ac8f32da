"""Read-only API of the governance app. Every queryset comes from a scope selector, so out of scope is 404."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from governance import selectors
from governance.filters import (
    CategoryFilter,
    DepartmentFilter,
    JurisdictionRuleFilter,
    OrganisationFilter,
    RegionFilter,
)

from .serializers import (
    CategorySerializer,
    DepartmentSerializer,
    JurisdictionRuleSerializer,
    OrganisationSerializer,
    RegionSerializer,
)

TRUE_VALUES = {"1", "true", "yes", "on"}


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """Regions: admins all; centre staff their region and below; grid workers the chain above their grids."""

    serializer_class = RegionSerializer
    filterset_class = RegionFilter

    def get_queryset(self):
        return selectors.regions_visible_to(self.request.user).order_by("code")


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Party and government organisations attached to the regions the user may see."""

    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return selectors.organisations_visible_to(self.request.user).order_by("region__code", "kind", "name")


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Functional departments with their liaisons' names (visible to every signed-in user)."""

    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter

    def get_queryset(self):
        return selectors.departments_visible_to(self.request.user).order_by("code")


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The matter catalogue (大类/小类 with grade), visible to every signed-in user."""

    serializer_class = CategorySerializer
    filterset_class = CategoryFilter

    def get_queryset(self):
        return selectors.categories_visible_to(self.request.user).order_by("code")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("all_versions", OpenApiTypes.BOOL, description="包含已失效的历史版本（默认只列现行版本）")
        ]
    )
)
class JurisdictionRuleViewSet(viewsets.ReadOnlyModelViewSet):
    """The jurisdiction list. Lists current versions unless ``?all_versions=1``; any version by id."""

    serializer_class = JurisdictionRuleSerializer
    filterset_class = JurisdictionRuleFilter

    def get_queryset(self):
        all_versions = self.action != "list" or self.request.query_params.get("all_versions", "") in TRUE_VALUES
        qs = selectors.rules_visible_to(self.request.user, all_versions=all_versions)
        return qs.order_by("category__code", "level", "-version")
