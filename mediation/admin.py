"""Admin: the track time limits are configuration; disputes and sessions are read-only here (they change through
the services, which write the events); events are append-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import EventWordsMixin, words_filter

from . import models


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.TrackLimit)
class TrackLimitAdmin(admin.ModelAdmin):
    list_display = ("track", "days")


class SessionInline(admin.TabularInline):
    model = models.MediationSession
    extra = 0
    can_delete = False
    fields = ("held_at", "track", "level", "mediator_body", "outcome")
    readonly_fields = fields


@admin.register(models.Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = ("title", "kind", "community", "status", "track", "due_at", "overdue_at", "resolved_level")
    list_filter = ("status", "kind", "track", "risk", "community")
    exclude = ()
    inlines = [SessionInline]


@admin.register(models.DisputeEvent)
class DisputeEventAdmin(EventWordsMixin, ReadOnlyAdmin):
    list_display = ("dispute", "action_words", "actor_words", "at")
    list_filter = (
        words_filter("action", _("动作"), lambda a: str(models.ACTION_LABELS[a]), models.ACTION_LABELS.keys),
    )

    fields = readonly_fields = ("dispute", "at", "action_words", "actor_words", "note", "data")
