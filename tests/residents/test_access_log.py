"""The shared access log: written through the services, read through the scoped selector, append-only everywhere."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from residents.models import AccessLog
from residents.selectors import access_log_for
from residents.services import access_log_record, access_log_record_many


def _row(world, **kw) -> AccessLog:
    defaults = dict(
        user=world.users["street_officer"],
        subject="citizen_contact",
        object_id=17,
        channel="page",
        path="/cases/17/",
        case_id=17,
        street_id=world.street.id,
    )
    defaults.update(kw)
    return access_log_record(**defaults)


def test_record_keeps_who_what_where(world):
    row = _row(world)
    row.refresh_from_db()
    assert row.user == world.users["street_officer"]
    assert row.username == "jiedao01"
    assert (row.subject, row.object_id, row.channel, row.path) == ("citizen_contact", "17", "page", "/cases/17/")
    assert row.case_id == 17 and row.street_id == world.street.id
    assert row.at is not None


def test_unknown_subject_or_channel_writes_nothing(world):
    with pytest.raises(ValueError, match="subject"):
        _row(world, subject="gossip")
    with pytest.raises(ValueError, match="channel"):
        _row(world, channel="telepathy")
    assert AccessLog.objects.count() == 0


def test_record_many_is_one_insert(world, django_assert_num_queries):
    rows = [{"object_id": i, "case_id": i, "street_id": world.street.id} for i in range(1, 6)] + ["77"]
    with django_assert_num_queries(1):
        n = access_log_record_many(
            user=world.users["street_officer"], subject="citizen_contact", rows=rows, channel="export", path="/x.csv"
        )
    assert n == 6
    assert sorted(AccessLog.objects.values_list("object_id", flat=True)) == ["1", "2", "3", "4", "5", "77"]
    assert set(AccessLog.objects.values_list("channel", flat=True)) == {"export"}


def test_record_many_with_a_row_without_object_id_writes_nothing(world):
    with pytest.raises(ValueError):
        access_log_record_many(
            user=world.users["admin"], subject="resident", rows=[{"object_id": 1}, {"case_id": 3}], channel="api"
        )
    assert AccessLog.objects.count() == 0


def test_anonymous_reader_is_recorded_without_user(world):
    row = access_log_record(user=None, subject="citizen_contact", object_id="JD-1", channel="open311")
    assert row.user_id is None and row.username == ""


def test_model_and_queryset_refuse_changes(world):
    row = _row(world)
    row.path = "/elsewhere/"
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.filter(pk=row.pk).update(path="/x/")
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get(pk=row.pk).path == "/cases/17/"


def test_raw_sql_update_and_delete_are_refused_by_the_database(world):
    row = _row(world)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE residents_accesslog SET path = %s WHERE id = %s", ["/forged/", row.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM residents_accesslog WHERE id = %s", [row.pk])
    # Nulling the user together with anything else is refused too (only the plain SET NULL passes).
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE residents_accesslog SET user_id = NULL, username = '' WHERE id = %s", [row.pk])
    stored = AccessLog.objects.get(pk=row.pk)
    assert (stored.path, stored.username, stored.user_id) == (
        "/cases/17/",
        "jiedao01",
        world.users["street_officer"].pk,
    )


def test_deleting_a_user_keeps_their_rows_and_name(world):
    reader = world.users["street_officer_2"]
    row = _row(world, user=reader)
    reader.delete()
    stored = AccessLog.objects.get(pk=row.pk)
    assert stored.user_id is None
    assert stored.username == "jiedao02"


def test_scope_admin_all_street_leads_their_street_others_nothing(world):
    mine = _row(world, object_id=1)
    other = _row(world, object_id=2, street_id=world.other_street.id)
    _row(world, object_id=3, street_id=None)
    assert access_log_for(user=world.users["admin"]).count() == 3
    assert list(access_log_for(user=world.users["street_officer"])) == [mine]
    assert list(access_log_for(user=world.users["other_street_officer"])) == [other]
    assert set(access_log_for(user=world.users["district_officer"])) == {mine, other}
    for persona in ["grid_worker", "grid_leader", "community_officer", "liaison", "outsider"]:
        assert access_log_for(user=world.users[persona]).count() == 0, persona


def test_admin_can_look_but_not_add_change_or_delete(world, web):
    row = _row(world)
    client = web("admin")
    assert client.get("/admin/residents/accesslog/").status_code == 200
    assert client.get(f"/admin/residents/accesslog/{row.pk}/change/").status_code == 200
    assert client.get("/admin/residents/accesslog/add/").status_code == 403
    assert client.post(f"/admin/residents/accesslog/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AccessLog.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_flush_wipes_the_log_and_the_guard_comes_back():
    access_log_record(user=None, subject="resident", object_id=1, channel="page")
    call_command("flush", verbosity=0, interactive=False)
    assert AccessLog.objects.count() == 0
    row = access_log_record(user=None, subject="resident", object_id=2, channel="page")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM residents_accesslog WHERE id = %s", [row.pk])


def test_the_admin_page_of_a_resident_that_is_not_there_is_not_a_500(world):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(world.admin)
    for model in ("resident", "residenttag", "visitplan"):
        for pk in ("abc", "1e5", "%C3%A9", "99999999999999999999"):
            assert client.get(f"/admin/residents/{model}/{pk}/change/").status_code in (302, 404), (model, pk)
