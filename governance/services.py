"""Writes of the governance app: departments and their liaison groups, jurisdiction rules (versioned), the calendar.

Every function is keyword-only for callers, typed, and one transaction. Domain errors are
``core.errors`` (the API maps them to HTTP codes, the admin shows them as form errors).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput, NotAllowed

from .models import Category, Department, JurisdictionRule, Region, User
from .selectors import clear_calendar_cache

DEPARTMENT_GROUP_PREFIX = "dept:"

# What a revision may change. Category and level identify the entry itself: a rule for another
# (category, level) is a different entry, created with ``jurisdiction_rule_create``.
REVISABLE_RULE_FIELDS = frozenset(
    {
        "handler_kind",
        "departments",
        "accept_limit",
        "accept_unit",
        "handling_limit",
        "handling_unit",
        "return_limit",
        "return_unit",
        "note",
    }
)


def _validated(obj: Any) -> None:
    """Run the model's own validation and turn it into the domain's InvalidInput (one message per field)."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise InvalidInput(_("；").join(exc.messages)) from exc


# --- Departments and their liaisons ------------------------------------------------------------


def department_group_name(department: Department) -> str:
    return f"{DEPARTMENT_GROUP_PREFIX}{department.code}"


@transaction.atomic
def department_ensure_group(department: Department) -> Group:
    """Make sure the department has its auth Group ``dept:<code>`` and that its liaisons are members.

    Why a group: dispatches and whistles grant per-case object permissions (guardian) to the
    department's group, so every liaison — including one who joins later — sees the case.
    Idempotent; renames the group if the department's code changed.
    """
    name = department_group_name(department)
    group = department.group
    if group is None:
        group, _created = Group.objects.get_or_create(name=name)
        department.group = group
        department.save(update_fields=["group"])
    elif group.name != name:
        group.name = name
        group.save(update_fields=["name"])
    department_sync_liaisons(department)
    return group


@transaction.atomic
def department_sync_liaisons(department: Department) -> None:
    """Make the department group's members exactly the department's liaisons (users whose ``department`` is it)."""
    if department.group_id is None:
        department_ensure_group(department)  # creates the group, then comes back here
        return
    department.group.user_set.set(User.objects.filter(department=department))


@transaction.atomic
def department_create(*, name: str, code: str, region: Region, email: str = "", active: bool = True) -> Department:
    """Create a functional department (district or street level) with its liaison group."""
    department = Department(name=name, code=code, region=region, email=email, active=active)
    _validated(department)
    department.save()
    department_ensure_group(department)
    return department


@transaction.atomic
def user_sync_department_group(user: User) -> None:
    """Keep a user's department-group membership in step with ``user.department``.

    Leaves every department group except their own department's, and joins that one. Other
    (non-department) groups are untouched.
    """
    stale = user.groups.filter(department__isnull=False)
    if user.department_id:
        stale = stale.exclude(department__id=user.department_id)
    user.groups.remove(*stale)
    if user.department_id:
        department = Department.objects.select_related("group").get(pk=user.department_id)
        group = department.group or department_ensure_group(department)
        user.groups.add(group)


@transaction.atomic
def user_set_department(*, user: User, department: Department | None) -> User:
    """Make ``user`` a liaison of ``department`` (or of none), and move their group membership with it."""
    # A queryset update skips the post_save hook, so the membership is synced exactly once, here.
    User.objects.filter(pk=user.pk).update(department=department)
    user.department = department
    user_sync_department_group(user)
    return user


# --- Jurisdiction rules (versioned) ---------------------------------------------------------------


