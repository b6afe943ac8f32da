"""Serializers of the residents API. Output only what the viewer may see: masked numbers, visible tags."""

from __future__ import annotations

from rest_framework import serializers

from core.limits import LONG_TEXT

from ..choices import DiaryTopic, Mood
from ..models import Building, DiaryEntry, Resident, ResidentTag, TagCategory, Visit, VisitPlan
from ..validators import validate_visit_date


class TagCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = TagCategory
        fields = ["id", "code", "name", "name_en", "group", "sensitivity", "visit_every_days", "colour"]


class ResidentTagSerializer(serializers.ModelSerializer):
    category = TagCategorySerializer(read_only=True)

    class Meta:
        model = ResidentTag
        fields = ["id", "resident", "category", "since", "note"]


class ResidentSerializer(serializers.ModelSerializer):
    """A person, masked. ``tags`` holds only the categories the viewer may see (set by the view)."""

    grid = serializers.CharField(source="grid.code", read_only=True)
    house_address = serializers.CharField(source="house.address", read_only=True, default="")
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    # The year only: the whole birth date is the masked middle of the ID number (620201********2174), and with it
    # the number would be whole. The full number (and so the date) is revealed one person at a time, logged.
    birth_year = serializers.IntegerField(source="birth_date.year", read_only=True, allow_null=True, default=None)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Resident
        fields = [
            "id", "name", "sex", "birth_year", "ethnicity", "id_number", "phone", "kind", "status", "grid", "house",
            "house_address", "household_number", "relation", "hukou_place", "hukou_matches", "inflow_reason",
            "permit_type", "registered_on", "permit_expires_on", "residence_type", "tags",
        ]  # fmt: skip

    def get_tags(self, obj: Resident) -> list[str]:
        return [c.code for c in getattr(obj, "ui_tags", [])]


class BuildingSerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code", read_only=True)
    compound = serializers.CharField(source="compound.name", read_only=True, default="")

    class Meta:
        model = Building
        fields = ["id", "grid", "compound", "name", "address", "floors", "units", "lat", "lng"]


class HouseCellSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.IntegerField()
    floor = serializers.IntegerField()
    number = serializers.CharField()
    use = serializers.CharField()
    size = serializers.IntegerField()
    head = serializers.CharField()
    open_cases = serializers.IntegerField()
    tags = serializers.ListField(child=serializers.CharField())


class HouseholdMapSerializer(serializers.Serializer):
    building = BuildingSerializer()
    houses = HouseCellSerializer(many=True)


class VisitPlanSerializer(serializers.ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)
    category = serializers.CharField(source="tag.category.code", read_only=True, default=None, allow_null=True)
    light = serializers.CharField(read_only=True, help_text="green 正常 / yellow 逾期 / red 严重逾期")

    class Meta:
        model = VisitPlan
        fields = ["id", "resident", "resident_name", "category", "reason", "every_days", "due_on", "light",
                  "last_visited_on"]  # fmt: skip


class VisitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Visit
        fields = ["id", "plan", "resident", "house", "grid", "visited_on", "place", "found", "follow_up", "created_at"]
        read_only_fields = ["id", "grid", "created_at", "resident", "house"]


class VisitInputSerializer(serializers.Serializer):
    plan = serializers.IntegerField(required=False)
    resident = serializers.IntegerField(required=False)
    house = serializers.IntegerField(required=False)
    visited_on = serializers.DateField(required=False, validators=[validate_visit_date])
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    found = serializers.CharField(max_length=LONG_TEXT)
    follow_up = serializers.BooleanField(required=False, default=False)


class DiaryEntrySerializer(serializers.ModelSerializer):
    grid = serializers.CharField(source="grid.code", read_only=True)

    class Meta:
        model = DiaryEntry
        fields = ["id", "grid", "house", "place", "topic", "mood", "text", "needs_follow_up", "category", "case_id",
                  "case_number", "written_at"]  # fmt: skip


class DiaryInputSerializer(serializers.Serializer):
    grid = serializers.CharField(help_text="grid code")
    house = serializers.IntegerField(required=False)
    place = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    topic = serializers.ChoiceField(choices=DiaryTopic.choices, default=DiaryTopic.LIVELIHOOD)
    mood = serializers.ChoiceField(choices=Mood.choices, default=Mood.NEUTRAL)
    text = serializers.CharField(max_length=LONG_TEXT)
    needs_follow_up = serializers.BooleanField(required=False, default=False)
    category = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
