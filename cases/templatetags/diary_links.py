"""The case page's links into residents: ``{% diary_source case %}`` (the diary ↔ case link) and
``{% case_house case user %}`` (the home the case is about), both read through residents' selectors."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from residents.selectors import diary_entry_for_case, houses_visible_to

register = template.Library()


@register.inclusion_tag("cases/_diary_source.html")
def diary_source(case) -> dict:
    return {"entry": diary_entry_for_case(case_id=case.pk)}


@register.simple_tag
def case_house(case, user) -> str:
    """The case's home: its address, linked to the home's page for those who may see it (liaisons may not)."""
    house = case.house
    if house is None:
        return ""
    if houses_visible_to(user=user).filter(pk=house.pk).exists():
        return format_html('<a href="{}">{}</a>', reverse("residents:house", args=[house.pk]), house.address)
    return house.address
