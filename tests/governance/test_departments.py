"""Liaisons are members of their department's group, so per-case grants to the group reach them."""

from __future__ import annotations

from django.contrib.auth.models import Group
from guardian.shortcuts import assign_perm

from governance.choices import Role
from governance.models import User
from governance.services import department_create, department_sync_liaisons, user_set_department


def dept_groups(user: User) -> list[str]:
    return sorted(user.groups.filter(department__isnull=False).values_list("name", flat=True))


def test_every_department_has_its_group_and_liaisons_are_members(world):
    cgzf = world.departments["cgzf"]
    cgzf.refresh_from_db()
    assert cgzf.group.name == "dept:cgzf"
    assert dept_groups(world.liaison) == ["dept:cgzf"]
    assert dept_groups(world.liaison_zj) == ["dept:zj"]
    assert dept_groups(world.street_officer) == []


def test_a_grant_to_the_department_group_reaches_its_liaison_only(world):
    cgzf = world.departments["cgzf"]
    cgzf.refresh_from_db()
    assign_perm("grids.view_grid", cgzf.group, world.grid_a)
    assert User.objects.get(pk=world.liaison.pk).has_perm("grids.view_grid", world.grid_a)
    assert not User.objects.get(pk=world.liaison_zj.pk).has_perm("grids.view_grid", world.grid_a)


def test_department_create_makes_the_group(world):
    dept = department_create(name="民政", code="mz", region=world.street)
    assert dept.group.name == "dept:mz" and Group.objects.filter(name="dept:mz").exists()


def test_moving_a_liaison_moves_their_group_membership(world):
    user_set_department(user=world.liaison, department=world.departments["zj"])
    assert dept_groups(world.liaison) == ["dept:zj"]
    user_set_department(user=world.liaison, department=None)
    assert dept_groups(world.liaison) == []


def test_a_plain_save_of_the_user_also_moves_the_membership(world):
    """Admin forms, createsuperuser and factories save users directly; the post_save hook keeps up."""
    user = User.objects.get(pk=world.liaison.pk)
    user.department = world.departments["sthj"]
    user.save()
    assert dept_groups(user) == ["dept:sthj"]
    new = User.objects.create_user(username="paichusuo01", role=Role.LIAISON, department=world.departments["pcs"])
    assert dept_groups(new) == ["dept:pcs"]


def test_a_login_does_not_touch_groups(world, django_assert_max_num_queries):
    user = User.objects.get(pk=world.liaison.pk)
    with django_assert_max_num_queries(1):
        user.save(update_fields=["last_login"])


def test_sync_liaisons_repairs_a_tampered_group(world):
    cgzf = world.departments["cgzf"]
    cgzf.refresh_from_db()
    cgzf.group.user_set.set([world.outsider])
    department_sync_liaisons(cgzf)
    assert list(cgzf.group.user_set.all()) == [world.liaison]


def test_renaming_the_department_code_renames_its_group(world):
    dept = world.departments["scjg"]
    dept.refresh_from_db()
    dept.code = "scjgs"
    dept.save()
    dept.group.refresh_from_db()
    assert dept.group.name == "dept:scjgs"
