"""Forms of the grids app: a grid with its GeoJSON boundary, and staffing seats checked the way the service checks them.

Staffing forms never write: they validate with ``services.staff_assign_check`` so a refused seat
shows as a form error (not a 500 from the database), and the admin then writes through
``staff_assign`` / ``staff_end`` so the grid's object permissions follow.
"""

from __future__ import annotations

from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError

from .choices import SINGLE_SEAT_ROLES
from .geo import GeometryError, validate_boundary
from .models import Grid, GridAssignment
from .services import seat_taken_message, staff_assign_check

ASSIGNMENT_FIELDS = ["user", "role", "source", "source_organisation", "started_on", "ended_on"]


class GridForm(forms.ModelForm):
    """A grid; the boundary is pasted as GeoJSON (a geometry, or a Feature whose geometry is taken)."""

    boundary = forms.JSONField(
        label=gettext_lazy("边界（GeoJSON）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80, "style": "font-family: monospace"}),
        help_text=gettext_lazy("Polygon 或 MultiPolygon，坐标为 [经度, 纬度]；可直接粘贴 GeoJSON Feature"),
    )

    class Meta:
        model = Grid
        fields = ["code", "name", "kind", "community", "boundary", "households", "population", "party_branch", "active"]

    def clean_boundary(self) -> dict | None:
        value = self.cleaned_data.get("boundary")
        if value in (None, "", {}):
            return None
        if isinstance(value, dict) and value.get("type") == "Feature":
            value = value.get("geometry")
        try:
            return validate_boundary(value)
        except GeometryError as exc:
            raise forms.ValidationError(str(exc)) from exc


class GridAssignmentForm(forms.ModelForm):
    """One seat. A new seat is checked like ``staff_assign``; an existing one can only be ended.

    Model-level constraint validation is skipped for the seat fields: the partial unique
    indexes would only say "constraint violated", while the service's check names the holder.
    """

    check_seat = True  # the inline formset checks seats itself, across its rows

    class Meta:
        model = GridAssignment
        fields = ["grid", *ASSIGNMENT_FIELDS]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name, field in self.fields.items():
                if name != "ended_on" or self.instance.ended_on is not None:
                    field.disabled = True

    def _get_validation_exclusions(self):
        return {*super()._get_validation_exclusions(), "role", "user"}

    @property
    def is_new_seat(self) -> bool:
        return self.instance.pk is None and self.has_changed() and not self.cleaned_data.get("DELETE")

    @property
    def is_ending(self) -> bool:
        return bool(self.instance.pk and "ended_on" in self.changed_data and self.cleaned_data.get("ended_on"))

    def clean(self) -> dict:
        data = super().clean()
        started_on, ended_on = data.get("started_on"), data.get("ended_on")
        if self.instance.pk is None and ended_on:
            self.add_error("ended_on", _("新增任职不能填写结束日期；保存后再结束"))
        if started_on and ended_on and ended_on < started_on:
            self.add_error("ended_on", _("结束日期不能早于起始日期"))
        grid = data.get("grid")
        if self.check_seat and self.instance.pk is None and grid and data.get("user") and data.get("role"):
            try:
                staff_assign_check(grid=grid, user=data["user"], role=data["role"])
            except DomainError as exc:
                self.add_error("role", exc.message)
        return data


class GridAssignmentInlineForm(GridAssignmentForm):
    check_seat = False

    class Meta(GridAssignmentForm.Meta):
        fields = ASSIGNMENT_FIELDS


class StaffingFormSet(BaseInlineFormSet):
    """The seats of one grid, edited together: ending a seat frees it for a new seat in the same save."""

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        grid: Grid = self.instance
        ending = [f.instance.pk for f in self.forms if f.is_ending]
        taken: dict[str, object] = {}
        seated: set[int] = set()
        for form in self.forms:
            if not form.is_new_seat:
                continue
            user, role = form.cleaned_data["user"], form.cleaned_data["role"]
            if grid.pk:
                try:
                    staff_assign_check(grid=grid, user=user, role=role, ending=ending)
                except DomainError as exc:
                    form.add_error("role", exc.message)
                    continue
            if role in SINGLE_SEAT_ROLES and role in taken:
                form.add_error("role", seat_taken_message(grid=grid, role=role, holder=taken[role]))
            elif user.pk in seated:
                form.add_error("user", _("%(user)s 已在网格“%(grid)s”任职") % {"user": user, "grid": grid.name})
            taken.setdefault(role, user)
            seated.add(user.pk)
