"""``{% for field in form|fields_in_error %}``: the fields the user has to correct, in the form's order — the
summary at the top of a form that came back (``includes/form.html``) links each one, so on a phone an error
further down the page is not missed."""

from django import template
from django.forms import BaseForm, BoundField

register = template.Library()


@register.filter
def fields_in_error(form: BaseForm) -> list[BoundField]:
    if not form.is_bound or not form.errors:
        return []
    return [field for field in form if field.errors and not field.is_hidden]
