"""A jurisdiction rule's limits are bounded (``limit_ceiling``: 366 days' worth, working units by the default
week), and the admin says what it refuses in words, never by a constraint's name (约束 “period_end_after_start”
是无效的)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, UniqueConstraint
from django.urls import reverse
from django.utils import translation

from core.errors import InvalidInput
from governance.models import JurisdictionRule, OfficePeriod, WorkCalendar
from governance.services import jurisdiction_rule_revise

from .test_admin import rule_form


def _rule(world) -> JurisdictionRule:
    return JurisdictionRule.objects.get(category=world.categories["0202"], valid_to=None)


@pytest.mark.parametrize(
    ("field", "limit", "unit", "message"),
    [
        ("handling_limit", 100_000, "working_days", "办理时限不能超过 261 个工作日（366 天之内）"),
        ("handling_limit", 9_000_000, "minutes", "办理时限不能超过 527040 分钟（366 天）"),
        ("accept_limit", 3_000, "working_hours", "受理/派遣时限不能超过 1827 工作小时（366 天之内）"),
        ("return_limit", 9_000, "hours", "退单时限不能超过 8784 小时（366 天）"),
    ],
)
def test_the_admin_refuses_a_limit_past_the_ceiling_and_writes_no_version(web, world, field, limit, unit, message):
    rule = _rule(world)
    unit_field = field.replace("_limit", "_unit")
    response = web("admin").post(
        reverse("admin:governance_jurisdictionrule_change", args=[rule.pk]),
        rule_form(rule, **{field: limit, unit_field: unit}),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert JurisdictionRule.objects.filter(category=rule.category).count() == 1


def test_the_ceiling_itself_is_accepted(web, world):
    rule = _rule(world)
    response = web("admin").post(
        reverse("admin:governance_jurisdictionrule_change", args=[rule.pk]),
        rule_form(rule, handling_limit=261, handling_unit="working_days"),
    )
    assert response.status_code == 302
    assert JurisdictionRule.objects.get(category=rule.category, valid_to=None).handling_limit == 261


def test_the_revision_service_refuses_it_too(world):
    with pytest.raises(InvalidInput) as refused:
        jurisdiction_rule_revise(rule=_rule(world), handling_limit=100_000, handling_unit="working_days")
    assert "办理时限不能超过 261 个工作日（366 天之内）" in refused.value.message


def test_the_refusal_reads_in_english(world):
    rule = _rule(world)
    rule.handling_limit, rule.handling_unit = 100_000, "working_days"
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        rule.full_clean(validate_constraints=False)
    expected = "Handling limit cannot exceed 261 working days (within 366 days)"
    assert refused.value.message_dict["handling_limit"] == [expected]


def test_an_office_period_ending_before_it_starts_is_refused_in_words(web, world):
    response = web("admin").post(
        reverse("admin:governance_officeperiod_add"), {"calendar": world.calendar.pk, "start": "17:00", "end": "08:30"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "办公时段的结束时间必须晚于开始时间" in html and "period_end_after_start" not in html
    assert not OfficePeriod.objects.filter(start="17:00").exists()


def test_a_second_default_calendar_is_refused_in_words(web, world):
    assert world.calendar.is_default
    response = web("admin").post(
        reverse("admin:governance_workcalendar_add"),
        {
            "name": "第二日历",
            "is_default": "on",
            "weekdays": ["1", "2", "3", "4", "5"],
            "periods-TOTAL_FORMS": "0",
            "periods-INITIAL_FORMS": "0",
            "days-TOTAL_FORMS": "0",
            "days-INITIAL_FORMS": "0",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "已有另一个默认工作日历" in html and "one_default_calendar" not in html
    assert not WorkCalendar.objects.filter(name="第二日历").exists()


#: The constraints an admin can run into (the choices-only checks of other apps are met by the form's own choice
#: validation first; the read-only admin pages save nothing).
WORDED = {
    "governance": None,  # every one
    "grids.GridAssignment": [
        "one_active_leader_and_full_time_worker",
        "one_active_seat_per_person_and_grid",
        "assignment_ends_after_start",
    ],
    "residents.TagCategory": ["tagcategory_visit_positive"],
    "residents.Building": ["building_has_floors_units"],
    "residents.ResidentTag": ["one_active_tag_per_category"],
    "residents.VisitPlan": ["one_active_plan_per_tag", "visitplan_every_positive"],
    "assessment.SchemeWeight": ["assessment_weight_not_negative"],
    "interop.OrderRequest": ["one_pending_request_per_kind"],
    "mediation.TrackLimit": ["med_limit_days"],
}


def _worded_constraints():
    from django.apps import apps

    for label, names in WORDED.items():
        models = apps.get_app_config(label).get_models() if names is None else [apps.get_model(label)]
        for model in models:
            for constraint in model._meta.constraints:
                if isinstance(constraint, CheckConstraint | UniqueConstraint) and (
                    names is None or constraint.name in names
                ):
                    yield pytest.param(constraint, id=f"{model._meta.label}.{constraint.name}")


@pytest.mark.parametrize("constraint", list(_worded_constraints()))
def test_each_constraint_an_admin_meets_has_its_own_words_in_both_languages(constraint):
    assert constraint.violation_error_message != constraint.default_violation_error_message
    with translation.override("en"):
        english = str(constraint.get_violation_error_message())
    assert not re.search(r"[\u4e00-\u9fff]", english) and constraint.name not in english


def test_the_migration_clamps_the_limits_saved_before_the_bound_and_leaves_the_rest(world):
    """governance 0006: a rule saved with 100,000 working days (before the bound) is clamped to 261; the sweep
    places the next level's deadline from the same rule, so an unplaceable limit would have stopped it too."""
    import importlib

    from django.apps import apps

    rule = _rule(world)
    JurisdictionRule.objects.filter(pk=rule.pk).update(
        handling_limit=100_000, handling_unit="working_days", accept_limit=527_041, accept_unit="minutes"
    )
    other = JurisdictionRule.objects.exclude(pk=rule.pk).first()
    before = (other.accept_limit, other.handling_limit, other.return_limit)

    importlib.import_module("governance.migrations.0006_clamp_rule_limits").clamp(apps, None)

    rule.refresh_from_db()
    other.refresh_from_db()
    assert (rule.handling_limit, rule.accept_limit) == (261, 527_040)
    assert (other.accept_limit, other.handling_limit, other.return_limit) == before


