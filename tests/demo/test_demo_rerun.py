"""`make run` a second time — later, after the sweep has moved the demo's overdue cases on — adds nothing:
`load_demo` finds what it made by natural keys, not by times relative to "now"; and the D-grade category of the
demo (供水主管爆裂, 4 hours) keeps its limits at the top level (issue 10)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from demo.management.commands.load_demo import model_counts
from escalation.services.sweep import sweep
from governance.choices import Level, TimeUnit, top_level
from governance.models import JurisdictionRule
from governance.selectors import clear_calendar_cache

pytestmark = pytest.mark.django_db


def test_a_second_load_days_later_after_a_sweep_adds_nothing():
    call_command("load_demo", stdout=io.StringIO())
    clear_calendar_cache()
    later = timezone.now() + timedelta(days=3)
    with time_machine.travel(later, tick=False):
        sweep(now=later, workers=1)
        first = model_counts()
        out = io.StringIO()
        call_command("load_demo", stdout=out)
    assert model_counts() == first
    assert "0 added by this run" in out.getvalue()


def test_the_demo_d_grade_rule_keeps_its_four_hours_at_the_top():
    call_command("load_demo", stdout=io.StringIO())
    rule = JurisdictionRule.objects.get(category__code="0401", valid_to=None)
    assert (rule.level, rule.handling_limit, rule.handling_unit) == (top_level(), 4, TimeUnit.HOURS)
    assert not JurisdictionRule.objects.filter(level=Level.CITY, valid_to=None).exists() or top_level() == "city"
