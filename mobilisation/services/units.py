"""Units' own logins (单位账号): the street's or a community's staff open an account for one of a registered unit's
contact people and end it. The account's user has no working role; what they see and do is their unit's
(``selectors.acting_unit``): the duty list and 述职 (they submit the report), the unit's service tasks and points,
wishes claimed as the unit."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from governance.choices import Role
from governance.models import User

from ..models import RegisteredUnit, UnitAccount
from ..permissions import manages_unit
from .events import record


@transaction.atomic
def unit_account_create(
    *,
    actor: User,
    unit: RegisteredUnit | None,
    username: str,
    full_name: str,
    password: str,
    phone: str = "",
    email: str = "",
    now: datetime | None = None,
) -> UnitAccount:
    """A new login for a unit's contact person: a user without a working role, tied to the unit. The password is
    the initial one the staff hand over (Django's password rules apply); one event."""
    now = now or timezone.now()
    if unit is None:
        raise InvalidInput(_("请选择单位"), code="unit")
    if not manages_unit(actor, unit):
        raise Forbidden(_("只有单位所在街道或报到社区的工作人员可以开通单位账号"), code="forbidden")
    username, full_name = (username or "").strip(), (full_name or "").strip()
    if not username or not full_name:
        raise InvalidInput(_("登录名和联系人姓名都必须填写"), code="required")
    if len(username) > 150 or not all(c.isalnum() or c in "@.+-_" for c in username):
        raise InvalidInput(_("登录名只能包含字母、数字和 @ . + - _"), code="username")
    if User.objects.filter(username__iexact=username).exists():
        raise NotAllowed(_("该登录名已被使用"), code="duplicate")
    user = User(
        username=username,
        full_name=full_name[:50],
        phone=(phone or "").strip()[:20],
        email=(email or "").strip(),
        role=Role.CITIZEN,
    )
    try:
        validate_password(password or "", user)
    except ValidationError as exc:
        raise InvalidInput(_("；").join(exc.messages), code="password") from None
    user.set_password(password)
    user.save()
    account = UnitAccount.objects.create(user=user, unit=unit, created_by=actor, created_at=now)
    record(
        subject="unit_account",
        object_id=account.pk,
        community_id=None,
        action="create",
        actor=actor,
        data={"unit": unit.pk, "user": user.pk, "username": user.username},
        at=now,
    )
    return account


@transaction.atomic
def unit_account_end(*, actor: User, account_id: int, reason: str = "", now: datetime | None = None) -> UnitAccount:
    """End an account (the contact person left): it can no longer sign in or act for the unit; one event."""
    now = now or timezone.now()
    account = UnitAccount.objects.select_for_update(of=("self",)).select_related("unit", "user").filter(pk=account_id)
    found = account.first()
    if found is None or not manages_unit(actor, found.unit):
        raise NotFound(_("单位账号不存在"))
    if not found.active:
        raise NotAllowed(_("该账号已停用"), code="state")
    found.active, found.ended_at = False, now
    found.save(update_fields=["active", "ended_at"])
    User.objects.filter(pk=found.user_id).update(is_active=False)
    record(
        subject="unit_account",
        object_id=found.pk,
        community_id=None,
        action="end",
        actor=actor,
        note=(reason or "").strip(),
        data={"unit": found.unit_id, "user": found.user_id},
        at=now,
    )
    return found
