"""Who a user is, asked one way everywhere: ``is_admin`` and ``is_centre_staff``.

``core`` imports no app, so the role values are compared as the strings ``governance.choices.Role`` stores
(``Role`` is a ``TextChoices``: ``Role.ADMIN == "admin"``); ``tests/core/test_roles.py`` holds the two together.
The helpers accept any user object (``AnonymousUser`` and ``None`` included) and never touch the database.
"""

from __future__ import annotations

from typing import Any

ADMIN = "admin"
CENTRE_STAFF = "centre_staff"


def is_admin(user: Any) -> bool:
    """A signed-in superuser or a user with the admin role: configures everything, sees every case."""
    return bool(
        user is not None and user.is_authenticated and (user.is_superuser or getattr(user, "role", None) == ADMIN)
    )


def is_centre_staff(user: Any) -> bool:
    """A signed-in member of a 综治中心 with a region — the only centre staff who see or act on anything."""
    return bool(
        user is not None
        and user.is_authenticated
        and getattr(user, "role", None) == CENTRE_STAFF
        and getattr(user, "region_id", None)
    )


def is_admin_or_centre_staff(user: Any) -> bool:
    """The command centre's audience: admins, and centre staff with a region."""
    return is_admin(user) or is_centre_staff(user)


def staff_level(user: Any) -> str | None:
    """The level of the user's centre (community / street / district / city), or None for anyone else."""
    if is_centre_staff(user):
        return str(user.region.level)
    return None
