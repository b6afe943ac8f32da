"""Who may see the assessment: centre staff (their region) and admins. Grid workers and liaisons are assessed;
they do not assess."""

from __future__ import annotations

from core.roles import is_admin_or_centre_staff


def may_assess(user) -> bool:
    return is_admin_or_centre_staff(user)
