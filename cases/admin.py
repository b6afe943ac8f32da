"""Admin (事件数据) for cases and their records: read-only.

A case changes only through ``services.case_transition`` (lock, checks, one audit event), so the
admin shows cases, their audit trail, evidence, dispatches, extension requests and ratings, with
filters and search, and offers no add, change or delete: a correction is a workflow action
(comment / note, reopen, merge …) on the case page, where it leaves its event.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import words_filter

from .models import Case, CaseDispatch, CaseEvent, Evidence, ExtensionRequest, Rating
from .views import display


class ReadOnlyMixin:
    """View only: no add, no change, no delete — for the audit trail and everything a service writes."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class EventWords:
    """An event's columns in words, as the case page names them (``views.display``): the action, the statuses and
    levels by their labels, the recorded role and a note the system wrote in the reader's language — the stored
    values are codes ("accepted", "street") and texts kept in one language."""

    @admin.display(description=_("动作"))
    def action_words(self, obj: CaseEvent) -> str:
        return display.event_label(obj)

    @admin.display(description=_("操作人"))
    def actor_words(self, obj: CaseEvent) -> str:
        return display.staff_actor(obj)

    @admin.display(description=_("状态"))
    def status_words(self, obj: CaseEvent) -> str:
        return _change(display.status_label(obj.from_status), display.status_label(obj.to_status))

    @admin.display(description=_("层级"))
    def level_words(self, obj: CaseEvent) -> str:
        return _change(display.level_label(obj.from_level), display.level_label(obj.to_level))

    @admin.display(description=_("备注"))
    def note_words(self, obj: CaseEvent) -> str:
        return display.event_note(obj)

    @admin.display(description=_("原因"))
    def reason_words(self, obj: CaseEvent) -> str:
        return display.reason_label(obj.reason) or obj.reason

    @admin.display(description=_("详情"))
    def facts_words(self, obj: CaseEvent) -> str:
        return _("；").join(display.event_facts(obj))


def _change(before: str, after: str) -> str:
    return after if not before or before == after else f"{before} → {after}"


ActionFilter = words_filter("action", _("动作"), display.action_label, display.action_codes)


class CaseEventInline(EventWords, ReadOnlyMixin, admin.TabularInline):
    model = CaseEvent
    fields = ["at", "action_words", "actor_words", "status_words", "level_words", "note_words"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    verbose_name_plural = _("流转记录（只读）")


class CaseDispatchInline(ReadOnlyMixin, admin.TabularInline):
    model = CaseDispatch
    fields = ["dispatched_at", "level", "department", "region", "grid", "signed_at", "returned_at", "return_reason"]
    readonly_fields = fields
    extra = 0


class EvidenceInline(ReadOnlyMixin, admin.TabularInline):
    model = Evidence
    fields = ["uploaded_at", "stage", "original_name", "content_type", "size", "file"]
    readonly_fields = fields
    extra = 0


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "title",
        "category",
        "grade",
        "status",
        "level",
        "grid",
        "street",
        "channel",
        "reported_at",
        "due_at",
    ]
    # by date through the filter (today, 7 days, this month, this year), not a date hierarchy: its links are a
    # SELECT DISTINCT over the whole table on every list page
    list_filter = ["status", "level", "grade", "channel", "street", "reported_at"]
    search_fields = ["number", "title", "address"]
    list_select_related = ["category", "grid", "street"]
    ordering = ["-reported_at"]
    show_full_result_count = False  # the count of a large table is slow; the list itself is indexed
    inlines = [CaseEventInline, CaseDispatchInline, EvidenceInline]
    fieldsets = [
        (_("事件"), {"fields": ["number", "title", "description", "category", "grade", "channel"]}),
        (_("地点"), {"fields": ["address", "lat", "lng", "grid", "community", "street", "district"]}),
        (
            _("状态（只能通过办理流程改变）"),
            {"fields": ["status", "level", "handler_kind", "handler_region", "merged_into", "supervised_at"]},
        ),
        (_("时限"), {"fields": ["reported_at", "arrived_at", "accept_due_at", "due_at", "yellow_at", "closed_at"]}),
        (
            _("统计"),
            {"fields": ["escalation_count", "dispatch_count", "return_count", "rework_count", "extension_count"]},
        ),
        (_("上报人"), {"fields": ["reporter", "citizen_name", "citizen_phone"]}),
    ]


#: One event on its own page: what the trail says of it, in words (its data stays the trail's, on the case page).
EVENT_FIELDS = (
    "case",
    "at",
    "action_words",
    "actor_words",
    "status_words",
    "level_words",
    "reason_words",
    "facts_words",
    "note_words",
    "public",
    "data",
)


@admin.register(CaseEvent)
class CaseEventAdmin(EventWords, ReadOnlyMixin, admin.ModelAdmin):
    """The audit trail: append-only, so the admin can look but never add, change or delete."""

    list_display = ["at", "case", "action_words", "actor_words", "status_words", "level_words"]
    list_filter = [ActionFilter, "public", "at"]  # no date hierarchy: see CaseAdmin
    fields = readonly_fields = EVENT_FIELDS
    search_fields = ["case__number", "actor_name", "note"]
    list_select_related = ["case"]
    show_full_result_count = False


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["original_name", "case", "stage", "content_type", "size", "uploaded_at"]
    list_filter = ["stage", words_filter("content_type", _("类型"), str, lambda: settings.EVIDENCE_ALLOWED_TYPES)]
    search_fields = ["case__number", "original_name", "sha256"]
    list_select_related = ["case"]


@admin.register(CaseDispatch)
class CaseDispatchAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["case", "level", "department", "region", "grid", "dispatched_at", "signed_at", "returned_at"]
    list_filter = ["level", "active", "return_reason", "department"]
    search_fields = ["case__number"]
    list_select_related = ["case", "department", "region", "grid"]


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["case", "requested_at", "requested_due_at", "status", "decided_at"]
    list_filter = ["status"]
    search_fields = ["case__number", "reason"]
    list_select_related = ["case"]


@admin.register(Rating)
class RatingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["case", "result", "rated_at", "recorded_by"]
    list_filter = ["result"]
    search_fields = ["case__number", "comment"]
    list_select_related = ["case", "recorded_by"]
