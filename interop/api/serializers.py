"""Wire formats of the 12345 exchange (docs/interop-12345.md): orders and decisions in, answers out."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..choices import Decision, RequestType, Satisfaction, Urgency


class PointSerializer(serializers.Serializer):
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)


class RequesterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    phone = serializers.RegexField(r"^[0-9+\-() ]{0,20}$", required=False, allow_blank=True, default="")


class AttachmentSerializer(serializers.Serializer):
    url = serializers.URLField(max_length=500)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class OrderInSerializer(serializers.Serializer):
    """One work order (工单) as the hotline sends it."""

    order_id = serializers.RegexField(r"^[A-Za-z0-9_.:\-]{1,64}$", help_text=_("热线工单编号（幂等键）"))
    request_type = serializers.ChoiceField(choices=RequestType.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    content = serializers.CharField(max_length=4000)
    address = serializers.CharField(max_length=200)
    location = PointSerializer(required=False, allow_null=True, default=None)
    requester = RequesterSerializer(required=False, default=dict)
    category_code = serializers.CharField(max_length=40)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default=Urgency.NORMAL)
    response_due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    resolution_due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    attachments = AttachmentSerializer(many=True, required=False, default=list)

    def validate(self, attrs):
        response, resolution = attrs.get("response_due_at"), attrs.get("resolution_due_at")
        if response and resolution and response > resolution:
            raise serializers.ValidationError({"response_due_at": _("响应时限不能晚于办结时限")})
        return attrs


class TriageSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField(allow_blank=True)
    text = serializers.CharField()


class OrderOutSerializer(serializers.Serializer):
    order_id = serializers.CharField()
    case_number = serializers.CharField()
    status = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    triage = TriageSerializer(many=True)


class DecisionInSerializer(serializers.Serializer):
    """The hotline's answer about one order (``kind`` says which; the other fields as the kind needs them)."""

    decision_id = serializers.RegexField(r"^[A-Za-z0-9_.:\-]{1,64}$", help_text=_("热线决定编号（幂等键）"))
    kind = serializers.ChoiceField(choices=Decision.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    resolution_due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    valid = serializers.BooleanField(required=False, default=True)
    contacted = serializers.BooleanField(required=False, allow_null=True, default=None)
    solved = serializers.BooleanField(required=False, allow_null=True, default=None)
    satisfaction = serializers.ChoiceField(choices=Satisfaction.choices, required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if attrs["kind"] == Decision.FOLLOW_UP and attrs.get("valid", True):
            missing = {
                f: _("有效回访必须填写") for f in ("contacted", "solved", "satisfaction") if attrs.get(f) is None
            }
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


class DecisionOutSerializer(serializers.Serializer):
    decision_id = serializers.CharField()
    order_id = serializers.CharField()
    kind = serializers.CharField()
    case_number = serializers.CharField()
    status = serializers.CharField()
    applied = serializers.BooleanField()


class HotlineErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)
    errors = serializers.DictField(required=False)
