"""ID numbers and phones are encrypted at rest, found by a keyed hash, shown masked, in full only when allowed (and
logged)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import override_settings

from residents import crypto
from residents.models import AccessLog, Resident
from residents.selectors import search_residents
from residents.services import resident_save
from tests.residents.setups import id_number


def test_a_raw_database_read_shows_ciphertext_not_the_number(world, hood):
    person = hood.people["corr"]
    number, phone = id_number(1), "13900000001"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number_enc, id_number_hmac, id_number_masked, phone_enc, phone_hmac, phone_masked"
            " FROM residents_resident WHERE id = %s",
            [person.pk],
        )
        row = cursor.fetchone()
    everything = " ".join(str(v) for v in row)
    assert number not in everything and phone not in everything
    assert number[6:14] not in everything  # not even the birth date part
    assert row[0].startswith("gAAAA")  # a Fernet token
    assert row[2] == number[:6] + "********" + number[-4:]
    assert crypto.decrypt(row[0]) == number and crypto.decrypt(row[3]) == phone


def test_exact_search_by_id_number_and_phone_through_the_keyed_hash(world, hood):
    admin = world.users["admin"]
    person = hood.people["youth"]
    assert list(search_residents(user=admin, text=id_number(3))) == [person]
    assert list(search_residents(user=admin, text="139 0000 0003")) == [person]
    assert list(search_residents(user=admin, text=id_number(4))) == []  # valid but unknown
    # the hash is keyed: another key gives another hash
    with override_settings(RESIDENTS_HMAC_KEY="another-key"):
        assert crypto.blind_index(id_number(3)) != person.id_number_hmac


def test_search_never_finds_a_person_out_of_scope(world, hood):
    assert list(search_residents(user=world.users["outsider"], text=id_number(3))) == []


def test_rotated_keys_still_decrypt_old_values(world):
    from cryptography.fernet import Fernet

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    with override_settings(RESIDENTS_DATA_KEYS=[old]):
        token = crypto.encrypt("110105194912310021")
    with override_settings(RESIDENTS_DATA_KEYS=[new, old]):
        assert crypto.decrypt(token) == "110105194912310021"
    with override_settings(RESIDENTS_DATA_KEYS=[new]), pytest.raises(crypto.InvalidToken):
        crypto.decrypt(token)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("grid_leader", True),
        ("grid_worker", True),
        ("part_timer", False),
        ("community_officer", True),
        ("street_officer", True),
        ("outsider", False),
        ("liaison_sfs", False),
    ],
)
def test_full_number_only_for_allowed_roles_and_logged(world, hood, web, persona, allowed):
    client = web(persona) if persona != "liaison_sfs" else _login(world, persona)
    person = hood.people["corr"]
    detail = client.get(f"/residents/people/{person.pk}/").content.decode()
    assert id_number(1) not in detail  # masked on the page for everybody
    before = AccessLog.objects.filter(subject="resident_identity").count()
    response = client.post(f"/residents/people/{person.pk}/reveal/")
    if allowed:
        assert response.status_code == 200
        assert id_number(1) in response.content.decode() and "13900000001" in response.content.decode()
        log = AccessLog.objects.filter(subject="resident_identity").latest("id")
        assert (log.object_id, log.username) == (str(person.pk), world.users[persona].username)
    else:
        assert response.status_code == 404
        assert AccessLog.objects.filter(subject="resident_identity").count() == before


def _login(world, persona):
    from django.test import Client

    from tests.factories.world import PASSWORD

    c = Client()
    assert c.login(username=world.users[persona].username, password=PASSWORD)
    return c


def test_api_shows_only_masked_numbers(world, hood, api):
    person = hood.people["corr"]
    data = api("admin").get(f"/api/v1/residents/{person.pk}/").json()
    assert data["id_number"] == id_number(1)[:6] + "********" + id_number(1)[-4:]
    assert data["phone"] == "139****0001"
    assert "id_number_enc" not in data and "id_number_hmac" not in data


def test_bad_id_number_is_refused_and_nothing_written(world, hood):
    from core.errors import InvalidInput

    count = Resident.objects.count()
    bad = id_number(20)[:17] + ("0" if id_number(20)[17] != "0" else "1")
    with pytest.raises(InvalidInput, match="校验位"):
        resident_save(actor=world.users["admin"], house=hood.houses["a202"], name="测试错", id_number=bad)
    with pytest.raises(InvalidInput, match="已登记"):
        resident_save(actor=world.users["admin"], house=hood.houses["a202"], name="测试重", id_number=id_number(1))
    assert Resident.objects.count() == count


def test_birth_date_and_sex_follow_the_id_number(world, hood):
    from datetime import date

    from core.errors import InvalidInput

    p = resident_save(actor=world.users["admin"], house=hood.houses["a202"], name="测试新", id_number=id_number(21))
    assert p.birth_date == date(1980, 5, 17) and p.sex == "M"  # sequence 021: odd
    with pytest.raises(InvalidInput, match="出生日期"):
        resident_save(
            actor=world.users["admin"], house=hood.houses["a202"], name="测试新二", id_number=id_number(23),
            birth_date=date(1981, 1, 1),
        )  # fmt: skip


def _rebuilt(masked: str, born) -> str:
    """The number put back together from its masked form and a birth date (area, date, the last four)."""
    return f"{masked[:6]}{born:%Y%m%d}{masked[-4:]}"


@pytest.mark.parametrize("persona", ["grid_leader", "part_timer", "liaison_sfs"])
def test_nothing_shown_with_the_masked_number_puts_it_back_together(world, hood, web, api, persona):
    """The masked number hides exactly the birth date (620201********2174): a page or an answer that also gave the
    whole date gave the number. The page, the API and the edit form of a person give the year only — the edit
    form, to those who may not reveal the number, not even that — and the number comes whole only on revealing."""
    import re

    person = Resident.objects.get(pk=hood.people["corr"].pk)
    assert _rebuilt(person.id_number_masked, person.birth_date) == id_number(1)  # the threat, as it was
    client = web(persona) if persona != "liaison_sfs" else _login(world, persona)
    page = client.get(f"/residents/people/{person.pk}/").content.decode()
    assert f"{person.birth_date:%Y-%m-%d}" not in page and str(person.birth_date.year) in page
    assert id_number(1) not in page
    rows = api(persona).get("/api/v1/residents/").json()["results"]
    row = next(r for r in rows if r["id"] == person.pk)
    assert "birth_date" not in row and row["birth_year"] == person.birth_date.year
    assert row["id_number"] == person.id_number_masked
    if persona != "liaison_sfs":  # the grid's team edits its people
        form = client.get(f"/residents/people/{person.pk}/edit/").content.decode()
        dates = re.findall(r'name="birth_date"[^>]*value="([^"]*)"', form)
        assert dates == ([f"{person.birth_date:%Y-%m-%d}"] if persona == "grid_leader" else [])
