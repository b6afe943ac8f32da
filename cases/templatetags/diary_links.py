"""``{% diary_source case %}``: the case page's side of the diary ↔ case link (read through residents' selector)."""

from __future__ import annotations

from django import template

from residents.selectors import diary_entry_for_case

register = template.Library()


@register.inclusion_tag("cases/_diary_source.html")
def diary_source(case) -> dict:
    return {"entry": diary_entry_for_case(case_id=case.pk)}
