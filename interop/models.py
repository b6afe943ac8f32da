"""The 12345 exchange and signed webhooks: partners, their category codes, orders, subscriptions and the outbox.

A ``Partner`` is one hotline platform (key id + secret, callback URL, the street that is its 中心站). An
``Order`` ties the partner's work order to the case it became. Everything that leaves goes through
``OutboundMessage`` (one outbox for partner callbacks and webhook subscriptions): written in the transaction
that caused it, sent after commit, retried with backoff, dead-lettered, re-sendable; every try is a
``DeliveryAttempt``.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from governance.choices import max_limit_hours, max_limit_minutes
from governance.models import Category, Region

from .choices import (
    Decision,
    MessageStatus,
    OrderRequestKind,
    RequestState,
    RequestType,
    ReturnCode,
    Urgency,
    message_label,
)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Partner(models.Model):
    """A hotline platform (12345) connected to one street (its 中心站).

    Requests in are signed with ``secret`` and name ``key_id``; messages out are signed with the same secret
    and go to ``callback_url``. The platform acts on cases as ``user`` (made on save: a centre-staff account
    of the street that cannot sign in), so its decisions go through the ordinary case transitions.
    """

    name = models.CharField(_("名称"), max_length=100)
    key_id = models.CharField(_("密钥编号"), max_length=64, unique=True)
    secret = models.CharField(_("密钥"), max_length=128, default=new_secret)
    street = models.ForeignKey(
        Region,
        verbose_name=_("承接街道（中心站）"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "street"},
    )
    fallback_category = models.ForeignKey(
        Category,
        verbose_name=_("待分类事项"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"parent__isnull": False},
        help_text=_("热线分类编码没有对应时，事件先按此小类立案，并进入街道的“待分类”队列"),
    )
    callback_url = models.URLField(_("回调地址"), max_length=300, blank=True)
    # Urgency (紧急程度) limits, counted in calendar time from the order's arrival: an urgent or emergency order
    # gets the stricter of these and the deadlines it carries (0: no limit of our own for that urgency).
    # At most MAX_DUE_HORIZON_DAYS' worth (``limit_ceiling``): a longer limit leaves the years a date can hold.
    urgent_response_minutes = models.PositiveIntegerField(
        _("紧急工单响应时限（分钟）"), default=120, validators=[MaxValueValidator(max_limit_minutes)]
    )
    urgent_resolution_hours = models.PositiveIntegerField(
        _("紧急工单办结时限（小时）"), default=24, validators=[MaxValueValidator(max_limit_hours)]
    )
    emergency_response_minutes = models.PositiveIntegerField(
        _("特急工单响应时限（分钟）"), default=30, validators=[MaxValueValidator(max_limit_minutes)]
    )
    emergency_resolution_hours = models.PositiveIntegerField(
        _("特急工单办结时限（小时）"),
        default=2,
        validators=[MaxValueValidator(max_limit_hours)],
        help_text=_("按自然时间从收到工单起算；0 表示不另设，只按热线所给时限"),
    )
    active = models.BooleanField(_("启用"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("热线操作账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hotline_partner",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = _("12345热线平台")
        verbose_name_plural = _("12345热线平台")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def urgency_limits(self, urgency: str) -> tuple[timedelta | None, timedelta | None]:
        """(response, resolution) limits of an order of this urgency, from its arrival; None where none is set."""
        minutes, hours = {
            Urgency.URGENT: (self.urgent_response_minutes, self.urgent_resolution_hours),
            Urgency.EMERGENCY: (self.emergency_response_minutes, self.emergency_resolution_hours),
        }.get(Urgency(urgency), (0, 0))
        return (timedelta(minutes=minutes) if minutes else None, timedelta(hours=hours) if hours else None)


class CategoryMapping(models.Model):
    """The hotline's category code → a 小类 of our catalogue (admin, importable as CSV ``code,category``)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="mappings", verbose_name=_("热线平台"))
    code = models.CharField(_("热线分类编码"), max_length=40)
    name = models.CharField(_("热线分类名称"), max_length=100, blank=True)
    category = models.ForeignKey(
        Category,
        verbose_name=_("事项小类"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"parent__isnull": False},
    )

    class Meta:
        verbose_name = _("热线分类对应")
        verbose_name_plural = _("热线分类对应")
        ordering = ["partner", "code"]
        constraints = [models.UniqueConstraint(fields=["partner", "code"], name="mapping_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} → {self.category.code}"


class Order(models.Model):
    """One hotline work order (工单) and the case it became. Unique per partner and order id (idempotent intake).

    ``triage_reasons`` lists why the case waits in the street's 待分类 queue (an unmapped code, an address
    in no grid); ``triaged_at`` is when street staff cleared it.
    """

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="orders", verbose_name=_("热线平台"))
    order_id = models.CharField(_("工单编号"), max_length=64)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="hotline_order", verbose_name=_("事件"))
    request_type = models.CharField(_("诉求类型"), max_length=12, choices=RequestType.choices)
    category_code = models.CharField(_("热线分类编码"), max_length=40)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    response_due_at = models.DateTimeField(_("热线响应时限"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("热线办结时限"), null=True, blank=True)
    attachments = models.JSONField(_("附件链接"), default=list, blank=True)
    payload = models.JSONField(_("原始工单"), default=dict)
    triage_reasons = models.JSONField(_("待分类原因"), default=list, blank=True)
    triaged_at = models.DateTimeField(_("分类完成时间"), null=True, blank=True)
    return_final = models.BooleanField(_("退单已终审"), default=False)
    next_sequence = models.PositiveIntegerField(default=1, editable=False, verbose_name=_("下一条消息序号"))
    received_at = models.DateTimeField(_("接收时间"), default=timezone.now)

    class Meta:
        verbose_name = _("热线工单")
        verbose_name_plural = _("热线工单")
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["partner", "order_id"], name="order_id_unique_per_partner")]
        indexes = [
            models.Index(fields=["received_at"], name="order_triage_idx", condition=Q(triaged_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return self.order_id

    @property
    def in_triage(self) -> bool:
        return bool(self.triage_reasons) and self.triaged_at is None


class OrderRequest(models.Model):
    """A request the street sent to the hotline (退单申请, 延期申请) and the hotline's answer."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("类型"), max_length=10, choices=OrderRequestKind.choices)
    reason_code = models.CharField(_("退单原因"), max_length=20, choices=ReturnCode.choices, blank=True)
    text = models.TextField(_("理由"))
    requested_due_at = models.DateTimeField(_("申请延至"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    state = models.CharField(_("状态"), max_length=10, choices=RequestState.choices, default=RequestState.PENDING)
    decided_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decision_note = models.TextField(_("答复意见"), blank=True)

    class Meta:
        verbose_name = _("向热线的申请")
        verbose_name_plural = _("向热线的申请")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind"],
                condition=Q(state="pending"),
                name="one_pending_request_per_kind",
                violation_error_message=_("该工单已有一条同类的待答复申请"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.get_kind_display()} {self.get_state_display()}"


class InboundDecision(models.Model):
    """A decision the hotline sent (退单/延期 answers, 回访 results, 重办), kept by its ``decision_id`` so that a
    repeat is answered with the first outcome and applied once."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("热线平台"))
    decision_id = models.CharField(_("决定编号"), max_length=64)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("工单"))
    kind = models.CharField(_("类型"), max_length=20, choices=Decision.choices)
    data = models.JSONField(default=dict, verbose_name=_("内容"))
    received_at = models.DateTimeField(default=timezone.now, verbose_name=_("接收时间"))

    class Meta:
        verbose_name = _("热线决定")
        verbose_name_plural = _("热线决定")
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "decision_id"], name="decision_id_unique_per_partner")
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.get_kind_display()}"