def test_the_migrations_clamp_only_rules_in_force_and_the_partners_urgency_limits(world):
    """A closed rule version is the record of what applied then: 0006 leaves it. interop 0009 clamps a hotline
    partner's urgency limits saved before 0008 bounded them (an order's due time is now + the limit)."""
    import importlib

    from django.apps import apps

    from interop.models import Partner
    from tests.interop.hotline_helpers import make_partner

    rule = _rule(world)
    JurisdictionRule.objects.filter(pk=rule.pk).update(handling_limit=100_000, handling_unit="working_days")
    closed = JurisdictionRule.objects.exclude(valid_to=None).first() or rule
    if closed is rule:  # the world keeps no closed version: close a copy of this one
        closed = JurisdictionRule.objects.get(pk=rule.pk)
        closed.pk, closed.version, closed.valid_to = None, rule.version + 100, rule.valid_from
        closed.save()
    JurisdictionRule.objects.filter(pk=closed.pk).update(handling_limit=100_000, handling_unit="working_days")
    partner = make_partner(world)
    Partner.objects.filter(pk=partner.pk).update(urgent_response_minutes=10**9, emergency_resolution_hours=10**7)

    importlib.import_module("governance.migrations.0006_clamp_rule_limits").clamp(apps, None)
    importlib.import_module("interop.migrations.0009_clamp_urgency_limits").clamp(apps, None)

    assert JurisdictionRule.objects.get(pk=rule.pk).handling_limit == 261
    assert JurisdictionRule.objects.get(pk=closed.pk).handling_limit == 100_000
    partner.refresh_from_db()
    assert (partner.urgent_response_minutes, partner.emergency_resolution_hours) == (527_040, 8_784)
    assert (partner.emergency_response_minutes, partner.urgent_resolution_hours) == (30, 24)  # in bounds: kept
