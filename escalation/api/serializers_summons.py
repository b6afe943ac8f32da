"""Serializers of the summons and whistle API: input shapes for each action, and the summons as read back."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import RequestStatus
from governance.choices import TimeUnit

from ..models import Summons, Whistle
from ..permissions import available_actions
from ..selectors import summons_countdowns, worst_light


class CaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class WhistleRefSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.name")
    blown_by = serializers.CharField(source="blown_by.display_name", default=None, allow_null=True)

    class Meta:
        model = Whistle
        fields = [
            "id",
            "region",
            "blown_by",
            "reason",
            "blown_at",
            "report_in_minutes",
            "response_limit",
            "response_unit",
        ]
        read_only_fields = fields


class CountdownSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["report_in", "respond"])
    label = serializers.CharField()
    due_at = serializers.DateTimeField()
    light = serializers.ChoiceField(choices=["green", "yellow", "red"])
    seconds_left = serializers.IntegerField(help_text="负数表示已超时")


class SummonsSerializer(serializers.ModelSerializer):
    """One department's summons with its running clocks, its light and what the caller may do with it now."""

    case = CaseRefSerializer(read_only=True)
    department = DepartmentRefSerializer(read_only=True)
    # "" while no extension was asked for (DRF drops allow_blank from a read-only model field, so it is declared)
    extension_status = serializers.ChoiceField(choices=RequestStatus.choices, allow_blank=True, read_only=True)
    whistle = WhistleRefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    light = serializers.SerializerMethodField(help_text="red 超时 / yellow 已用时限 ≥80% / green 正常；无计时为空")
    countdowns = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField(
        help_text=(
            "当前用户现在可以进行的操作：report_in, respond, extension, return, complete, decide_extension, withdraw"
        )
    )

    class Meta:
        model = Summons
        fields = [
            "id",
            "case",
            "department",
            "whistle",
            "status",
            "status_label",
            "report_in_due_at",
            "respond_due_at",
            "reported_in_at",
            "reported_late",
            "responded_at",
            "response",
            "done_at",
            "returned_at",
            "return_reason",
            "overdue_at",
            "extension_status",
            "extension_until",
            "extension_reason",
            "light",
            "countdowns",
            "actions",
        ]
        read_only_fields = fields

    def _countdowns(self, obj: Summons):
        cache = self.context.setdefault("_countdowns", {})
        if obj.pk not in cache:
            cache[obj.pk] = summons_countdowns(obj, self.context.get("now") or timezone.now())
        return cache[obj.pk]

    def get_light(self, obj: Summons) -> str:
        return worst_light(c.light for c in self._countdowns(obj))

    @extend_schema_field(CountdownSerializer(many=True))
    def get_countdowns(self, obj: Summons) -> list[dict]:
        return [
            {"kind": c.kind, "label": c.label, "due_at": c.due_at, "light": c.light, "seconds_left": c.seconds_left}
            for c in self._countdowns(obj)
        ]

    def get_actions(self, obj: Summons) -> list[str]:
        request = self.context.get("request")
        return [a for a, _label in available_actions(request.user, obj)] if request else []


class WhistleSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    region = serializers.CharField(source="region.name")
    summonses = serializers.SerializerMethodField()

    class Meta:
        model = Whistle
        fields = [
            "id",
            "case",
            "region",
            "reason",
            "blown_at",
            "report_in_minutes",
            "response_limit",
            "response_unit",
            "summonses",
        ]
        read_only_fields = fields

    @extend_schema_field(SummonsSerializer(many=True))
    def get_summonses(self, obj: Whistle) -> list[dict]:
        qs = obj.summonses.select_related("whistle__region", "whistle__blown_by", "case", "department")
        return SummonsSerializer(qs, many=True, context=self.context).data


# --- inputs --------------------------------------------------------------------------------------------------


class WhistleInputSerializer(serializers.Serializer):
    departments = serializers.ListField(child=serializers.IntegerField(), help_text="召集的部门 id（至少一个）")
    reason = serializers.CharField(max_length=2000, help_text="吹哨事由")
    report_in_minutes = serializers.IntegerField(default=30, help_text="报到时限（分钟，自然时间）")
    response_limit = serializers.IntegerField(default=1, min_value=1, help_text="反馈时限")
    response_unit = serializers.ChoiceField(choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS)


class RespondInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000, help_text="反馈内容")
    files = serializers.ListField(
        child=serializers.FileField(), required=False, default=list, help_text="照片或材料（multipart，可多个 files）"
    )


class ExtensionInputSerializer(serializers.Serializer):
    until = serializers.DateTimeField(help_text="申请延至（须晚于当前反馈时限）")
    reason = serializers.CharField(max_length=2000)


class ExtensionDecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="", help_text="驳回时必填")
    due_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="批准延至；不填则按申请"
    )


class ReturnInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="退回理由")


class DomainErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
