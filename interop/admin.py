"""Admin of the exchange: partners (key id, secret, callback, street), the category-code mapping with a CSV import,
webhook subscriptions, and the outbox — every message with its attempts, a dead-letter filter and re-send."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import words_filter
from core.errors import InvalidInput

from .choices import HOTLINE_MESSAGE_LABELS, message_label
from .models import (
    CategoryMapping,
    DeliveryAttempt,
    InboundDecision,
    Open311Client,
    Order,
    OrderRequest,
    OutboundMessage,
    Partner,
    Subscription,
)
from .services import mappings_import_csv, message_resend, partner_ensure_user


class MappingImportForm(forms.Form):
    file = forms.FileField(label=_("CSV 文件（热线编码,事项小类编码[,名称]）"))


class CategoryMappingInline(admin.TabularInline):
    model = CategoryMapping
    extra = 0
    autocomplete_fields = ["category"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "key_id", "street", "callback_url", "active"]
    list_filter = ["active"]
    search_fields = ["name", "key_id"]
    readonly_fields = ["user", "created_at", "import_link"]
    inlines = [CategoryMappingInline]

    @admin.display(description=_("导入分类对应"))
    def import_link(self, obj: Partner) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:interop_partner_import_mappings", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("从 CSV 导入"))

    autocomplete_fields = ["fallback_category"]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        partner_ensure_user(partner=obj)

    def get_urls(self):
        return [
            path(
                "<int:pk>/import-mappings/",
                self.admin_site.admin_view(self.import_mappings),
                name="interop_partner_import_mappings",
            ),
            *super().get_urls(),
        ]

    def import_mappings(self, request: HttpRequest, pk: int) -> HttpResponse:
        partner = get_object_or_404(Partner, pk=pk)
        if not self.has_change_permission(request, partner):
            return redirect(reverse("admin:index"))
        form = MappingImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                text = form.cleaned_data["file"].read().decode("utf-8-sig")
                counts = mappings_import_csv(partner=partner, text=text)
            except (InvalidInput, UnicodeDecodeError) as exc:
                messages.error(request, getattr(exc, "message", str(exc)))
            else:
                messages.success(request, _("已导入：新增 %(created)d 条，更新 %(updated)d 条") % counts)
                return redirect(reverse("admin:interop_partner_change", args=[partner.pk]))
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "partner": partner,
            "title": _("导入分类对应"),
        }
        return render(request, "admin/interop/import_mappings.html", context)


@admin.register(CategoryMapping)
class CategoryMappingAdmin(admin.ModelAdmin):
    list_display = ["partner", "code", "name", "category"]
    list_filter = ["partner"]
    search_fields = ["code", "name", "category__code", "category__name"]
    autocomplete_fields = ["category"]


class OrderRequestInline(admin.TabularInline):
    model = OrderRequest
    extra = 0
    can_delete = False
    readonly_fields = ["kind", "reason_code", "text", "requested_due_at", "requested_by", "requested_at", "state"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["order_id", "partner", "case", "request_type", "category_code", "received_at", "in_triage"]
    list_filter = ["partner", "request_type"]
    search_fields = ["order_id", "case__number"]
    readonly_fields = [f.name for f in Order._meta.fields]
    inlines = [OrderRequestInline]

    @admin.display(boolean=True, description=_("待分类"))
    def in_triage(self, obj: Order) -> bool:
        return obj.in_triage

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(InboundDecision)
class InboundDecisionAdmin(admin.ModelAdmin):
    list_display = ["decision_id", "partner", "order", "kind", "received_at"]
    list_filter = ["partner", "kind"]
    readonly_fields = ["partner", "decision_id", "order", "kind", "data", "received_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "active", "event_types"]
    list_filter = ["active"]


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "status_code", "error", "duration_ms"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


def _message_types() -> list[str]:
    """What the outbox can hold: the 12345 messages, and the webhooks' ``case.<action>`` / ``summons.<step>``."""
    from cases.views.display import SUMMONS_STEP_LABELS, action_codes

    steps = [f"summons.{s.removeprefix('summons_')}" for s in [*SUMMONS_STEP_LABELS, "summons_overdue"]]
    return [*HOTLINE_MESSAGE_LABELS, *(f"case.{a}" for a in action_codes()), *steps]


def _message_words(code: str) -> str:
    """A message type in words with its type as sent (the hotline's support names the type)."""
    label = message_label(code)
    return label if label == code else f"{label} · {code}"


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    """The outbox and delivery log. "Re-send" sends the same body with the same idempotency key again."""

    list_display = [
        "id",
        "event_words",
        "target",
        "order",
        "sequence",
        "status",
        "attempts",
        "created_at",
        "delivered_at",
    ]
    list_filter = [
        "status",
        words_filter("event_type", _("消息类型"), _message_words, _message_types),
        "partner",
        "subscription",
    ]
    search_fields = ["order__order_id", "idempotency_key"]
    readonly_fields = [f.name for f in OutboundMessage._meta.fields]
    inlines = [DeliveryAttemptInline]
    actions = ["resend"]

    @admin.display(description=_("消息类型"), ordering="event_type")
    def event_words(self, obj: OutboundMessage) -> str:
        return _message_words(obj.event_type)

    @admin.display(description=_("接收方"))
    def target(self, obj: OutboundMessage) -> str:
        return str(obj.partner or obj.subscription)

    @admin.action(description=_("重新发送所选消息（同一幂等键）"))
    def resend(self, request: HttpRequest, queryset) -> None:
        count = message_resend(message_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("已重新排队 %(n)d 条消息") % {"n": count})

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Open311Client)
class Open311ClientAdmin(admin.ModelAdmin):
    """Open311 clients and their api_key: add one to issue a key, untick "active" to revoke it."""

    list_display = ["name", "active", "api_key", "contact", "created_at"]
    list_filter = ["active"]
    readonly_fields = ["api_key", "created_at"]
    search_fields = ["name", "contact"]
