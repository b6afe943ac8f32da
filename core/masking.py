"""Masking personal data for pages, lists and exports: one rule for every app.

A phone number keeps at most its first three and last four characters, and at least four are always hidden
(138****5678). A short number — a local landline of seven or eight digits, which the contact-number rule accepts
(``core.validators``) — keeps fewer: the old "first 3 + last 4" showed all seven digits of 6221234.
"""

from __future__ import annotations

#: At least this many characters of a phone number are hidden.
HIDDEN_AT_LEAST = 4


def mask_phone(phone: str) -> str:
    """138****5678; 0937-6221234 → 093*****1234; 62212345 → ****2345; 6221234 → *****34."""
    n = len(phone)
    if n >= 11:
        return phone[:3] + "*" * (n - 7) + phone[-4:]
    tail = 4 if n >= 8 else max(0, n - 5)
    return "*" * (n - tail) + (phone[-tail:] if tail else "")


def mask_name(name: str) -> str:
    """张三 → 张*: the first character, the rest starred."""
    return (name[0] + "*" * (len(name) - 1)) if name else ""
