"""One masking rule for phone numbers and names, in every app (cases, residents, wishes, mediation)."""

from __future__ import annotations

import pytest

from core.masking import mask_name, mask_phone


@pytest.mark.parametrize("n", range(21))
def test_a_masked_phone_hides_at_least_four_characters_and_moves_none(n):
    phone = "".join(str((3 * i + 1) % 10) for i in range(n))
    masked = mask_phone(phone)
    assert len(masked) == n
    assert masked.count("*") >= min(n, 4)
    assert all(m in ("*", p) for m, p in zip(masked, phone, strict=True))
    assert sum(m != "*" for m in masked) <= 7


def test_the_usual_shapes():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("0937-6221234") == "093*****1234"
    assert mask_phone("") == ""
    assert mask_name("张三丰") == "张**" and mask_name("") == ""


@pytest.mark.parametrize("local", ["6221234", "62212345"])
def test_a_local_landline_is_not_shown_whole(local):
    """The contact-number rule takes a landline of 7–8 digits without an area code; "first 3 + last 4" used to
    show every digit of a seven-digit one."""
    masked = mask_phone(local)
    assert local not in masked and masked.count("*") >= 4


def test_every_model_masks_with_the_one_rule(world):
    from cases.models import Case
    from mediation.models import DisputeParty
    from mobilisation.models import Registration, Wish

    assert Case(citizen_phone="6221234").masked_phone == "*****34"
    assert DisputeParty(phone="6221234").masked_phone == "*****34"
    assert Registration(phone="6221234").masked_phone == "*****34"
    assert Wish(resident_phone="6221234").masked_phone == "*****34"


def test_the_migration_masks_the_residents_short_numbers_shown_whole(world):
    """residents 0011: a stored mask of 7–10 characters (which the old rule left showing all or all but a few digits)
    is masked again; longer ones are already right."""
    import importlib

    from django.apps import apps

    from residents.models import Resident
    from tests.residents.setups import build_hood

    hood = build_hood(world)
    whole, eight, ten, long, empty = list(hood.people.values())[:5]
    old_masks = {whole: "6221234", eight: "622*2345", ten: "093***2123", long: "139****0001", empty: ""}
    for person, mask in old_masks.items():  # as the old rule (first 3 + last 4) stored them
        Resident.objects.filter(pk=person.pk).update(phone_masked=mask)

    importlib.import_module("residents.migrations.0011_remask_short_phones").remask(apps, None)

    masks = dict(Resident.objects.filter(pk__in=[p.pk for p in old_masks]).values_list("pk", "phone_masked"))
    assert masks == {
        whole.pk: "*****34",
        eight.pk: "****2345",
        ten.pk: "******2123",
        long.pk: "139****0001",
        empty.pk: "",
    }
