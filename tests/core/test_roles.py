"""``core.roles`` answers "admin?" and "centre staff with a region?" the way the rest of the code always did."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from core import roles
from governance.choices import Role
from governance.models import User


def test_role_values_match_the_governance_vocabulary():
    assert roles.ADMIN == Role.ADMIN.value
    assert roles.CENTRE_STAFF == Role.CENTRE_STAFF.value


@pytest.mark.parametrize(
    ("role", "superuser", "region_id", "admin", "centre"),
    [
        (Role.ADMIN, False, None, True, False),
        (Role.GRID_WORKER, True, None, True, False),
        (Role.CENTRE_STAFF, False, 7, False, True),
        (Role.CENTRE_STAFF, False, None, False, False),
        (Role.GRID_WORKER, False, 7, False, False),
        (Role.LIAISON, False, None, False, False),
        (Role.CITIZEN, False, None, False, False),
    ],
)
def test_admin_and_centre_staff_by_role_superuser_and_region(role, superuser, region_id, admin, centre):
    user = User(username="u", role=role, is_superuser=superuser, region_id=region_id)

    assert roles.is_admin(user) is admin
    assert user.is_admin is admin
    assert roles.is_centre_staff(user) is centre
    assert roles.is_admin_or_centre_staff(user) is (admin or centre)


@pytest.mark.parametrize("user", [None, AnonymousUser()])
def test_nobody_signed_in_is_neither(user):
    assert not roles.is_admin(user)
    assert not roles.is_centre_staff(user)
    assert not roles.is_admin_or_centre_staff(user)