class Subscription(models.Model):
    """A webhook subscriber: signed POSTs of the chosen event types (``*`` for all) to ``url``."""

    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("地址"), max_length=300)
    secret = models.CharField(_("密钥"), max_length=128, default=new_secret)
    event_types = models.JSONField(
        _("事件类型"), default=list, help_text=_('如 ["case.accept", "case.resolve"]；["*"] 表示全部')
    )
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, verbose_name=_("创建时间"))

    class Meta:
        verbose_name = _("Webhook 订阅")
        verbose_name_plural = _("Webhook 订阅")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        types = self.event_types or []
        return "*" in types or event_type in types


class OutboundMessage(models.Model):
    """One signed POST to send: to a partner's callback (``order`` set: sent in ``sequence`` order) or to a
    webhook subscriber. ``body`` is kept byte for byte so that every try and every re-send is the same message
    with the same ``idempotency_key``."""

    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="messages", verbose_name=_("热线平台")
    )
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.CASCADE, related_name="messages", verbose_name=_("订阅")
    )
    order = models.ForeignKey(
        Order, null=True, blank=True, on_delete=models.CASCADE, related_name="messages", verbose_name=_("工单")
    )
    sequence = models.PositiveIntegerField(_("序号"), default=0)
    event_type = models.CharField(_("消息类型"), max_length=40)
    idempotency_key = models.UUIDField(_("幂等键"), default=uuid.uuid4, unique=True, editable=False)
    body = models.TextField(_("消息内容"))
    status = models.CharField(_("状态"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("外发消息")
        verbose_name_plural = _("外发消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(partner__isnull=False, subscription__isnull=True)
                | Q(partner__isnull=True, subscription__isnull=False),
                name="message_one_target",
            ),
            models.UniqueConstraint(
                fields=["order", "sequence"], condition=Q(order__isnull=False), name="message_order_sequence_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="message_due_idx", condition=Q(status="pending")),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.pk}"

    @property
    def event_label(self) -> str:
        """What the message says, in words (``choices.message_label``)."""
        return message_label(self.event_type)

    @property
    def error_text(self) -> str:
        """The last failure in the street officer's words; ``last_error`` keeps the technical detail (the HTTP
        status, or the exception as the network library gave it) for whoever runs the exchange."""
        error = self.last_error
        if not error:
            return ""
        if error == "no URL":
            return gettext("未配置热线平台的回调地址")
        if error.startswith("HTTP 4"):
            return gettext("热线平台拒收了该消息（%(status)s）") % {"status": error}
        if error.startswith("HTTP "):
            return gettext("热线平台处理出错（%(status)s）") % {"status": error}
        return gettext("无法连接热线平台")

    @property
    def target_url(self) -> str:
        if self.partner_id:
            return self.partner.callback_url
        return self.subscription.url

    @property
    def target_secret(self) -> str:
        return self.partner.secret if self.partner_id else self.subscription.secret

    @property
    def target_key_id(self) -> str:
        return self.partner.key_id if self.partner_id else f"sub-{self.subscription_id}"


class DeliveryAttempt(models.Model):
    """One try to deliver a message: when, the HTTP status (or none), the error, how long it took."""

    message = models.ForeignKey(
        OutboundMessage, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("消息")
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("HTTP 状态码"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} @ {self.at:%H:%M:%S} {self.status_code or self.error}"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def new_open311_key() -> str:
    return secrets.token_urlsafe(24)


class Open311Client(models.Model):
    """An Open311 client app allowed to file reports with its ``api_key`` (GeoReport v2).

    Keys are optional by default (citizen apps post without one); with ``OPEN311_REQUIRE_API_KEY`` every POST
    needs the key of an active client. Either way a key that is sent must be known and active: revoking a
    client (``active`` off) stops it at once. One key per client, generated here, shown in the admin.
    """

    name = models.CharField(_("客户端名称"), max_length=100, unique=True)
    api_key = models.CharField(_("API 密钥"), max_length=64, unique=True, default=new_open311_key, editable=False)
    active = models.BooleanField(_("启用"), default=True, help_text=_("取消勾选即吊销：此密钥立即失效"))
    contact = models.CharField(_("联系人"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 客户端")
        verbose_name_plural = _("Open311 客户端")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
