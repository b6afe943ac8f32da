"""Dashboard and assessment API (centre staff and admins; others get 403):

- ``GET /api/v1/dashboard/counters/`` — the eight counters (one aggregate query);
- ``GET /api/v1/dashboard/grids/`` — each grid in scope with its open and overdue case counts;
- ``GET /api/v1/dashboard/assessment/?from=&to=&scheme=&by=`` — the 三率 table with raw counts, the scope's
  totals under every scheme, and the 数字城管 indicators.

Thin: ``escalation.selectors.triage`` and ``cases.assessment`` compute; bad input is a 400 (InvalidInput).
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import assessment as A
from cases.selectors import scope_for
from core.roles import is_admin_or_centre_staff

from ..filters import COUNTERS
from ..selectors import triage


def _centre_only(request: Request) -> None:
    if not is_admin_or_centre_staff(request.user):
        raise PermissionDenied("指挥台与考核数据仅供综治中心工作人员和管理员使用")


def _rates(rates: A.Rates) -> dict:
    return {
        "response": rates.response,
        "completion": rates.completion,
        "satisfaction": rates.satisfaction,
        "composite": rates.composite,
    }


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


class AssessmentView(APIView):
    @extend_schema(
        tags=["dashboard"],
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="first day (default: this week's Monday)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last day, inclusive"),
            OpenApiParameter("scheme", OpenApiTypes.STR, description="settings.ASSESSMENT_SCHEMES key"),
            OpenApiParameter("by", OpenApiTypes.STR, enum=list(A.DIMENSIONS), description="table dimension"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        _centre_only(request)
        g = request.query_params
        period = A.Period.parse(g.get("from"), g.get("to"))
        scheme = A.scheme_for(g.get("scheme") or None)
        by = g.get("by") or A.default_dimension(request.user)
        result = A.assessment(scope_for(request.user), period=period, scheme=scheme, by=by)
        return Response(
            {
                "period": {"from": period.date_from, "to": period.date_to},
                "scheme": {
                    "name": scheme.name,
                    "label": scheme.label,
                    "weights": scheme.weights,
                    "basic_weight": scheme.basic_weight,
                },
                "by": by,
                "total": {**result.total.as_dict(), "rates": _rates(result.total_rates)},
                "composites": result.composites,
                "rows": list(A.flatten(result.rows)),
                "indicators": {
                    "counts": result.indicators.counts,
                    "rates": result.indicators.rates,
                    "durations": [
                        {"key": d["key"], "label": d["label"], "seconds": d["seconds"]}
                        for d in result.indicators.durations
                    ],
                },
            }
        )
