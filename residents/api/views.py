"""API of the residents app (/api/v1/): scoped like the pages, tag-filtered, cursor-paginated.

Out of scope is 404 (also for the tag of a person whose tag the viewer may not see: existence does not leak).
Reads of tagged people write the access log (channel "api").
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import InvalidInput, NotFound
from core.hostile_input import whole_number
from governance.models import Category
from grids.models import Grid

from .. import selectors, services
from ..choices import AccessChannel, AccessSubject
from ..visibility import grids_q, reach_of
from .serializers import (
    BuildingSerializer,
    DiaryEntrySerializer,
    DiaryInputSerializer,
    HouseholdMapSerializer,
    ResidentSerializer,
    ResidentTagSerializer,
    TagCategorySerializer,
    VisitInputSerializer,
    VisitPlanSerializer,
    VisitSerializer,
)


class IdCursor(CursorPagination):
    """Cursor pages by id: constant cost on the last page as on the first (no OFFSET, no COUNT)."""

    ordering = "id"
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"

    def decode_cursor(self, request: Request) -> Cursor | None:
        """DRF's cursor, its position checked: an id, as the API's other lists answer a bad cursor (400) — DRF let
        any text through to the query (``p=a``: a 500)."""
        try:
            cursor = super().decode_cursor(request)
        except DRFNotFound:
            cursor = None
            bad = True
        else:
            bad = cursor is not None and cursor.position is not None and whole_number(cursor.position) is None
        if bad:
            raise InvalidInput(_("翻页参数无效，请回到第一页"), code="cursor")
        return cursor


def _log_tagged(request: Request, residents: list) -> None:
    rows = [{"object_id": r.id, "street_id": r.grid.community.parent_id} for r in residents if r.ui_tags]
    if rows:
        services.access_log_record_many(
            user=request.user,
            subject=AccessSubject.RESIDENT_TAG,
            rows=rows,
            channel=AccessChannel.API,
            path=request.get_full_path(),
        )


@extend_schema(
    parameters=[
        OpenApiParameter("q", OpenApiTypes.STR, description="name (contains) or exact ID number / phone"),
        OpenApiParameter("tag", OpenApiTypes.STR, description="tag category code (only visible ones match)"),
        OpenApiParameter("grid", OpenApiTypes.STR, description="grid code"),
    ]
)
class ResidentViewSet(viewsets.ReadOnlyModelViewSet):
    """People the user may see, masked; ``tags`` lists only the categories the user may see."""

    serializer_class = ResidentSerializer
    pagination_class = IdCursor
    filter_backends: list = []

    def get_queryset(self):
        user = self.request.user
        qs = selectors.residents_visible_to(user=user).select_related("grid__community", "house")
        params = self.request.query_params
        qs = selectors.search_residents(user=user, text=params.get("q", ""), qs=qs)
        qs = selectors.filter_by_category(user=user, qs=qs, category_code=params.get("tag", ""))
        if params.get("grid"):
            qs = qs.filter(grid__code=params["grid"])
        return qs

    def _decorate(self, rows: list) -> list:
        tags = selectors.visible_tags_by_resident(user=self.request.user, resident_ids=[r.id for r in rows])
        for r in rows:
            r.ui_tags = tags.get(r.id, [])
        _log_tagged(self.request, rows)
        return rows

    def list(self, request: Request, *args, **kwargs) -> Response:
        # a search by a whole ID number or phone is logged and rationed (429 past the hour's ration); its next pages
        # are the same search
        if not request.query_params.get("cursor"):
            services.exact_search_admit(
                user=request.user,
                text=request.query_params.get("q", ""),
                channel=AccessChannel.API,
                path=request.get_full_path(),
            )
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(self._decorate(list(page)), many=True).data)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        try:
            resident = selectors.resident_for(user=request.user, pk=int(kwargs["pk"]))
        except (NotFound, ValueError):
            raise Http404 from None
        self._decorate([resident])
        if not resident.ui_tags and resident.tags.filter(ended_on__isnull=True).exists():
            services.access_log_record(
                user=request.user,
                subject=AccessSubject.RESIDENT,
                object_id=resident.pk,
                channel=AccessChannel.API,
                path=request.path,
                street_id=resident.grid.community.parent_id,
            )
        return Response(self.get_serializer(resident).data)

    @extend_schema(responses=ResidentTagSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def tags(self, request: Request, pk: str | None = None) -> Response:
        """The person's tags the user may see (404 if the person is out of scope)."""
        try:
            resident = selectors.resident_for(user=request.user, pk=int(pk or 0))
        except (NotFound, ValueError):
            raise Http404 from None
        tags = selectors.tags_visible_to(user=request.user).filter(resident=resident)
        return Response(ResidentTagSerializer(tags, many=True).data)


