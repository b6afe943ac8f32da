"""API serializers of the mobilisation app: output serializers (what a row looks like) and input serializers
(what an action takes). Personal data of a wish's resident and a member's phone go in full only to staff who manage
the community (and the member themselves), each such read in the access log (``mobilisation.contact_log``)."""

from __future__ import annotations

from rest_framework import serializers

from core.limits import LONG_TEXT
from core.validators import validate_contact_phone
from governance.models import Category, Region, User

from ..choices import (
    POSTABLE_TASK_CHOICES,
    Colour,
    DecisionMode,
    FollowUpKind,
    MeetingFormat,
    Rating,
    RegistrationBasis,
    TopicSource,
)
from ..models import (
    Appraisal,
    AppraisalVote,
    DutyItem,
    DutyReport,
    FollowUp,
    Meeting,
    MeetingOption,
    MobilisationEvent,
    PointsEntry,
    RegisteredUnit,
    Registration,
    ServiceTask,
    Topic,
    TriColourRating,
    UnitAccount,
    Wish,
)


class MobilisationErrorSerializer(serializers.Serializer):
    """A refused request: the reason (user-facing) and a code."""

    detail = serializers.CharField()
    code = serializers.CharField()


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = MobilisationEvent
        fields = ["id", "subject", "object_id", "action", "actor_name", "note", "data", "at"]


class RegistrationSerializer(serializers.ModelSerializer):
    """The phone is in full only for ids in ``context["unmasked"]`` (``contact_log.registration_phones_read``,
    which also writes the access log); masked otherwise."""

    registrant = serializers.CharField(source="registrant_name", read_only=True)
    community_name = serializers.CharField(source="community.name", read_only=True)
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Registration
        fields = [
            "id",
            "kind",
            "registrant",
            "member",
            "unit",
            "community",
            "community_name",
            "basis",
            "phone",
            "skills",
            "availability",
            "status",
            "decline_reason",
            "decided_at",
            "created_at",
        ]

    def get_phone(self, obj: Registration) -> str:
        return obj.phone if obj.pk in self.context.get("unmasked", set()) else obj.masked_phone


class RegistrationInputSerializer(serializers.Serializer):
    community = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="community"))
    basis = serializers.ChoiceField(choices=RegistrationBasis.choices)
    member = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), required=False, allow_null=True, help_text="省略：为自己报到"
    )
    unit = serializers.PrimaryKeyRelatedField(queryset=RegisteredUnit.objects.all(), required=False, allow_null=True)
    unit_registration = serializers.BooleanField(default=False, help_text="true：登记单位报到（工作人员）")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20, validators=[validate_contact_phone])
    skills = serializers.CharField(required=False, allow_blank=True, max_length=200)
    availability = serializers.CharField(required=False, allow_blank=True, max_length=200)


class DecisionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ServiceTaskSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    organiser_name = serializers.CharField(source="organiser.display_name", read_only=True)
    signed = serializers.IntegerField(read_only=True)

    class Meta:
        model = ServiceTask
        fields = [
            "id",
            "community",
            "community_name",
            "title",
            "description",
            "task_type",
            "place",
            "starts_at",
            "capacity",
            "signed",
            "status",
            "organiser_name",
        ]


class ServiceTaskInputSerializer(serializers.Serializer):
    community = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="community"))
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)
    task_type = serializers.ChoiceField(choices=POSTABLE_TASK_CHOICES)
    place = serializers.CharField(max_length=200)
    starts_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=0, max_value=1000, default=0)


class AttendanceInputSerializer(serializers.Serializer):
    attended = serializers.ListField(child=serializers.IntegerField(), help_text="到场党员的用户编号")


class WishPublicSerializer(serializers.ModelSerializer):
    """What anyone may see of a published wish: no name, phone or address of the resident."""

    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = Wish
        fields = ["id", "community", "community_name", "title", "description", "status", "created_at"]


class WishSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    resident_name = serializers.SerializerMethodField()
    resident_phone = serializers.SerializerMethodField()
    resident_address = serializers.SerializerMethodField()
    claimed_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Wish
        fields = [
            "id",
            "community",
            "community_name",
            "grid",
            "title",
            "description",
            "resident_name",
            "resident_phone",
            "resident_address",
            "channel",
            "status",
            "decline_reason",
            "fulfil_days",
            "claimed_by",
            "claimed_by_name",
            "claimed_unit",
            "claimed_at",
            "claim_due_at",
            "fulfilled_at",
            "fulfilment_note",
            "photo",
            "confirmed_at",
            "times_returned",
            "created_at",
        ]

    def _full(self, obj: Wish) -> bool:
        """In full only for ids in ``context["unmasked"]`` (``contact_log.wish_residents_read`` logs them)."""
        return obj.pk in self.context.get("unmasked", set())

    def get_resident_name(self, obj: Wish) -> str:
        return obj.resident_name if self._full(obj) else obj.masked_name

    def get_resident_phone(self, obj: Wish) -> str:
        return obj.resident_phone if self._full(obj) else obj.masked_phone

    def get_resident_address(self, obj: Wish) -> str:
        return obj.resident_address if self._full(obj) else ""

    def get_claimed_by_name(self, obj: Wish) -> str:
        return obj.claimed_by.display_name if obj.claimed_by else ""


class WishInputSerializer(serializers.Serializer):
    community = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="community"))
    title = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=LONG_TEXT)
    resident_name = serializers.CharField(max_length=50)
    resident_phone = serializers.CharField(
        required=False, allow_blank=True, max_length=20, validators=[validate_contact_phone]
    )
    resident_address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    fulfil_days = serializers.IntegerField(min_value=1, max_value=60, default=7)


class WishCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    follow_up_token = serializers.CharField(help_text="居民查询和确认完成的专属凭据，请妥善保存")


class ReviewInputSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class FulfilInputSerializer(serializers.Serializer):
    photo = serializers.ImageField()
    note = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)


class PointsEntrySerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.display_name", read_only=True)

    class Meta:
        model = PointsEntry
        fields = [
            "id",
            "member",
            "member_name",
            "community",
            "unit",
            "source",
            "task_type",
            "task",
            "wish",
            "requested",
            "points",
            "month",
            "reason",
            "at",
        ]


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    key = serializers.IntegerField()
    name = serializers.CharField()
    total = serializers.IntegerField()
    entries = serializers.IntegerField()


class AdjustInputSerializer(serializers.Serializer):
    member = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    community = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="community"))
    delta = serializers.IntegerField()
    reason = serializers.CharField(max_length=200)


class DutyItemSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = DutyItem
        fields = ["id", "unit", "unit_name", "community", "title", "detail", "active"]


class DutyItemInputSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=RegisteredUnit.objects.all())
    place = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level__in=["community", "street"]))
    title = serializers.CharField(max_length=200)
    detail = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)


class DutyReportSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = DutyReport
        fields = ["id", "unit", "unit_name", "community", "period", "text", "items", "submitted_at"]


class DutyReportInputSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=RegisteredUnit.objects.all())
    place = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level__in=["community", "street"]))
    period = serializers.CharField(max_length=7)
    text = serializers.CharField(max_length=LONG_TEXT)
    items = serializers.DictField(child=serializers.CharField(max_length=LONG_TEXT), required=False)


class AppraisalVoteSerializer(serializers.ModelSerializer):
    rater_name = serializers.CharField(source="rater.display_name", read_only=True)

    class Meta:
        model = AppraisalVote
        fields = ["rater", "rater_name", "rating", "rated_at"]


class AppraisalSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    votes = AppraisalVoteSerializer(many=True, read_only=True)

    class Meta:
        model = Appraisal
        fields = [
            "id",
            "unit",
            "unit_name",
            "community",
            "period",
            "status",
            "result_score",
            "result_counts",
            "votes",
            "opened_at",
            "closed_at",
        ]


class AppraisalInputSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=RegisteredUnit.objects.all())
    place = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level__in=["community", "street"]))
    period = serializers.CharField(max_length=7)
    raters = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), many=True)


class RateInputSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=300)


class TriColourSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = TriColourRating
        fields = [
            "id",
            "community",
            "community_name",
            "period",
            "date_from",
            "date_to",
            "indicators",
            "score",
            "computed_colour",
            "colour",
            "adjustment_reason",
            "computed_at",
        ]


class TriColourComputeInputSerializer(serializers.Serializer):
    community = serializers.PrimaryKeyRelatedField(queryset=Region.objects.filter(level="community"))
    period = serializers.CharField(max_length=7, help_text="2026、2026-H2 或 2026-Q4")


class TriColourAdjustInputSerializer(serializers.Serializer):
    colour = serializers.ChoiceField(choices=Colour.choices)
    reason = serializers.CharField(max_length=300)


class MeetingOptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = MeetingOption
        fields = ["text", "votes", "chosen"]


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "title", "kind", "case", "service_task"]


class MeetingSerializer(serializers.ModelSerializer):
    options = MeetingOptionSerializer(many=True, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "topic",
            "format",
            "held_at",
            "place",
            "attendees",
            "decision_mode",
            "decision",
            "options",
            "follow_ups",
        ]


class PublicMeetingSerializer(serializers.ModelSerializer):
    """A meeting as the residents see it: the attendee count, never the names."""

    options = MeetingOptionSerializer(many=True, read_only=True)
    follow_ups = serializers.SerializerMethodField()
    attendee_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Meeting
        fields = ["format", "held_at", "place", "attendee_count", "decision_mode", "decision", "options", "follow_ups"]

    def get_follow_ups(self, obj: Meeting) -> list[str]:
        return [f.title for f in obj.follow_ups.all()]


class TopicSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    meetings = MeetingSerializer(many=True, read_only=True)

    class Meta:
        model = Topic
        fields = [
            "id",
            "community",
            "community_name",
            "title",
            "description",
            "source",
            "case",
            "diary_entry_id",
            "status",
            "meetings",
            "created_at",
            "published_at",
        ]


class PublicTopicSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    meetings = PublicMeetingSerializer(many=True, read_only=True)

    class Meta:
        model = Topic
        fields = ["id", "community_name", "title", "description", "meetings", "published_at"]


class TopicInputSerializer(serializers.Serializer):
    community = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.filter(level="community"), required=False, allow_null=True
    )
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=LONG_TEXT)
    source = serializers.ChoiceField(choices=TopicSource.choices, default=TopicSource.OWN)
    case = serializers.IntegerField(required=False, allow_null=True)
    diary_entry_id = serializers.IntegerField(required=False, allow_null=True)


class OptionInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=200)
    votes = serializers.IntegerField(min_value=0, default=0)


class MeetingInputSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=MeetingFormat.choices)
    held_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    attendees = serializers.ListField(child=serializers.CharField(max_length=50), min_length=1)
    decision_mode = serializers.ChoiceField(choices=DecisionMode.choices)
    options = OptionInputSerializer(many=True, required=False)
    decision = serializers.CharField(max_length=LONG_TEXT)


class FollowUpInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=FollowUpKind.choices)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.all(), required=False, allow_null=True)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    task_type = serializers.ChoiceField(choices=POSTABLE_TASK_CHOICES, required=False)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)


class UnitAccountSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = UnitAccount
        fields = ["id", "unit", "unit_name", "user", "username", "full_name", "active", "created_at", "ended_at"]


class UnitAccountInputSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=RegisteredUnit.objects.all())
    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=50)
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, validators=[validate_contact_phone])
    email = serializers.EmailField(required=False, allow_blank=True)


class UnitAccountEndSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
