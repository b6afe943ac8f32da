"""The street's forms on a hotline order: 退单申请, 延期申请, and placing a case of the 待分类 queue."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.labels import name_within
from governance.models import Category
from grids.models import Grid

from .choices import ReturnCode


class ReturnRequestForm(forms.Form):
    reason_code = forms.ChoiceField(label=_("退单原因"), choices=[("", _("请选择退单原因")), *ReturnCode.choices])
    text = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ExtensionRequestForm(forms.Form):
    requested_due_at = forms.DateTimeField(
        label=_("申请延至"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    text = forms.CharField(label=_("理由（含依据）"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class PlaceForm(forms.Form):
    """待分类: the street chooses the 小类 (and the grid) of a hotline case."""

    category: forms.ModelChoiceField[Category] = forms.ModelChoiceField(
        label=_("事项小类"),
        queryset=Category.objects.none(),
        error_messages={"invalid_choice": _("请选择一个启用的事项小类")},
    )
    grid: forms.ModelChoiceField[Grid] = forms.ModelChoiceField(
        label=_("网格"),
        queryset=Grid.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("请选择本街道内启用的网格")},
    )
    remember_mapping = forms.BooleanField(label=_("以后该热线分类编码都对应此小类"), required=False)

    def __init__(self, *args, street_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        category, grid = self.fields["category"], self.fields["grid"]
        assert isinstance(category, forms.ModelChoiceField) and isinstance(grid, forms.ModelChoiceField)
        category.queryset = Category.objects.filter(parent__isnull=False, active=True).order_by("code")
        category.label_from_instance = lambda c: c.coded_label  # type: ignore[method-assign,assignment]
        grids = Grid.objects.filter(community__parent_id=street_id, active=True)
        grid.queryset = grids.select_related("community").order_by("code")
        grid.label_from_instance = lambda g: name_within(g.name, g.community.name)  # type: ignore[method-assign,assignment]
