"""Admin for the residents app. The access log is read-only: no add, change or delete."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import AccessLog


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