@transaction.atomic
def jurisdiction_rule_create(
    *,
    category: Category | None,
    level: str,
    handling_limit: int,
    handling_unit: str,
    accept_limit: int = 1,
    accept_unit: str = "working_hours",
    handler_kind: str = "centre",
    departments: Iterable[Department] = (),
    note: str = "",
    return_limit: int | None = None,
    return_unit: str = "working_hours",
    actor: User | None = None,
    now: datetime | None = None,
) -> JurisdictionRule:
    """Add the first version of a jurisdiction-list entry for (category, level); ``category=None`` is the level default.

    Refuses (NotAllowed) when a current rule already exists for that entry: change it with
    ``jurisdiction_rule_revise`` instead, so running cases keep the version they started with.
    """
    current = JurisdictionRule.objects.select_for_update().filter(category=category, level=level, valid_to=None)
    if current.exists():
        raise NotAllowed(
            _("“%(what)s”在该层级已有现行规则，请修订现行规则（生成新版本）") % {"what": category or _("默认时限")},
            code="rule_exists",
        )
    last = (
        JurisdictionRule.objects.filter(category=category, level=level).order_by("-version").values("version").first()
    )
    rule = JurisdictionRule(
        category=category,
        level=level,
        handler_kind=handler_kind,
        accept_limit=accept_limit,
        accept_unit=accept_unit,
        handling_limit=handling_limit,
        handling_unit=handling_unit,
        return_limit=return_limit,
        return_unit=return_unit,
        note=note,
        version=(last["version"] + 1) if last else 1,
        valid_from=now or timezone.now(),
        revised_by=actor.get_username() if actor else "",
    )
    _validated(rule)
    rule.save()
    rule.departments.set(list(departments))
    return rule


@transaction.atomic
def jurisdiction_rule_revise(
    *, rule: JurisdictionRule, actor: User | None = None, now: datetime | None = None, **changes: Any
) -> JurisdictionRule:
    """Change a jurisdiction-list entry by writing a new version; return the new version.

    Steps:
    1. Lock the rule row and re-read it; only the current version (``valid_to`` empty) can be revised.
    2. Refuse unknown fields (category and level identify the entry and cannot change).
    3. If nothing actually changes, return the current version untouched (idempotent).
    4. Close the current row (``valid_to = now``) and create ``version + 1`` from ``now`` with the
       changes applied; departments are copied unless ``departments`` is among the changes.

    Cases copy their due times when they arrive at a level and keep a reference to the version
    they used, so a revision never moves a running case's deadline.
    """
    unknown = set(changes) - REVISABLE_RULE_FIELDS
    if unknown:
        raise InvalidInput(_("不能修改的字段：%(fields)s") % {"fields": ", ".join(sorted(unknown))})
    current = JurisdictionRule.objects.select_for_update().get(pk=rule.pk)
    if current.valid_to is not None:
        raise NotAllowed(_("该规则版本已失效，只能修订现行版本"), code="rule_not_current")

    old_departments = set(current.departments.values_list("pk", flat=True))
    new_departments = {d.pk for d in changes.pop("departments")} if "departments" in changes else set(old_departments)
    if all(getattr(current, f) == v for f, v in changes.items()) and new_departments == old_departments:
        return current

    now = now or timezone.now()
    revised = JurisdictionRule(
        category_id=current.category_id,
        level=current.level,
        handler_kind=current.handler_kind,
        accept_limit=current.accept_limit,
        accept_unit=current.accept_unit,
        handling_limit=current.handling_limit,
        handling_unit=current.handling_unit,
        return_limit=current.return_limit,
        return_unit=current.return_unit,
        note=current.note,
        version=current.version + 1,
        valid_from=now,
        revised_by=actor.get_username() if actor else "",
    )
    for field, value in changes.items():
        setattr(revised, field, value)
    revised._revision = True  # category and level stay those of the entry (see JurisdictionRule.clean)
    try:
        revised.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise InvalidInput(_("；").join(exc.messages)) from exc

    current.valid_to = now
    current.save(update_fields=["valid_to"])
    revised.save()
    revised.departments.set(new_departments)
    return revised


# --- Calendar ------------------------------------------------------------------------------------


def calendar_changed() -> None:
    """Forget the cached calendar now and again after commit (so no reader re-caches the old one meanwhile)."""
    clear_calendar_cache()
    transaction.on_commit(clear_calendar_cache)
