"""API of the mobilisation app under ``/api/v1/mobilisation/`` (and ``/api/v1/public/…`` for residents).

Thin views: input serializer → ``mobilisation.services`` → output serializer. Lists go through
``mobilisation.selectors`` (scoped like cases); outside the scope an object answers 404. Domain errors map to
HTTP through the project's exception handler: 400 bad input, 403 not yours to do, 404 outside scope, 409 not now.
"""

from __future__ import annotations

from datetime import date

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.errors import InvalidInput, NotFound
from core.hostile_input import whole_number
from governance.http import AuthenticatedRequest

from .. import contact_log, selectors, services
from ..choices import TopicSource
from ..models import PointsEntry
from . import serializers as s

ERRORS = {
    400: OpenApiResponse(s.MobilisationErrorSerializer, description="输入有误"),
    403: OpenApiResponse(s.MobilisationErrorSerializer, description="可见但无权进行此操作"),
    404: OpenApiResponse(s.MobilisationErrorSerializer, description="不存在或不在您的范围内"),
    409: OpenApiResponse(s.MobilisationErrorSerializer, description="当前状态不允许"),
}


def _pk(value) -> int:
    pk = whole_number(value)
    if pk is None:
        raise NotFound("记录不存在")
    return pk


def _valid(serializer_class, request: Request) -> dict:
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


class ScopedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _one(self, pk):
        obj = self.get_queryset().filter(pk=_pk(pk)).first()
        if obj is None:
            raise NotFound("记录不存在")
        return obj

    def with_reads(self, read, name: str, instance=None, *args, **kwargs):
        """``get_serializer`` for rows with personal data: ``read`` (``contact_log``) says which rows the user
        sees in full and logs them; the serializer unmasks exactly those (lists, details, answers to actions)."""
        if instance is not None:
            objs = list(instance) if kwargs.get("many") else [instance]
            context = kwargs.setdefault("context", self.get_serializer_context())
            context["unmasked"] = read(user=self.request.user, channel="api", path=self.request.path, **{name: objs})
        return super().get_serializer(instance, *args, **kwargs)

    def _out(self, obj, code: int = status.HTTP_200_OK) -> Response:
        obj = self.get_queryset().filter(pk=obj.pk).first() or obj
        return Response(self.get_serializer(obj).data, status=code)


