"""API serializers of the mediation app. Parties' names and phones are masked unless the caller may see them
(``permissions.sees_party_contact``); every unmasked read is written to the access log by the view."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.limits import LONG_TEXT
from core.validators import validate_contact_phone
from governance.models import Category, Region, User
from grids.models import Grid

from ..choices import DisputeKind, Outcome, PartyKind, PartyRole, Place, Risk, Track
from ..models import Dispute, DisputeEvent, DisputeParty, MediationSession


class MediationErrorSerializer(serializers.Serializer):
    """A refused request: the reason (user-facing) and a code."""

    detail = serializers.CharField()
    code = serializers.CharField()


class PartySerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = DisputeParty
        fields = ["id", "kind", "role", "name", "phone"]

    def _full(self) -> bool:
        return bool(self.context.get("sees_contact"))

    def get_name(self, obj: DisputeParty) -> str:
        return obj.name if self._full() else obj.masked_name

    def get_phone(self, obj: DisputeParty) -> str:
        return obj.phone if self._full() else obj.masked_phone


class SessionSerializer(serializers.ModelSerializer):
    """The signatories (parties' names) in full only with ``context["sees_contact"]``."""

    signatories = serializers.SerializerMethodField()

    class Meta:
        model = MediationSession
        fields = [
            "id",
            "track",
            "held_at",
            "place",
            "level",
            "mediator_body",
            "mediators",
            "notes",
            "outcome",
            "agreement_text",
            "signatories",
            "judicial_confirmation",
            "confirmation_court",
            "confirmation_date",
            "referred_to",
        ]

    def get_signatories(self, obj: MediationSession) -> list[str]:
        return list(obj.signatories) if self.context.get("sees_contact") else obj.masked_signatories


class DisputeEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisputeEvent
        fields = ["id", "action", "actor_name", "note", "data", "at"]


class DisputeSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    handler_name = serializers.SerializerMethodField()
    parties = serializers.SerializerMethodField()
    sessions = serializers.SerializerMethodField()
    contact_masked = serializers.SerializerMethodField()

    class Meta:
        model = Dispute
        fields = [
            "id",
            "title",
            "kind",
            "description",
            "amount",
            "risk",
            "community",
            "community_name",
            "grid",
            "found_level",
            "handler",
            "handler_name",
            "status",
            "track",
            "mediator_body",
            "track_started_at",
            "due_at",
            "overdue_at",
            "resolved_level",
            "referred_to",
            "source_case",
            "result_case",
            "created_at",
            "closed_at",
            "parties",
            "contact_masked",
            "sessions",
        ]

    def _sees(self, obj: Dispute) -> bool:
        return obj.pk in self.context.get("unmasked", set())

    def get_handler_name(self, obj: Dispute) -> str:
        return obj.handler.display_name if obj.handler else ""

    def get_parties(self, obj: Dispute) -> list[dict]:
        return PartySerializer(obj.parties.all(), many=True, context={"sees_contact": self._sees(obj)}).data

    @extend_schema_field(SessionSerializer(many=True))
    def get_sessions(self, obj: Dispute) -> list[dict]:
        return list(SessionSerializer(obj.sessions.all(), many=True, context={"sees_contact": self._sees(obj)}).data)

    def get_contact_masked(self, obj: Dispute) -> bool:
        return not self._sees(obj)


class PartyInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PartyKind.choices, default=PartyKind.PERSON)
    role = serializers.ChoiceField(choices=PartyRole.choices)
    name = serializers.CharField(max_length=100)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, validators=[validate_contact_phone])


class DisputeInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=DisputeKind.choices)
    description = serializers.CharField(max_length=LONG_TEXT)
    parties = PartyInputSerializer(many=True)
    community = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.filter(level="community"), required=False, allow_null=True
    )
    grid = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.all(), required=False, allow_null=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True, min_value=0)
    risk = serializers.ChoiceField(choices=Risk.choices, default=Risk.LOW)
    source_case = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1, help_text="从事件登记：事件的内部编号"
    )


class StartInputSerializer(serializers.Serializer):
    track = serializers.ChoiceField(choices=Track.choices)
    mediator_body = serializers.CharField(max_length=120)


class TransferInputSerializer(StartInputSerializer):
    reason = serializers.CharField(max_length=300)


class AssignInputSerializer(serializers.Serializer):
    handler = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))


class SessionInputSerializer(serializers.Serializer):
    held_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=200)
    mediators = serializers.CharField(max_length=200)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    notes = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)
    level = serializers.ChoiceField(choices=Place.choices, required=False, help_text="省略：按记录人所在层级")
    agreement_text = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)
    signatories = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    judicial_confirmation = serializers.BooleanField(default=False)
    confirmation_court = serializers.CharField(max_length=120, required=False, allow_blank=True)
    confirmation_date = serializers.DateField(required=False, allow_null=True)
    referred_to = serializers.CharField(max_length=120, required=False, allow_blank=True)


class ToCaseInputSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(parent__isnull=False, active=True))


class ReferInputSerializer(serializers.Serializer):
    referred_to = serializers.CharField(max_length=120)
    reason = serializers.CharField(max_length=300)


class FigureRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    found = serializers.IntegerField()
    mediated = serializers.IntegerField()
    concluded = serializers.IntegerField()
    agreed = serializers.IntegerField()
    at_grid = serializers.IntegerField()
    at_community = serializers.IntegerField()
    at_street = serializers.IntegerField()
    at_district = serializers.IntegerField()
    success_rate = serializers.FloatField(allow_null=True)
    within_street = serializers.FloatField(allow_null=True)
