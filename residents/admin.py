"""Admin for the residents app. The access log, people, tags, plans, visits and diary are read-only here (written
through the services); categories, compounds, buildings and houses are configured here."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .choices import AccessChannel, AccessSubject, Audience
from .models import (
    AccessLog,
    Building,
    Compound,
    DiaryEntry,
    House,
    Resident,
    ResidentTag,
    TagCategory,
    Visit,
    VisitPlan,
)
from .services import access_log_record


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """Look, never touch: the log is append-only (model, queryset and database)."""

    list_display = ["at", "username", "subject", "object_id", "case_id", "street", "channel", "path"]
    list_filter = ["subject", "channel", "at"]
    search_fields = ["username", "object_id", "path"]
    list_select_related = ["street"]
    date_hierarchy = "at"
    show_full_result_count = False
    actions = None

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class TagCategoryForm(forms.ModelForm):
    """The audience as check boxes (stored as a JSON list of ``Audience`` codes)."""

    audience = forms.MultipleChoiceField(
        label=_("可见岗位"), choices=Audience.choices, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = TagCategory
        fields = [
            "code", "name", "name_en", "group", "sensitivity", "audience", "departments", "visit_every_days",
            "red_after_days", "colour", "active",
        ]  # fmt: skip


@admin.register(TagCategory)
class TagCategoryAdmin(admin.ModelAdmin):
    """Categories as data: admins add local ones (重点上访, 独居老人 …) and set who sees each and how often to visit.
    The GB/T 31000 builtin ones can be tuned but not deleted."""

    form = TagCategoryForm
    list_display = ["code", "name", "group", "sensitivity", "visit_every_days", "red_after_days", "builtin", "active"]
    list_filter = ["group", "sensitivity", "active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["departments"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return not (obj is not None and obj.builtin)


@admin.register(Compound)
class CompoundAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "address"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["community"]


@admin.register(Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["name", "compound", "grid", "floors", "units", "address"]
    search_fields = ["name", "address", "grid__code"]
    list_select_related = ["grid", "compound"]
    autocomplete_fields = ["grid", "compound"]


@admin.register(House)
class HouseAdmin(admin.ModelAdmin):
    list_display = ["address", "grid", "building", "unit", "floor", "number", "use"]
    list_filter = ["use"]
    search_fields = ["address", "number"]
    list_select_related = ["grid", "building"]
    autocomplete_fields = ["grid", "building"]


@admin.register(Resident)
class ResidentAdmin(ReadOnly, admin.ModelAdmin):
    """Look only, masked: people are written through the pages, the API and the imports (which encrypt and check).
    Opening a person here is logged like any other read of a tagged person."""

    list_display = ["name", "sex", "id_number_masked", "phone_masked", "kind", "status", "grid"]
    list_filter = ["kind", "status"]
    search_fields = ["name"]
    list_select_related = ["grid"]
    exclude = ["id_number_enc", "phone_enc", "id_number_hmac", "phone_hmac"]
    show_full_result_count = False

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        resident = self.get_object(request, object_id)  # None for an id that is not there (or not a number)
        if resident is not None and resident.tags.filter(ended_on__isnull=True).exists():
            access_log_record(
                user=request.user,
                subject=AccessSubject.RESIDENT_TAG,
                object_id=resident.pk,
                channel=AccessChannel.ADMIN,
                path=request.path,
                street_id=resident.grid.community.parent_id,
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(ResidentTag)
class ResidentTagAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["resident", "category", "since", "ended_on"]
    list_filter = ["category"]
    list_select_related = ["resident", "category"]


@admin.register(VisitPlan)
class VisitPlanAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["resident", "reason", "every_days", "due_on", "light", "active"]
    list_filter = ["light", "active"]
    list_select_related = ["resident"]


@admin.register(Visit)
class VisitAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["visited_on", "resident", "house", "visitor", "follow_up"]
    list_select_related = ["resident", "house", "visitor"]
    date_hierarchy = "visited_on"


@admin.register(DiaryEntry)
class DiaryEntryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["written_at", "grid", "topic", "mood", "needs_follow_up", "case_number"]
    list_filter = ["topic", "mood", "needs_follow_up"]
    list_select_related = ["grid"]
