"""Validators shared by the forms, the API and Open311."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: A number a centre can call back: a mobile (1[3-9] + 9 digits, +86 allowed) or a landline (7–8 digits, after an
#: area code 0xx(x) when given), written with spaces, dashes or brackets, and an extension ("转123", "-123").
_MOBILE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
_LANDLINE = re.compile(r"(?:0\d{2,3})?[2-9]\d{6,7}")


def validate_contact_phone(value: str) -> None:
    """A contact number the follow-up call can reach — "1390937" (a mobile short of four digits) is refused, where
    the old pattern took any five digits."""
    compact = re.sub(r"[\s()（）]", "", value or "")
    if not compact:
        return
    compact = re.sub(r"(?:转|ext|#)\d{1,6}$", "", compact, flags=re.IGNORECASE)
    if extended := re.fullmatch(r"(0\d{2,3}-?[2-9]\d{6,7})-\d{1,6}", compact):
        compact = extended.group(1)
    digits = compact.replace("-", "")
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return
    raise ValidationError(_("请输入有效的电话号码：11 位手机号，或固定电话（可带区号、分机号）"), code="phone")
