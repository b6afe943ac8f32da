"""Weight schemes in the admin: a scheme with its indicator weights inline.

Checks that keep a scheme usable: at least one counted indicator with a positive weight; the default scheme
cannot be deleted (another scheme must be made the default first)."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .models import SchemeWeight, WeightScheme


class SchemeWeightFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        counted = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("counted")
        ]
        if not any((data.get("weight") or 0) > 0 for data in counted):
            raise ValidationError(_("至少要有一项计入综合得分且权重大于 0 的指标"))


class SchemeWeightInline(admin.TabularInline):
    model = SchemeWeight
    formset = SchemeWeightFormSet
    extra = 0
    min_num = 1


@admin.register(WeightScheme)
class WeightSchemeAdmin(admin.ModelAdmin):
    list_display = ("label", "name", "weights_text", "basic_credit", "is_default", "region", "updated_at")
    list_filter = ("is_default",)
    search_fields = ("name", "label", "region__name")
    inlines = [SchemeWeightInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("region").prefetch_related("weights")

    @admin.display(description=_("权重"))
    def weights_text(self, obj: WeightScheme) -> str:
        return " / ".join(str(w) for w in obj.weights.all() if w.counted) or "—"

    def has_delete_permission(self, request, obj: WeightScheme | None = None) -> bool:
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)
