"""Read-only API of the grids app: grids (also as GeoJSON), locating a point, staffing. Out of scope is 404."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from grids.filters import GridAssignmentFilter, GridFilter
from grids.selectors import assignments_visible_to, grids_visible_to, locate_grid

from .serializers import (
    GridAssignmentSerializer,
    GridFeatureCollectionSerializer,
    GridSerializer,
    LocateQuerySerializer,
)


class GridViewSet(viewsets.ReadOnlyModelViewSet):
    """Grids the user may see: admins all; centre staff those under their region; grid workers their own."""

    serializer_class = GridSerializer
    filterset_class = GridFilter

    def get_queryset(self):
        return grids_visible_to(self.request.user).order_by("code")

    @extend_schema(responses=GridFeatureCollectionSerializer, summary="Visible grids as a GeoJSON FeatureCollection")
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request: Request) -> Response:
        """All visible grids (filters apply) as one FeatureCollection, unpaginated, for a map layer."""
        grids = self.filter_queryset(self.get_queryset())
        return Response(GridFeatureCollectionSerializer({"type": "FeatureCollection", "features": grids}).data)

    @extend_schema(
        parameters=[LocateQuerySerializer],
        responses=GridSerializer,
        summary="The visible grid covering a point (404 if none)",
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def locate(self, request: Request) -> Response:
        """Point-in-polygon: the grid (dedicated before community) whose boundary covers ``lat``/``lng``."""
        query = LocateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        grid = locate_grid(among=self.get_queryset(), **query.validated_data)
        if grid is None:
            raise Http404
        return Response(GridSerializer(grid).data)


class GridAssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    """1+1+N seats, past and present (``?active=true`` for current ones), on the grids the user may see."""

    serializer_class = GridAssignmentSerializer
    filterset_class = GridAssignmentFilter

    def get_queryset(self):
        return assignments_visible_to(self.request.user).order_by("grid__code", "role", "started_on", "id")
