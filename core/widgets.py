"""Form widgets that render long option lists in one pass.

Django's ``Select`` renders every ``<option>`` through the template engine (a context dict and a template
render per option): a district's 200 grids cost more than the rest of a page. ``QuickSelect`` writes the same
markup with ``format_html_join`` — every value and label escaped, the attributes in the order and form of
Django's own template.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class QuickSelect(forms.Select):
    """A single ``<select>`` of flat choices (no option groups), rendered in Python rather than per-option
    templates. Same names, ids, attributes and selection as ``forms.Select``."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, " selected" if key in selected else "", label)
                for key, label in ((str(v), label) for v, label in self.choices)
            ),
        )
        # As django/forms/widgets/attrs.html: insertion order, True → the bare name, False → left out.
        attributes = format_html_join(
            "",
            "{}",
            (
                (format_html(" {}", key) if v is True else format_html(' {}="{}"', key, v),)
                for key, v in final_attrs.items()
                if v is not False
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)
