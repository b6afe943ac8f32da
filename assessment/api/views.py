"""The assessment API (centre staff and admins; others get 403):

``GET /api/v1/dashboard/assessment/?from=&to=&scheme=&by=`` — the chosen dimension's ranked rows with their
raw counts and rates, the scope's totals, the total's composite under every stored scheme, and the 数字城管
indicators. ``computed_at``: when the figures were counted — a district-wide scope's fixed periods (this and last
week, this and last month, the last 30 days) come from the figures beat keeps (``assessment.services``), others and
``?live=1`` are counted now (``computed_at`` null). ``scheme`` describes the scheme applied: its weights
(relative, per counted indicator), their shares of the composite, and the credit of "basically satisfied".

Thin: ``assessment.selectors`` computes; bad input is a 400 (InvalidInput).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.selectors import scope_for

from .. import selectors
from ..indicators import Rates
from ..periods import Period
from ..permissions import may_assess


def _rates(rates: Rates) -> dict:
    return {**rates.values, "composite": rates.composite}


class AssessmentView(APIView):
    @extend_schema(
        tags=["dashboard"],
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="first day (default: this week's Monday)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last day, inclusive"),
            OpenApiParameter(
                "scheme",
                OpenApiTypes.STR,
                description="a weight scheme's name (default: the one that applies to the user's region)",
            ),
            OpenApiParameter("by", OpenApiTypes.STR, enum=list(selectors.DIMENSIONS), description="table dimension"),
            OpenApiParameter(
                "live",
                OpenApiTypes.BOOL,
                description="count now rather than from the figures kept for a district-wide scope's fixed periods",
            ),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        if not may_assess(request.user):
            raise PermissionDenied("指挥台与考核数据仅供综治中心工作人员和管理员使用")
        g = request.query_params
        stored = selectors.stored_schemes()
        period = Period.parse(g.get("from"), g.get("to"))
        scheme = selectors.scheme_for(g.get("scheme") or None, user=request.user, stored=stored)
        by = g.get("by") or selectors.default_dimension(request.user)
        scope = scope_for(request.user)
        live = g.get("live") in ("1", "true", "yes")
        figures = None if live else selectors.kept_figures(scope, period)
        result = selectors.assessment(
            scope, period=period, scheme=scheme, by=by, compare=selectors.schemes(stored), figures=figures
        )
        return Response(
            {
                "period": {"from": period.date_from, "to": period.date_to},
                "scheme": {
                    "name": scheme.name,
                    "label": scheme.label,
                    "weights": scheme.weights,
                    "shares": scheme.shares(),
                    "basic_weight": scheme.basic_weight,
                },
                "by": by,
                "computed_at": timezone.localtime(figures.computed_at) if figures and figures.computed_at else None,
                "total": {**result.total.as_dict(), "rates": _rates(result.total_rates)},
                "composites": result.composites,
                "rows": list(selectors.flatten(result.rows)),
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
