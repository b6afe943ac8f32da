"""Output serializers of the grids API (read-only). Boundaries are GeoJSON geometries in lng/lat."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from grids.models import Grid, GridAssignment


@extend_schema_field(OpenApiTypes.OBJECT)
class GeometryField(serializers.JSONField):
    """A GeoJSON geometry (Polygon or MultiPolygon), or null."""


class GridSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    community_code = serializers.CharField(source="community.code", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    boundary = GeometryField(read_only=True)

    class Meta:
        model = Grid
        fields = [
            "id", "code", "name", "kind", "kind_display", "community", "community_code", "community_name",
            "households", "population", "party_branch", "active", "boundary",
        ]  # fmt: skip


class GridFeatureSerializer(serializers.Serializer):
    """One grid as a GeoJSON Feature (properties without the boundary, which is the geometry)."""

    type = serializers.SerializerMethodField()
    id = serializers.IntegerField()
    geometry = GeometryField(source="boundary")
    properties = serializers.SerializerMethodField()

    def get_type(self, obj: Grid) -> str:
        return "Feature"

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_properties(self, obj: Grid) -> dict:
        return {
            "code": obj.code,
            "name": obj.name,
            "kind": obj.kind,
            "community_code": obj.community.code,
            "community_name": obj.community.name,
            "households": obj.households,
            "population": obj.population,
        }


class GridFeatureCollectionSerializer(serializers.Serializer):
    type = serializers.CharField(default="FeatureCollection")
    features = GridFeatureSerializer(many=True)


class LocateQuerySerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text="纬度（WGS 84）")
    lng = serializers.FloatField(min_value=-180, max_value=180, help_text="经度（WGS 84）")


class GridAssignmentSerializer(serializers.ModelSerializer):
    grid_code = serializers.CharField(source="grid.code", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    user_name = serializers.CharField(source="user.display_name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    source_display = serializers.CharField(source="get_source_display", read_only=True)
    source_organisation_name = serializers.CharField(
        source="source_organisation.name", read_only=True, allow_null=True, default=None
    )
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = GridAssignment
        fields = [
            "id", "grid", "grid_code", "grid_name", "user", "user_name", "role", "role_display", "source",
            "source_display", "source_organisation", "source_organisation_name", "started_on", "ended_on", "is_active",
        ]  # fmt: skip
