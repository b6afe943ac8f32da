"""Notices API: ``/api/v1/notices/`` — the caller's own notices (unread first), mark one or all read.

Another user's notice is not in the queryset, so it answers 404 (existence does not leak).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.hostile_input import whole_number
from core.pagination import KeysetPagination
from governance.http import AuthenticatedRequest

from ..models import Notice
from ..services.notices import notice_mark_all_read, notice_mark_read, notices_for


class NoticeSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True, default=None, allow_null=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "url",
            "case",
            "case_number",
            "summons",
            "created_at",
            "read_at",
            "read",
            "email_status",
        ]
        read_only_fields = fields

    def get_read(self, obj: Notice) -> bool:
        return obj.read_at is not None


class NoticePagination(KeysetPagination):
    page_size = 50


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's notices, unread first then newest, in keyset pages (``core.pagination``)."""

    serializer_class = NoticeSerializer
    pagination_class = NoticePagination
    filterset_fields = ["kind"]

    def get_queryset(self):
        return notices_for(self.request.user).select_related("case")

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: AuthenticatedRequest, pk: str | None = None) -> Response:
        notice = notice_mark_read(user=request.user, notice_id=whole_number(pk) or 0)
        return Response(NoticeSerializer(notice).data)

    @extend_schema(request=None, responses=inline_serializer("NoticesReadAll", {"marked": serializers.IntegerField()}))
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: AuthenticatedRequest) -> Response:
        return Response({"marked": notice_mark_all_read(user=request.user)})
