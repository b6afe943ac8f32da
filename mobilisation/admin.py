"""Admin: configuration (points rules, 三色研判 schemes, units, duty lists) is editable; the records that have a
workflow (registrations, wishes, tasks, appraisals, ratings) are read-only here — they change through the services,
which write the events. Events and points entries are append-only."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import EventWordsMixin, words_filter

from . import contact_log, models


class LoggedContactAdmin(admin.ModelAdmin):
    """Opening a record that holds someone's contact writes the access log (``contact_log.admin_read``)."""

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, object_id)  # None for an id that is not there (or not a number)
            if obj is not None:
                contact_log.admin_read(user=request.user, obj=obj, path=request.path)
        return super().change_view(request, object_id, form_url, extra_context)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.PointsRule)
class PointsRuleAdmin(admin.ModelAdmin):
    list_display = ("street", "task_type", "points", "monthly_cap")
    list_filter = ("street", "task_type")


@admin.register(models.TriColourScheme)
class TriColourSchemeAdmin(admin.ModelAdmin):
    list_display = ("street", "blue_min", "yellow_min")


@admin.register(models.RegisteredUnit)
class RegisteredUnitAdmin(LoggedContactAdmin):
    list_display = ("name", "kind", "street")  # the contact only on the (logged) record page
    list_filter = ("kind", "street")
    search_fields = ("name",)


@admin.register(models.UnitAccount)
class UnitAccountAdmin(ReadOnlyAdmin):
    """Units' logins are opened and ended on ``/party/units/`` (through the service, with its event)."""

    list_display = ("unit", "user", "active", "created_by", "created_at", "ended_at")
    list_filter = ("active", "unit__street")
    search_fields = ("unit__name", "user__username", "user__full_name")


@admin.register(models.DutyItem)
class DutyItemAdmin(admin.ModelAdmin):
    list_display = ("unit", "community", "title", "active")
    list_filter = ("active", "community")


@admin.register(models.Registration)
class RegistrationAdmin(ReadOnlyAdmin, LoggedContactAdmin):
    list_display = ("registrant_name", "kind", "community", "basis", "status", "created_at")
    list_filter = ("status", "kind", "community")


@admin.register(models.ServiceTask)
class ServiceTaskAdmin(ReadOnlyAdmin):
    list_display = ("title", "community", "task_type", "starts_at", "status")
    list_filter = ("status", "task_type", "community")


@admin.register(models.Wish)
class WishAdmin(ReadOnlyAdmin, LoggedContactAdmin):
    list_display = ("title", "community", "status", "channel", "claimed_by", "claim_due_at")
    list_filter = ("status", "channel", "community")
    exclude = ("follow_up_token",)


@admin.register(models.PointsEntry)
class PointsEntryAdmin(ReadOnlyAdmin):
    list_display = ("member", "community", "source", "task_type", "requested", "points", "month", "reason", "at")
    list_filter = ("source", "task_type", "community")


@admin.register(models.DutyReport)
class DutyReportAdmin(ReadOnlyAdmin):
    list_display = ("unit", "community", "period", "submitted_at")


@admin.register(models.Appraisal)
class AppraisalAdmin(ReadOnlyAdmin):
    list_display = ("unit", "community", "period", "status", "result_score")


@admin.register(models.TriColourRating)
class TriColourRatingAdmin(ReadOnlyAdmin):
    list_display = ("community", "period", "score", "computed_colour", "colour", "adjustment_reason")


@admin.register(models.Topic)
class TopicAdmin(ReadOnlyAdmin):
    list_display = ("title", "community", "source", "status", "created_at")
    list_filter = ("status", "source", "community")


@admin.register(models.Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ("topic", "format", "held_at", "place", "decision_mode")


@admin.register(models.MobilisationEvent)
class MobilisationEventAdmin(EventWordsMixin, ReadOnlyAdmin):
    list_display = ("subject", "object_id", "action_words", "actor_words", "community", "at")
    list_filter = (
        "subject",
        words_filter("action", _("动作"), lambda a: str(models.ACTION_LABELS[a]), models.ACTION_LABELS.keys),
    )

    fields = readonly_fields = (
        "subject",
        "object_id",
        "community",
        "at",
        "action_words",
        "actor_words",
        "note",
        "data",
    )
    list_select_related = ("community",)
