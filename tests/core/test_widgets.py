"""QuickSelect writes the markup Django's Select writes (the oracle), in one pass: same attributes, selection and
escaping."""

from __future__ import annotations

import re

import pytest
from django import forms

from core.widgets import QuickSelect

CHOICES = [("", "全部"), (1, "东区 <一>"), (2, 'a "quoted" & odd'), (30, "西区")]


def squash(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("value", [None, "", "2", 2, "30", "999"])
def test_the_same_markup_as_djangos_select(value):
    attrs = {"id": "id_grid", "class": "filter", "required": True, "aria-describedby": "help"}
    mine = QuickSelect(choices=CHOICES).render("grid", value, attrs=attrs)
    oracle = forms.Select(choices=CHOICES).render("grid", value, attrs=attrs)
    assert squash(mine) == squash(oracle)


def test_labels_and_values_are_escaped():
    html = QuickSelect(choices=[('"><script>', "<b>x</b>")]).render("g", None)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


@pytest.mark.django_db
def test_a_model_choice_field_selects_the_bound_value(world):
    from grids.models import Grid

    class F(forms.Form):
        grid = forms.ModelChoiceField(queryset=Grid.objects.order_by("code"), widget=QuickSelect, required=False)

    html = str(F({"grid": str(world.grid_a.id)})["grid"])
    assert f'<option value="{world.grid_a.id}" selected>' in html
    assert html.count(" selected") == 1
