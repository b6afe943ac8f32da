"""Dashboard API (centre staff and admins; others get 403):

- ``GET /api/v1/dashboard/counters/`` — the eight counters (one aggregate query);
- ``GET /api/v1/dashboard/grids/`` — each grid in scope with its open and overdue case counts.

The assessment's API (``/api/v1/dashboard/assessment/``) lives in ``assessment.api``.

Thin: ``escalation.selectors.triage`` computes; bad input is a 400 (InvalidInput).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.roles import is_admin_or_centre_staff

from ..filters import COUNTERS
from ..selectors import triage


def _centre_only(request: Request) -> None:
    if not is_admin_or_centre_staff(request.user):
        raise PermissionDenied("指挥台与考核数据仅供综治中心工作人员和管理员使用")


class DashboardCountersView(APIView):
    @extend_schema(
        tags=["dashboard"],
        responses=inline_serializer("DashboardCounters", {v.key: serializers.IntegerField() for v in COUNTERS}),
    )
    def get(self, request: Request) -> Response:
        _centre_only(request)
        return Response(triage.counters(request.user))


class DashboardGridsView(APIView):
    @extend_schema(
        tags=["dashboard"],
        responses=inline_serializer(
            "DashboardGrid",
            {
                "id": serializers.IntegerField(),
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "open": serializers.IntegerField(),
                "overdue": serializers.IntegerField(),
            },
            many=True,
        ),
    )
    def get(self, request: Request) -> Response:
        _centre_only(request)
        cells = triage.grid_map(request.user)
        return Response(
            [{"id": c.id, "code": c.code, "name": c.name, "open": c.open, "overdue": c.overdue} for c in cells]
        )
