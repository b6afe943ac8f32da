"""Strict booleans and bounded numbers in query filters: ``?active=244`` is a 400, not silently "no filter", and
``?grid=99999999999999999999999`` is a 400, not a 500.

django-filter's boolean filters read anything they do not recognise as "unset", so a typo or a hostile value
quietly widens a list. ``StrictNullBooleanField`` accepts true/false (1/0, yes/no, on/off, True/False) or an
empty value, and refuses the rest; ``core.apps`` makes it the field of every BooleanFilter (django-filter's and
its REST framework variant), so every API and page filter behaves alike.

django-filter's number filters accept any decimal below 1e50; every one of ours compares with an id (a 64-bit
integer column), and SQLite's driver cannot even bind a larger number (``OverflowError``: a 500). ``core.apps``
bounds them all to what such a column holds (``use_bounded_numbers``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off"}


class StrictNullBooleanField(forms.NullBooleanField):
    widget = forms.TextInput

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["widget"] = forms.TextInput  # the library's boolean widgets turn unknown values into None
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # None: the filter is unset
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE:
            return True
        if text in FALSE:
            return False
        raise ValidationError(_("请填写 true 或 false"), code="invalid_boolean")

    def validate(self, value: Any) -> None:
        return None


def use_strict_booleans() -> None:
    from django_filters import filters
    from django_filters.rest_framework import filters as rest_filters

    filters.BooleanFilter.field_class = StrictNullBooleanField
    rest_filters.BooleanFilter.field_class = StrictNullBooleanField


#: What a 64-bit integer column holds: every number filter of ours compares with one.
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1


def _bigint_range(value: Any) -> None:
    MinValueValidator(BIGINT_MIN)(value)
    MaxValueValidator(BIGINT_MAX)(value)


def use_bounded_numbers() -> None:
    from django_filters import filters

    filters.NumberFilter.get_max_validator = lambda self: _bigint_range
