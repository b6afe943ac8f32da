"""Jurisdiction rules are versioned: a revision closes the current row and writes version + 1."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction

from core.errors import InvalidInput, NotAllowed
from governance.choices import HandlerKind, Level, TimeUnit
from governance.clock import add_working_time
from governance.models import JurisdictionRule
from governance.selectors import calendar_spec, rule_for
from governance.services import jurisdiction_rule_create, jurisdiction_rule_revise

SH = ZoneInfo("Asia/Shanghai")
NOON = datetime(2026, 9, 14, 10, 0, tzinfo=SH)  # a Monday, in office hours


def current_rule(world, code: str) -> JurisdictionRule:
    return JurisdictionRule.objects.get(category=world.categories[code], valid_to__isnull=True)


def test_revise_closes_current_version_and_writes_the_next(world):
    rule = current_rule(world, "0202")
    with time_machine.travel(NOON, tick=False):
        new = jurisdiction_rule_revise(rule=rule, actor=world.admin, handling_limit=10)
    rule.refresh_from_db()
    assert rule.valid_to == NOON
    assert (new.version, new.valid_from, new.valid_to) == (2, NOON, None)
    assert new.handling_limit == 10 and rule.handling_limit == 15
    assert (new.category_id, new.level, new.handling_unit) == (rule.category_id, rule.level, rule.handling_unit)
    assert sorted(new.departments.values_list("code", flat=True)) == ["cgzf", "zj"]  # copied
    assert new.revised_by == "admin"
    assert rule_for(category=world.categories["0202"], level=Level.STREET) == new


def test_revise_can_change_departments_and_keeps_the_old_versions_departments(world):
    rule = current_rule(world, "0202")
    new = jurisdiction_rule_revise(rule=rule, departments=[world.departments["zj"]])
    assert list(new.departments.values_list("code", flat=True)) == ["zj"]
    assert sorted(rule.departments.values_list("code", flat=True)) == ["cgzf", "zj"]


def test_a_consumer_holding_the_old_version_keeps_its_deadline(world):
    """What a case does: copy the due time and keep the version it used. A revision must not move either."""
    rule = current_rule(world, "0101")  # 1 working day at the grid
    due = add_working_time(NOON, rule.handling_limit, rule.handling_unit, calendar_spec())
    held = {"rule_id": rule.id, "due_at": due}

    jurisdiction_rule_revise(rule=rule, handling_limit=3)

    used = JurisdictionRule.objects.get(pk=held["rule_id"])
    assert (used.handling_limit, used.handling_unit) == (1, TimeUnit.WORKING_DAYS)
    assert add_working_time(NOON, used.handling_limit, used.handling_unit, calendar_spec()) == held["due_at"]
    assert rule_for(category=world.categories["0101"], level=Level.GRID).handling_limit == 3


def test_only_the_current_version_can_be_revised(world):
    rule = current_rule(world, "0101")
    jurisdiction_rule_revise(rule=rule, handling_limit=2)
    with pytest.raises(NotAllowed):
        jurisdiction_rule_revise(rule=rule, handling_limit=4)
    assert JurisdictionRule.objects.filter(category=world.categories["0101"]).count() == 2


def test_revise_refuses_changing_what_identifies_the_entry(world):
    rule = current_rule(world, "0101")
    with pytest.raises(InvalidInput):
        jurisdiction_rule_revise(rule=rule, level=Level.STREET)
    assert JurisdictionRule.objects.filter(category=world.categories["0101"]).count() == 1


def test_revise_refuses_an_invalid_limit_and_writes_nothing(world):
    rule = current_rule(world, "0101")
    with pytest.raises(InvalidInput):
        jurisdiction_rule_revise(rule=rule, handling_unit="fortnights")
    rule.refresh_from_db()
    assert rule.is_current and JurisdictionRule.objects.filter(category=world.categories["0101"]).count() == 1


def test_revise_without_a_change_writes_nothing(world):
    rule = current_rule(world, "0202")
    same = jurisdiction_rule_revise(rule=rule, handling_limit=15, departments=list(rule.departments.all()))
    assert same.pk == rule.pk and same.version == 1


def test_revise_a_level_default_rule(world):
    default = JurisdictionRule.objects.get(category=None, level=Level.COMMUNITY, valid_to=None)
    new = jurisdiction_rule_revise(rule=default, handling_limit=4)
    assert (new.category, new.version) == (None, 2)
    assert JurisdictionRule.objects.filter(category=None, level=Level.COMMUNITY, valid_to=None).get() == new


def test_create_refuses_a_second_current_rule_for_the_same_entry(world):
    with pytest.raises(NotAllowed):
        jurisdiction_rule_create(
            category=world.categories["0101"], level=Level.GRID, handling_limit=2, handling_unit=TimeUnit.WORKING_DAYS
        )


def test_create_a_rule_at_another_level_with_departments(world):
    rule = jurisdiction_rule_create(
        category=world.categories["0101"],
        level=Level.STREET,
        handler_kind=HandlerKind.DEPARTMENTS,
        departments=[world.departments["cgzf"]],
        handling_limit=2,
        handling_unit=TimeUnit.WORKING_DAYS,
        actor=world.admin,
    )
    assert (rule.version, rule.is_current, rule.revised_by) == (1, True, "admin")
    assert list(rule.departments.all()) == [world.departments["cgzf"]]


def test_database_allows_one_current_rule_per_category_and_level(world):
    rule = current_rule(world, "0101")
    with pytest.raises(IntegrityError), transaction.atomic():
        JurisdictionRule.objects.create(
            category=rule.category, level=rule.level, handling_limit=9, handling_unit=rule.handling_unit, version=2
        )


def test_database_allows_one_current_default_rule_per_level(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        JurisdictionRule.objects.create(
            category=None, level=Level.GRID, handling_limit=9, handling_unit=TimeUnit.WORKING_DAYS, version=2
        )