@extend_schema_view(
    list=extend_schema(summary="双报到登记列表", description="工作人员：辖区社区的；党员：自己的。"),
    retrieve=extend_schema(summary="双报到登记详情"),
)
class RegistrationViewSet(ScopedViewSet):
    serializer_class = s.RegistrationSerializer

    def get_serializer(self, *args, **kwargs):
        return self.with_reads(contact_log.registration_phones_read, "registrations", *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        return (
            (selectors.registrations_for(user) | selectors.my_registrations(user))
            .distinct()
            .order_by("-created_at", "-id")
        )

    @extend_schema(
        summary="报到（党员本人，或工作人员代登记党员/单位）",
        request=s.RegistrationInputSerializer,
        responses={201: s.RegistrationSerializer, **ERRORS},
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        data = _valid(s.RegistrationInputSerializer, request)
        unit_reg = data.get("unit_registration")
        reg = services.registration_submit(
            actor=request.user,
            community=data["community"],
            basis=data["basis"],
            member=None if unit_reg else (data.get("member") or request.user),
            unit=data.get("unit"),
            phone=data.get("phone", ""),
            skills=data.get("skills", ""),
            availability=data.get("availability", ""),
        )
        return self._out(reg, status.HTTP_201_CREATED)

    @extend_schema(summary="社区确认报到", request=None, responses={200: s.RegistrationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def confirm(self, request: AuthenticatedRequest, pk=None) -> Response:
        return self._out(services.registration_decide(actor=request.user, registration_id=_pk(pk), confirm=True))

    @extend_schema(
        summary="不予通过（须填原因）",
        request=s.DecisionInputSerializer,
        responses={200: s.RegistrationSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: AuthenticatedRequest, pk=None) -> Response:
        data = _valid(s.DecisionInputSerializer, request)
        reg = services.registration_decide(
            actor=request.user, registration_id=_pk(pk), confirm=False, reason=data.get("reason", "")
        )
        return self._out(reg)

    @extend_schema(summary="退出报到", request=None, responses={200: s.RegistrationSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: AuthenticatedRequest, pk=None) -> Response:
        return self._out(services.registration_withdraw(actor=request.user, registration_id=_pk(pk)))


@extend_schema_view(list=extend_schema(summary="服务任务列表"), retrieve=extend_schema(summary="服务任务详情"))
class ServiceTaskViewSet(ScopedViewSet):
    serializer_class = s.ServiceTaskSerializer

    def get_queryset(self):
        return selectors.tasks_for(self.request.user).order_by("-starts_at", "-id")

    @extend_schema(
        summary="发布服务任务", request=s.ServiceTaskInputSerializer, responses={201: s.ServiceTaskSerializer, **ERRORS}
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        data = _valid(s.ServiceTaskInputSerializer, request)
        task = services.task_create(actor=request.user, **data)
        return self._out(task, status.HTTP_201_CREATED)

    @extend_schema(summary="报名", request=None, responses={200: s.ServiceTaskSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def signup(self, request: AuthenticatedRequest, pk=None) -> Response:
        services.task_signup(actor=request.user, task_id=self._one(pk).pk)
        return self._out(self._one(pk))

    @extend_schema(summary="退出报名", request=None, responses={200: s.ServiceTaskSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: AuthenticatedRequest, pk=None) -> Response:
        services.task_withdraw(actor=request.user, task_id=self._one(pk).pk)
        return self._out(self._one(pk))

    @extend_schema(
        summary="记录考勤并计分",
        request=s.AttendanceInputSerializer,
        responses={200: s.ServiceTaskSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def attendance(self, request: AuthenticatedRequest, pk=None) -> Response:
        data = _valid(s.AttendanceInputSerializer, request)
        task = services.task_record_attendance(
            actor=request.user, task_id=self._one(pk).pk, attended_member_ids=data["attended"]
        )
        return self._out(task)


@extend_schema_view(list=extend_schema(summary="微心愿列表（辖区）"), retrieve=extend_schema(summary="微心愿详情"))
class WishViewSet(ScopedViewSet):
    serializer_class = s.WishSerializer

    def get_serializer(self, *args, **kwargs):
        return self.with_reads(contact_log.wish_residents_read, "wishes", *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        return (
            selectors.wishes_for(user) | selectors.my_claimed_wishes(user) | selectors.claimable_wishes(user)
        ).distinct()

    @extend_schema(
        summary="网格员代居民登记心愿", request=s.WishInputSerializer, responses={201: s.WishSerializer, **ERRORS}
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        data = _valid(s.WishInputSerializer, request)
        wish = services.wish_submit(actor=request.user, **data)
        return self._out(wish, status.HTTP_201_CREATED)

    @extend_schema(
        summary="审核（受理/不予受理）", request=s.ReviewInputSerializer, responses={200: s.WishSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def review(self, request: AuthenticatedRequest, pk=None) -> Response:
        data = _valid(s.ReviewInputSerializer, request)
        return self._out(
            services.wish_review(
                actor=request.user, wish_id=_pk(pk), accept=data["accept"], reason=data.get("reason", "")
            )
        )

    @extend_schema(summary="发布（社区派单）", request=None, responses={200: s.WishSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request: AuthenticatedRequest, pk=None) -> Response:
        return self._out(services.wish_publish(actor=request.user, wish_id=_pk(pk)))

    @extend_schema(summary="认领（党员接单）", request=None, responses={200: s.WishSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def claim(self, request: AuthenticatedRequest, pk=None) -> Response:
        return self._out(services.wish_claim(actor=request.user, wish_id=_pk(pk)))

    @extend_schema(
        summary="反馈完成（须附照片）",
        request={"multipart/form-data": s.FulfilInputSerializer},
        responses={200: s.WishSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def fulfil(self, request: AuthenticatedRequest, pk=None) -> Response:
        photo = request.FILES.get("photo")
        wish = services.wish_fulfil(actor=request.user, wish_id=_pk(pk), photo=photo, note=request.data.get("note", ""))
        return self._out(wish)

    @extend_schema(summary="代居民确认完成", request=None, responses={200: s.WishSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def confirm(self, request: AuthenticatedRequest, pk=None) -> Response:
        return self._out(services.wish_confirm(actor=request.user, wish_id=_pk(pk)))

    @extend_schema(summary="心愿的流转记录", responses={200: s.EventSerializer(many=True), 404: ERRORS[404]})
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, as the schema says
    def events(self, request: Request, pk=None) -> Response:
        wish = self._one(pk)
        return Response(s.EventSerializer(selectors.events_of("wish", wish.pk), many=True).data)


class PublicWishThrottle(SimpleRateThrottle):
    """Wishes posted per client address (``DEFAULT_THROTTLE_RATES["public_wish"]``, the citizen-report rate)."""

    scope = "public_wish"

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request.META.get("REMOTE_ADDR", "")}


@extend_schema_view(
    list=extend_schema(
        summary="公开的待认领心愿（不含居民个人信息）",
        parameters=[OpenApiParameter("community", OpenApiTypes.INT, description="社区编号")],
    )
)
class PublicWishViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.WishPublicSerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_throttles(self):
        return [PublicWishThrottle()] if self.action == "create" else []

    def get_queryset(self):
        community = self.request.query_params.get("community")
        return selectors.public_wishes(community_id=whole_number(community))

    @extend_schema(
        summary="居民提交心愿",
        request=s.WishInputSerializer,
        responses={201: s.WishCreatedSerializer, 400: ERRORS[400]},
    )
    def create(self, request: Request) -> Response:
        data = _valid(s.WishInputSerializer, request)
        wish = services.wish_submit(actor=None, **data)
        return Response({"id": wish.pk, "status": wish.status, "follow_up_token": wish.follow_up_token}, status=201)

    @extend_schema(
        summary="居民确认心愿已完成",
        request=None,
        responses={200: s.WishPublicSerializer, 404: ERRORS[404], 409: ERRORS[409]},
    )
    @action(detail=False, methods=["post"], url_path=r"(?P<token>[\w-]+)/confirm")
    def confirm(self, request: Request, token: str = "") -> Response:
        wish = selectors.wish_by_token(token)
        wish = services.wish_confirm(wish_id=wish.pk, token=token)
        return Response(s.WishPublicSerializer(wish).data)


@extend_schema_view(list=extend_schema(summary="积分记录（辖区的，及本人的）"))
class PointsViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.PointsEntrySerializer
    queryset = PointsEntry.objects.none()  # the schema's model; get_queryset scopes every request

    def get_queryset(self):
        user = self.request.user
        return (
            (selectors.points_entries_for(user) | selectors.points_history(user))
            .distinct()
            .select_related("member")
            .order_by("-at", "-id")
        )

    @extend_schema(
        summary="积分排名（按党员或按单位）",
        parameters=[
            OpenApiParameter("by", OpenApiTypes.STR, enum=["member", "unit"]),
            OpenApiParameter("community", OpenApiTypes.INT),
            OpenApiParameter("month", OpenApiTypes.STR, description="YYYY-MM"),
        ],
        responses={200: s.RankingRowSerializer(many=True), 400: ERRORS[400]},
    )
    @action(detail=False, methods=["get"], pagination_class=None)  # a plain list (the schema said paginated)
    def ranking(self, request: Request) -> Response:
        by, community, month = ranking_params(request.query_params)
        return Response(
            s.RankingRowSerializer(
                selectors.ranking(request.user, by=by, community_id=community, month=month), many=True
            ).data
        )

    @extend_schema(
        summary="人工调整积分（须填原因）",
        request=s.AdjustInputSerializer,
        responses={201: s.PointsEntrySerializer, **ERRORS},
    )
    @action(detail=False, methods=["post"])
    def adjust(self, request: AuthenticatedRequest) -> Response:
        data = _valid(s.AdjustInputSerializer, request)
        entry = services.points_adjust(actor=request.user, **data)
        return Response(s.PointsEntrySerializer(entry).data, status=201)


def ranking_params(params) -> tuple[str, int | None, date | None]:
    by = params.get("by") or "member"
    if by not in ("member", "unit"):
        raise InvalidInput("by 只能是 member 或 unit", code="by")
    community = params.get("community")
    month_raw = params.get("month") or ""
    month = None
    if month_raw:
        try:
            year, mon = (int(x) for x in month_raw.split("-"))
            month = date(year, mon, 1)
        except ValueError:
            raise InvalidInput("月份格式应为 YYYY-MM", code="month") from None
    return by, whole_number(community), month


@extend_schema_view(list=extend_schema(summary="大党委成员单位责任清单"))
class DutyItemViewSet(ScopedViewSet):
    serializer_class = s.DutyItemSerializer

    def get_queryset(self):
        return selectors.duties_for(self.request.user)

    @extend_schema(
        summary="增加责任事项", request=s.DutyItemInputSerializer, responses={201: s.DutyItemSerializer, **ERRORS}
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        return self._out(services.duty_add(actor=request.user, **_valid(s.DutyItemInputSerializer, request)), 201)


@extend_schema_view(list=extend_schema(summary="履职述职"))
class DutyReportViewSet(ScopedViewSet):
    serializer_class = s.DutyReportSerializer

    def get_queryset(self):
        return selectors.reports_for(self.request.user)

    @extend_schema(
        summary="登记述职", request=s.DutyReportInputSerializer, responses={201: s.DutyReportSerializer, **ERRORS}
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        return self._out(
            services.duty_report_submit(actor=request.user, **_valid(s.DutyReportInputSerializer, request)), 201
        )


@extend_schema_view(list=extend_schema(summary="民主测评"), retrieve=extend_schema(summary="民主测评详情"))
class AppraisalViewSet(ScopedViewSet):
    serializer_class = s.AppraisalSerializer

    def get_queryset(self):
        return selectors.appraisals_for(self.request.user).prefetch_related("votes__rater")

    @extend_schema(
        summary="发起民主测评（具名测评人）",
        request=s.AppraisalInputSerializer,
        responses={201: s.AppraisalSerializer, **ERRORS},
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        return self._out(
            services.appraisal_open(actor=request.user, **_valid(s.AppraisalInputSerializer, request)), 201
        )

    @extend_schema(
        summary="测评（每人一次）", request=s.RateInputSerializer, responses={200: s.AppraisalSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def rate(self, request: AuthenticatedRequest, pk=None) -> Response:
        services.appraisal_rate(actor=request.user, appraisal_id=_pk(pk), **_valid(s.RateInputSerializer, request))
        return self._out(self._one(pk))

    @extend_schema(summary="结束测评并保存结果", request=None, responses={200: s.AppraisalSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def close(self, request: AuthenticatedRequest, pk=None) -> Response:
        return self._out(services.appraisal_close(actor=request.user, appraisal_id=_pk(pk)))


@extend_schema_view(list=extend_schema(summary="三色研判"), retrieve=extend_schema(summary="三色研判详情"))
class TriColourViewSet(ScopedViewSet):
    serializer_class = s.TriColourSerializer

    def get_queryset(self):
        return selectors.tricolour_for(self.request.user)

    @extend_schema(
        summary="计算（或重新计算）某社区某期间的研判",
        request=s.TriColourComputeInputSerializer,
        responses={201: s.TriColourSerializer, **ERRORS},
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        return self._out(
            services.tricolour_compute(actor=request.user, **_valid(s.TriColourComputeInputSerializer, request)), 201
        )

    @extend_schema(
        summary="人工调整（须填理由）",
        request=s.TriColourAdjustInputSerializer,
        responses={200: s.TriColourSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def adjust(self, request: AuthenticatedRequest, pk=None) -> Response:
        data = _valid(s.TriColourAdjustInputSerializer, request)
        return self._out(services.tricolour_adjust(actor=request.user, rating_id=_pk(pk), **data))


@extend_schema_view(list=extend_schema(summary="居民议事议题"), retrieve=extend_schema(summary="议题详情"))
class TopicViewSet(ScopedViewSet):
    serializer_class = s.TopicSerializer

    def get_queryset(self):
        return selectors.topics_for(self.request.user).prefetch_related("meetings__options", "meetings__follow_ups")

    @extend_schema(summary="提出议题", request=s.TopicInputSerializer, responses={201: s.TopicSerializer, **ERRORS})
    def create(self, request: AuthenticatedRequest) -> Response:
        data = _valid(s.TopicInputSerializer, request)
        topic = services.topic_create(
            actor=request.user,
            community=data.get("community"),
            title=data["title"],
            description=data["description"],
            source=data.get("source", TopicSource.OWN),
            case_id=data.get("case"),
            diary_entry_id=data.get("diary_entry_id"),
        )
        return self._out(topic, 201)

    @extend_schema(
        summary="记录议事会及议定事项", request=s.MeetingInputSerializer, responses={201: s.MeetingSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def meetings(self, request: AuthenticatedRequest, pk=None) -> Response:
        data = _valid(s.MeetingInputSerializer, request)
        meeting = services.meeting_record(
            actor=request.user,
            topic_id=_pk(pk),
            format=data["format"],
            held_at=data["held_at"],
            place=data["place"],
            attendees=data["attendees"],
            decision_mode=data["decision_mode"],
            options=[(o["text"], o["votes"]) for o in data.get("options", [])],
            decision=data["decision"],
        )
        return Response(s.MeetingSerializer(meeting).data, status=201)

    @extend_schema(
        summary="议事会跟进事项（转事件或服务任务）",
        request=s.FollowUpInputSerializer,
        parameters=[OpenApiParameter("meeting", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={201: s.FollowUpSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path=r"meetings/(?P<meeting>\d+)/follow-ups")
    def follow_ups(self, request: AuthenticatedRequest, pk=None, meeting: str = "") -> Response:
        topic = self._one(pk)
        if not topic.meetings.filter(pk=_pk(meeting)).exists():
            raise NotFound("议事会不存在")
        data = _valid(s.FollowUpInputSerializer, request)
        follow_up = services.followup_create(actor=request.user, meeting_id=int(meeting), **data)
        return Response(s.FollowUpSerializer(follow_up).data, status=201)

    @extend_schema(summary="向居民公开（不含个人信息）", request=None, responses={200: s.TopicSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def publish(self, request: AuthenticatedRequest, pk=None) -> Response:
        return self._out(services.topic_publish(actor=request.user, topic_id=_pk(pk)))


@extend_schema_view(
    list=extend_schema(
        summary="公开的议事结果（不含参会人姓名）",
        parameters=[OpenApiParameter("community", OpenApiTypes.INT, description="社区编号")],
    )
)
class PublicTopicViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = s.PublicTopicSerializer
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_queryset(self):
        community = self.request.query_params.get("community")
        return selectors.public_topics(community_id=whole_number(community)).order_by("-published_at")


@extend_schema_view(
    list=extend_schema(
        summary="单位账号",
        description="工作人员：所管理单位（街道的报到单位；社区：在本社区报到或有责任清单的单位）的登录账号。",
    ),
    retrieve=extend_schema(summary="单位账号详情"),
)
class UnitAccountViewSet(ScopedViewSet):
    serializer_class = s.UnitAccountSerializer

    def get_queryset(self):
        return selectors.unit_accounts_for(self.request.user)

    @extend_schema(
        summary="开通单位账号（单位联系人登录后只看到本单位）",
        request=s.UnitAccountInputSerializer,
        responses={201: s.UnitAccountSerializer, **ERRORS},
    )
    def create(self, request: AuthenticatedRequest) -> Response:
        data = _valid(s.UnitAccountInputSerializer, request)
        return self._out(services.unit_account_create(actor=request.user, **data), 201)

    @extend_schema(
        summary="停用单位账号", request=s.UnitAccountEndSerializer, responses={200: s.UnitAccountSerializer, **ERRORS}
    )
    @action(detail=True, methods=["post"])
    def end(self, request: AuthenticatedRequest, pk=None) -> Response:
        data = _valid(s.UnitAccountEndSerializer, request)
        return self._out(services.unit_account_end(actor=request.user, account_id=_pk(pk), **data))
