"""Hooks that keep derived state in step whichever path writes the row (admin, services, shell, factories).

Two pieces of derived state are kept here rather than only in services, because users and
departments are also written by Django itself (``createsuperuser``, the auth admin) and by
plain ORM calls in fixtures:
- a liaison's membership of their department's group (per-case permissions are granted to the group);
- the cached work calendar (deadlines must follow an edited calendar without waiting for the cache to expire);
- the cached rules in force (``selectors.rule_for``): a new rule version or a renamed category applies at once.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import CalendarDay, Category, Department, JurisdictionRule, OfficePeriod, User, WorkCalendar
from .selectors import rules_changed
from .services import calendar_changed, department_ensure_group, user_sync_department_group


@receiver(post_save, sender=Department, dispatch_uid="governance.department_group")
def _department_saved(sender, instance: Department, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and set(update_fields) <= {"group"}):
        return
    department_ensure_group(instance)


@receiver(post_delete, sender=Department, dispatch_uid="governance.department_group_delete")
def _department_deleted(sender, instance: Department, **kwargs) -> None:
    if instance.group_id:
        from django.contrib.auth.models import Group

        Group.objects.filter(pk=instance.group_id).delete()


@receiver(post_save, sender=User, dispatch_uid="governance.user_department_group")
def _user_saved(sender, instance: User, raw: bool = False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and "department" not in update_fields):
        return  # e.g. a login only writes last_login
    user_sync_department_group(instance)


def _calendar_touched(sender, raw: bool = False, **kwargs) -> None:
    if not raw:
        calendar_changed()


for _model in (WorkCalendar, OfficePeriod, CalendarDay):
    post_save.connect(_calendar_touched, sender=_model, dispatch_uid=f"governance.calendar_saved.{_model.__name__}")
    post_delete.connect(_calendar_touched, sender=_model, dispatch_uid=f"governance.calendar_deleted.{_model.__name__}")


def _rules_touched(sender, raw: bool = False, **kwargs) -> None:
    rules_changed()


for _rules_model in (JurisdictionRule, Category):
    _name = _rules_model.__name__
    post_save.connect(_rules_touched, sender=_rules_model, dispatch_uid=f"governance.rules_saved.{_name}")
    post_delete.connect(_rules_touched, sender=_rules_model, dispatch_uid=f"governance.rules_deleted.{_name}")
