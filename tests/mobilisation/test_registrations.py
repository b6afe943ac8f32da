"""双报到: confirmed by the community, at most two communities per member, scoped like cases."""

from __future__ import annotations

import pytest

from core.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from governance.models import Region
from mobilisation import services
from mobilisation.choices import RegistrationStatus
from mobilisation.models import MobilisationEvent, Registration
from mobilisation.selectors import registrations_for

from .helpers import member, unit

pytestmark = pytest.mark.django_db


def test_member_registers_in_two_communities_and_no_more(world):
    third = Region.objects.create(name="第三社区", code="620201001003", level="community", parent=world.street)
    user = member("dangyuan01", "党员甲")
    a = services.registration_submit(actor=user, community=world.community, basis="residence", member=user)
    with pytest.raises(NotAllowed):
        services.registration_submit(actor=user, community=world.community, basis="work", member=user)
    services.registration_submit(actor=user, community=world.community_b, basis="work", member=user)
    with pytest.raises(NotAllowed):
        services.registration_submit(actor=user, community=third, basis="work", member=user)
    services.registration_withdraw(actor=user, registration_id=a.pk)
    services.registration_submit(actor=user, community=third, basis="residence", member=user)
    assert Registration.objects.filter(member=user, status__in=["pending", "confirmed"]).count() == 2


def test_the_community_confirms_or_declines_with_a_reason(world):
    user = member("dangyuan01", "党员甲")
    reg = services.registration_submit(actor=user, community=world.community, basis="residence", member=user)
    with pytest.raises(NotFound):
        services.registration_decide(actor=world.community_b_officer, registration_id=reg.pk, confirm=True)
    with pytest.raises(InvalidInput):
        services.registration_decide(actor=world.community_officer, registration_id=reg.pk, confirm=False)
    services.registration_decide(actor=world.community_officer, registration_id=reg.pk, confirm=True)
    with pytest.raises(NotAllowed):
        services.registration_decide(actor=world.community_officer, registration_id=reg.pk, confirm=True)
    reg.refresh_from_db()
    assert reg.status == RegistrationStatus.CONFIRMED and reg.decided_by == world.community_officer
    assert list(
        MobilisationEvent.objects.filter(subject="registration", object_id=reg.pk).values_list("action", flat=True)
    ) == [
        "submit",
        "confirm",
    ]


def test_units_are_registered_by_staff_and_members_only_for_themselves(world):
    power = unit(world)
    user = member("dangyuan01", "党员甲")
    other = member("dangyuan02", "党员乙")
    with pytest.raises(Forbidden):
        services.registration_submit(actor=user, community=world.community, basis="work", unit=power)
    with pytest.raises(Forbidden):
        services.registration_submit(actor=user, community=world.community, basis="work", member=other)
    services.registration_submit(actor=world.community_officer, community=world.community, basis="work", unit=power)
    services.registration_submit(actor=world.community_officer, community=world.community, basis="work", member=other)


@pytest.mark.parametrize(
    ("persona", "sees_a", "sees_b"),
    [
        ("community_officer", True, False),
        ("community_b_officer", False, True),
        ("street_officer", True, True),
        ("district_officer", True, True),
        ("other_street_officer", False, False),
        ("grid_worker", True, False),
        ("outsider", False, True),
        ("liaison", False, False),
        ("admin", True, True),
    ],
)
def test_registrations_are_scoped_like_cases(world, persona, sees_a, sees_b):
    user = member("dangyuan01", "党员甲")
    a = services.registration_submit(actor=user, community=world.community, basis="residence", member=user)
    b = services.registration_submit(actor=user, community=world.community_b, basis="work", member=user)
    seen = set(registrations_for(world.users[persona]).values_list("id", flat=True))
    assert (a.pk in seen, b.pk in seen) == (sees_a, sees_b)
