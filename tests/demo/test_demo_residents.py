"""The demo's people and places: fictional residents with valid-checksum ID numbers, tagged people with visit plans
(some overdue), diary entries — one already a case, linked both ways."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from residents.crypto import decrypt
from residents.identity import validate_id_number
from residents.models import Building, DiaryEntry, Resident, VisitPlan

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    from django.db import transaction

    from governance.selectors import clear_calendar_cache

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            clear_calendar_cache()


def test_demo_has_homes_and_fictional_people_with_valid_id_numbers(demo):
    assert Building.objects.count() >= 2
    people = list(Resident.objects.all())
    assert len(people) > 100
    for person in people:
        number = decrypt(person.id_number_enc)
        assert validate_id_number(number) == number
        assert "某" in person.name  # obviously fictional
    assert Resident.objects.filter(kind="floating", permit_expires_on__isnull=False).exists()


def test_demo_has_overdue_visits_and_a_diary_entry_that_became_a_case(demo):
    lights = set(VisitPlan.objects.values_list("light", flat=True))
    assert {"red", "yellow", "green"} <= lights
    converted = DiaryEntry.objects.exclude(case_id=None).get()
    from cases.models import Case

    assert Case.objects.get(pk=converted.case_id).number == converted.case_number
    assert DiaryEntry.objects.filter(case_id=None).count() >= 3


def test_each_tag_on_the_household_map_has_its_own_colour(demo):
    """The map's key names each dot by its colour: the demo's own tags (独居老人, 重点上访人员, 残疾人) took the model's
    one default colour, so three entries of the key had the same dot."""
    from residents.models import TagCategory

    colours = dict(TagCategory.objects.values_list("code", "colour"))
    assert len(set(colours.values())) == len(colours), colours


def test_whoever_the_demo_tags_as_living_alone_lives_alone(demo):
    """孙某211 was tagged 独居老人 in a home of three (UI round, 2026-12-03)."""
    from residents.models import ResidentTag

    alone = ResidentTag.objects.filter(category__code="elderly_alone").select_related("resident")
    assert alone.exists()
    for tag in alone:
        person = tag.resident
        assert Resident.objects.filter(house=person.house, status="living").count() == 1, person.name
