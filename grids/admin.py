"""Admin (系统配置) for grids and their 1+1+N staffing.

Seats are written only through ``staff_assign`` / ``staff_end`` (they grant and revoke the grid's
object permissions); the forms check seats with the service's own check first, so a second
active leader is a form error, not a database error.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .forms import GridAssignmentForm, GridAssignmentInlineForm, GridForm, StaffingFormSet
from .models import Grid, GridAssignment
from .services import staff_assign, staff_end


def _assign(grid: Grid, data: dict) -> GridAssignment:
    return staff_assign(
        grid=grid,
        user=data["user"],
        role=data["role"],
        source=data["source"],
        source_organisation=data.get("source_organisation"),
        started_on=data.get("started_on"),
    )


def _end(form) -> GridAssignment:
    # The form already copied ended_on onto its instance; the service needs the row as stored.
    stored = GridAssignment.objects.get(pk=form.instance.pk)
    return staff_end(assignment=stored, ended_on=form.cleaned_data["ended_on"])


class GridAssignmentInline(admin.TabularInline):
    model = GridAssignment
    form = GridAssignmentInlineForm
    formset = StaffingFormSet
    extra = 1
    can_delete = False  # staffing history stays; a seat is ended, not deleted
    autocomplete_fields = ["user", "source_organisation"]
    verbose_name_plural = _("网格人员（1+1+N）：新增在此添加；离任请填写结束日期")


@admin.register(Grid)
class GridAdmin(admin.ModelAdmin):
    form = GridForm
    list_display = ["code", "name", "kind", "community", "households", "population", "active"]
    list_filter = ["kind", "active", ("community", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["code", "name", "community__name"]
    autocomplete_fields = ["community", "party_branch"]
    list_select_related = ["community"]
    inlines = [GridAssignmentInline]

    def save_formset(self, request: HttpRequest, form, formset, change) -> None:
        """Seats: end first (that frees a seat), then seat the new rows, all through the services."""
        if formset.model is not GridAssignment:
            return super().save_formset(request, form, formset, change)
        grid = form.instance
        formset.changed_objects = [(_end(f), ["ended_on"]) for f in formset.forms if f.is_ending]
        formset.new_objects = [_assign(grid, f.cleaned_data) for f in formset.forms if f.is_new_seat]
        formset.deleted_objects = []
        return None


@admin.register(GridAssignment)
class GridAssignmentAdmin(admin.ModelAdmin):
    """A seat on its own page: adding seats through ``staff_assign``; afterwards only the end date can be set."""

    form = GridAssignmentForm
    list_display = ["grid", "role", "user", "source", "started_on", "ended_on"]
    list_filter = ["role", "source", ("ended_on", admin.EmptyFieldListFilter), "grid__community"]
    search_fields = ["grid__code", "grid__name", "user__username", "user__full_name"]
    autocomplete_fields = ["grid", "user", "source_organisation"]
    list_select_related = ["grid", "user"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_form(self, request, form, change):
        # Written here (inside the admin's transaction) so the admin logs and redirects to the stored row.
        if not change:
            return _assign(form.cleaned_data["grid"], form.cleaned_data)
        if form.is_ending:
            return _end(form)
        return GridAssignment.objects.get(pk=form.instance.pk)

    def save_model(self, request, obj, form, change) -> None:
        pass  # saved by the service in save_form

    def save_related(self, request, form, formsets, change) -> None:
        pass  # a seat has no many-to-many fields or inlines
