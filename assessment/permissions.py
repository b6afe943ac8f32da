"""Who may see the assessment: centre staff (their region) and admins. Grid workers and liaisons are assessed;
they do not assess."""

from __future__ import annotations

from governance.choices import Role


def may_assess(user) -> bool:
    return bool(user.is_authenticated and (user.is_admin or (user.role == Role.CENTRE_STAFF and user.region_id)))
