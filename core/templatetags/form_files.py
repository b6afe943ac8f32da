"""``{% if field|file_sent %}``: the form came back (with an error) after a file was chosen in this field — the
browser cannot keep it, so the page asks for it again (``includes/form_field.html``, ``cases/_photos_field.html``).

A filter, because ``field.form.files`` in a template is not the uploaded files when the form has a field named
``files`` (the template looks the name up as the form's field first)."""

from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def file_sent(field: BoundField) -> bool:
    return bool(field.form.is_bound and field.form.files.getlist(field.html_name))
