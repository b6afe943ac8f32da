"""The demo's D-grade category (供水主管爆裂, 4 hours) keeps its limits at the top level, and no demo rule sits
above the top (issue 10: a rule above ``TOP_LEVEL`` is refused, so the demo puts D-grade limits at the top)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from governance.choices import LEVEL_ORDER, Level, TimeUnit, top_level
from governance.models import JurisdictionRule

pytestmark = pytest.mark.django_db


def test_the_demo_d_grade_rule_keeps_its_four_hours_at_the_top():
    call_command("load_demo", stdout=io.StringIO())
    rule = JurisdictionRule.objects.get(category__code="0401", valid_to=None)
    assert (rule.level, rule.handling_limit, rule.handling_unit) == (top_level(), 4, TimeUnit.HOURS)
    above = [lv for lv in LEVEL_ORDER if LEVEL_ORDER.index(lv) > LEVEL_ORDER.index(Level(top_level()))]
    assert not JurisdictionRule.objects.filter(level__in=above, valid_to=None).exists()
