"""Output serializers of the governance API (read-only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.choices import TimeUnit
from governance.models import Category, CoOptedMember, Department, JurisdictionRule, Organisation, Region


class RegionSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "level_display", "parent", "parent_code", "case_prefix"]


class CoOptedMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = CoOptedMember
        fields = ["unit_name", "representative", "position", "since"]


class OrganisationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    co_opted_members = CoOptedMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id", "name", "kind", "kind_display", "line", "region", "region_name", "parent", "is_extended",
            "co_opted_members",
        ]  # fmt: skip


class DepartmentSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    liaisons = serializers.SerializerMethodField(help_text="联络员姓名")

    class Meta:
        model = Department
        fields = ["id", "code", "name", "region", "region_name", "active", "email", "liaisons"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_liaisons(self, obj: Department) -> list[str]:
        return [u.display_name for u in obj.liaisons.all()]


class CategorySerializer(serializers.ModelSerializer):
    grade_display = serializers.CharField(source="get_grade_display", read_only=True)
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True, default=None)
    home_level = serializers.CharField(read_only=True, help_text="等级对应的处置层级（A 网格、B 街道、C 区、D 市）")

    class Meta:
        model = Category
        fields = [
            "id", "code", "name", "name_en", "parent", "parent_code", "grade", "grade_display", "home_level",
            "is_major", "active",
        ]  # fmt: skip


class TimeLimitSerializer(serializers.Serializer):
    """A time limit: ``amount`` of ``unit`` (calendar minutes/hours, or working hours/days on the work calendar)."""

    amount = serializers.IntegerField()
    unit = serializers.ChoiceField(choices=TimeUnit.choices)


class JurisdictionRuleSerializer(serializers.ModelSerializer):
    """One version of a jurisdiction-list entry. Limits are nested objects, so both share one unit vocabulary."""

    accept = serializers.SerializerMethodField(help_text="受理/派遣时限")
    handling = serializers.SerializerMethodField(help_text="办理时限")
    category_code = serializers.CharField(source="category.code", read_only=True, allow_null=True, default=None)
    departments = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = JurisdictionRule
        fields = [
            "id", "category", "category_code", "level", "handler_kind", "departments", "accept", "handling",
            "version", "valid_from", "valid_to", "is_current", "note",
        ]  # fmt: skip

    @extend_schema_field(TimeLimitSerializer)
    def get_accept(self, obj: JurisdictionRule) -> dict:
        return {"amount": obj.accept_limit, "unit": obj.accept_unit}

    @extend_schema_field(TimeLimitSerializer)
    def get_handling(self, obj: JurisdictionRule) -> dict:
        return {"amount": obj.handling_limit, "unit": obj.handling_unit}