class ResidentTagViewSet(viewsets.ReadOnlyModelViewSet):
    """Tags the user may see; any other tag's detail is 404, exactly like one that does not exist."""

    serializer_class = ResidentTagSerializer
    pagination_class = IdCursor
    filter_backends: list = []

    def get_queryset(self):
        return selectors.tags_visible_to(user=self.request.user)

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        tag = self.get_object()
        services.access_log_record(
            user=request.user,
            subject=AccessSubject.RESIDENT_TAG,
            object_id=tag.resident_id,
            channel=AccessChannel.API,
            path=request.path,
            street_id=tag.resident.grid.community.parent_id,
        )
        return Response(self.get_serializer(tag).data)


class TagCategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The tag categories the user may see (the others do not exist for them)."""

    serializer_class = TagCategorySerializer
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        from ..models import TagCategory

        return TagCategory.objects.filter(id__in=reach_of(self.request.user).visible_category_ids())


class BuildingViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = BuildingSerializer
    pagination_class = IdCursor
    filter_backends: list = []

    def get_queryset(self):
        return selectors.buildings_visible_to(user=self.request.user)

    @extend_schema(responses=HouseholdMapSerializer)
    @action(detail=True, methods=["get"], url_path="household-map", pagination_class=None)
    def household_map(self, request: Request, pk: str | None = None) -> Response:
        """电子装户图 as data: every house with household size, head, use, open cases and visible tag codes."""
        building = self.get_object()
        data = selectors.household_map(user=request.user, building=building)
        houses = [
            {
                "id": cell["house"].id,
                "unit": cell["house"].unit,
                "floor": cell["house"].floor,
                "number": cell["house"].number,
                "use": cell["house"].use,
                "size": cell["size"],
                "head": cell["head"],
                "open_cases": cell["open_cases"],
                "tags": [c.code for c in cell["markers"]],
            }
            for row in data["rows"]
            for cells in row["units"]
            for cell in cells
        ]
        if data["tagged_resident_ids"]:
            services.access_log_record_many(
                user=request.user,
                subject=AccessSubject.RESIDENT_TAG,
                rows=[
                    {"object_id": rid, "street_id": building.grid.community.parent_id}
                    for rid in data["tagged_resident_ids"]
                ],
                channel=AccessChannel.API,
                path=request.path,
            )
        return Response(HouseholdMapSerializer({"building": building, "houses": houses}).data)


class VisitPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Active visit plans the user may see (``?light=yellow|red`` for overdue ones)."""

    serializer_class = VisitPlanSerializer
    pagination_class = IdCursor
    filter_backends: list = []

    def get_queryset(self):
        qs = selectors.plans_visible_to(user=self.request.user)
        light = self.request.query_params.get("light")
        return qs.filter(light=light) if light else qs


class VisitViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Visits in scope; POST records one (for a plan, a person or a house) through ``visit_record``."""

    serializer_class = VisitSerializer
    pagination_class = IdCursor
    filter_backends: list = []

    def get_queryset(self):
        return selectors.visits_visible_to(user=self.request.user)

    @extend_schema(request=VisitInputSerializer, responses={201: VisitSerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        data = VisitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        user = request.user
        plan = resident = house = None
        if d.get("plan"):
            plan = selectors.plans_visible_to(user=user).filter(pk=d["plan"]).first()
            if plan is None:
                raise Http404
        elif d.get("resident"):
            resident = selectors.residents_visible_to(user=user).filter(pk=d["resident"]).first()
            if resident is None:
                raise Http404
        elif d.get("house"):
            house = selectors.houses_visible_to(user=user).filter(pk=d["house"]).first()
            if house is None:
                raise Http404
        visit = services.visit_record(
            actor=user,
            plan=plan,
            resident=resident,
            house=house,
            visited_on=d.get("visited_on"),
            place=d["place"],
            found=d["found"],
            follow_up=d["follow_up"],
        )
        return Response(VisitSerializer(visit).data, status=status.HTTP_201_CREATED)


class DiaryEntryViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """民情日记 in scope; POST writes one through ``diary_write``."""

    serializer_class = DiaryEntrySerializer
    pagination_class = IdCursor
    filter_backends: list = []

    def get_queryset(self):
        return selectors.diary_visible_to(user=self.request.user)

    @extend_schema(request=DiaryInputSerializer, responses={201: DiaryEntrySerializer})
    def create(self, request: Request, *args, **kwargs) -> Response:
        data = DiaryInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        user = request.user
        grid = Grid.objects.filter(grids_q(reach_of(user)), code=d["grid"]).first()
        if grid is None:
            raise Http404
        house = None
        if d.get("house"):
            house = selectors.houses_visible_to(user=user).filter(pk=d["house"]).first()
            if house is None:
                raise Http404
        category = None
        if d.get("category"):
            category = Category.objects.filter(pk=d["category"]).first()
            if category is None:  # it was dropped without a word: the entry filed with no matter at all
                raise serializers.ValidationError({"category": [_("没有这个事项类别")]})
        entry = services.diary_write(
            actor=user,
            grid=grid,
            house=house,
            place=d["place"],
            topic=d["topic"],
            mood=d["mood"],
            text=d["text"],
            needs_follow_up=d["needs_follow_up"],
            category=category,
        )
        return Response(DiaryEntrySerializer(entry).data, status=status.HTTP_201_CREATED)
