"""``communities_for`` — the one scope of the community-level apps (mediation, mobilisation) — against an oracle
that walks the region tree up from each community: a community is in a user's scope when the user's centre is
that community or one of its ancestors, or when the user staffs one of its grids; admins see all, anyone else
none."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from core.roles import staff_level
from governance.choices import RegionLevel, Role
from governance.models import Region
from grids.models import Grid
from grids.selectors import communities_for, grids_worked_by


def _oracle(user) -> set[int]:
    communities = list(Region.objects.filter(level=RegionLevel.COMMUNITY))
    if user.role == Role.ADMIN:
        return {c.id for c in communities}
    if user.role == Role.CENTRE_STAFF and user.region_id:
        found = set()
        for c in communities:
            node: Region | None = c
            while node is not None:
                if node.id == user.region_id:
                    found.add(c.id)
                node = node.parent
        return found
    if user.role == Role.GRID_WORKER:
        return set(Grid.objects.filter(id__in=grids_worked_by(user)).values_list("community_id", flat=True))
    return set()


def test_every_persona_sees_the_communities_the_tree_gives_it(world):
    city_officer = type(world.district_officer).objects.create_user(
        username="shi01", password="x", role=Role.CENTRE_STAFF, region=world.city, full_name="市"
    )
    other_community = Region.objects.create(
        name="水果湖社区", code="620201002001", level=RegionLevel.COMMUNITY, parent=world.other_street
    )
    expected = {
        "admin": {world.community.id, world.community_b.id, other_community.id},
        "district_officer": {world.community.id, world.community_b.id, other_community.id},
        "street_officer": {world.community.id, world.community_b.id},
        "other_street_officer": {other_community.id},
        "community_officer": {world.community.id},
        "grid_worker": {world.community.id},
        "outsider": {world.community_b.id},
        "liaison": set(),
    }
    for name, want in expected.items():
        user = world.users[name]
        got = set(communities_for(user).values_list("id", flat=True))
        assert got == want == _oracle(user), name
    assert set(communities_for(city_officer).values_list("id", flat=True)) == _oracle(city_officer)
    assert len(_oracle(city_officer)) == 3
    assert not communities_for(AnonymousUser()).exists()
    assert not communities_for(None).exists()


def test_staff_level_is_the_centres_level_and_none_for_everyone_else(world):
    assert staff_level(world.community_officer) == "community"
    assert staff_level(world.street_officer) == "street"
    assert staff_level(world.district_officer) == "district"
    for name in ("admin", "grid_worker", "liaison"):
        assert staff_level(world.users[name]) is None
    assert staff_level(AnonymousUser()) is None
