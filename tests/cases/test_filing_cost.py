"""What a filing costs: numbering in one statement, no reads the new case cannot need, the same number of
statements with or without photos; numbers stay gap-free and unique when filings race (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.api.serializers import CaseCreateSerializer, CaseDetailSerializer
from cases.models import Case, CaseNumberSequence
from cases.selectors import case_detail_for
from escalation.services.notices import NOTIFYING_ACTIONS
from governance.models import User

from .helpers import file_case, photo

URL = "/api/v1/cases/"


def _client(world) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.grid_worker).key}")
    return client


#: Apps above ``escalation`` that listen to filings (their hooks are their own cost, tested by them).
LISTENERS = ('"interop_', '"mobilisation_', '"mediation_')


def _statements(ctx) -> list[str]:
    """The filing's own statements: no savepoints, none of the higher apps' hooks."""
    return [
        q["sql"]
        for q in ctx.captured_queries
        if not q["sql"].lstrip().upper().startswith(("SAVEPOINT", "RELEASE"))
        and not any(app in q["sql"] for app in LISTENERS)
    ]


@pytest.mark.parametrize("files", [0, 2])
def test_filing_runs_six_statements_and_numbers_in_one(world, files):
    client = _client(world)
    body = {"category": "0101", "title": "t", "description": "d", "address": "a", "grid": world.grid_a.id}
    assert client.post(URL, body, format="json").status_code == 201  # warm: token, calendar caches
    if files:
        body = {**body, "files": [photo(f"p{i}.jpg", color=c) for i, c in enumerate(["red", "blue"])]}
    with CaptureQueriesContext(connection) as ctx:
        resp = client.post(URL, body, format="multipart" if files else "json")
    assert resp.status_code == 201, resp.content
    sql = _statements(ctx)
    # token+user, grid, "works in this grid", the number, the case, the event (+ one per file); the category and
    # the rule come from the cache (governance.selectors: filing_category, rule_for)
    assert len(sql) == 6 + files, "\n".join(s[:120] for s in sql)
    assert sum("casenumbersequence" in s for s in sql) == 1
    assert not any(s.lstrip().upper().startswith("SELECT") and '"cases_case"' in s for s in sql)
    assert resp.json()["number"] == "XG-2026-000002"
    assert [e["original_name"] for e in resp.json()["evidence"]] == (["p0.jpg", "p1.jpg"] if files else [])
    assert resp.json()["evidence_count"] == files


def test_the_filing_response_equals_the_case_read_back(world):
    client = _client(world)
    body = {"category": "0101", "title": "t", "description": "d", "address": "a", "grid": world.grid_a.id}
    filed = client.post(URL, {**body, "files": [photo("a.jpg")]}, format="multipart").json()
    again = client.get(f"{URL}{filed['id']}/").json()
    assert filed == again


def test_detail_built_directly_equals_the_generic_serializer(world, rf):
    from rest_framework import serializers as drf

    from cases.services import case_transition

    case = file_case(world, files=[photo()], citizen_phone="13812345678")
    case_transition(case_id=case.id, action="accept", actor=world.street_officer)
    case_transition(
        case_id=case.id, action="dispatch", actor=world.street_officer, departments=[world.departments["cgzf"].id]
    )
    plain = file_case(world)
    for user in (world.street_officer, world.grid_worker):
        user = User.objects.get(pk=user.pk)
        request = rf.get(URL)
        request.user = user
        for pk in (case.pk, plain.pk):
            obj = case_detail_for(user, pk)
            fast = CaseDetailSerializer(obj, context={"request": request}).data
            generic = drf.ModelSerializer.to_representation(CaseDetailSerializer(context={"request": request}), obj)
            assert dict(fast) == dict(generic)


def test_a_filing_event_writes_no_notice_and_reads_nothing_for_it():
    assert "report" not in NOTIFYING_ACTIONS and "note" not in NOTIFYING_ACTIONS and "sign" not in NOTIFYING_ACTIONS


def test_notifying_actions_cover_every_action_the_notice_rules_name():
    """Oracle: the actions ``_spec_for_event`` branches on, read from its source."""
    import inspect
    import re

    from escalation.services import notices

    source = inspect.getsource(notices._spec_for_event)
    named = set(re.findall(r'action == "([a-z_]+)"', source))
    for group in re.findall(r"action in \(([^)]*)\)", source):
        named |= set(re.findall(r'"([a-z_]+)"', group))
    assert named and named <= NOTIFYING_ACTIONS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_filings_of_one_street_get_unique_gap_free_numbers(world):
    n = 8
    barrier = threading.Barrier(n, timeout=20)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def file_one() -> None:
        try:
            barrier.wait()
            numbers.append(file_case(world).number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file_one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    assert sorted(numbers) == [f"XG-2026-{i:06d}" for i in range(1, n + 1)]
    assert CaseNumberSequence.objects.get(street=world.street).last == n == Case.objects.count()


class _DeepCopied(CaseCreateSerializer):
    """The filing serializer with DRF's own field copies (the oracle of ``fresh_field``)."""

    def get_fields(self):
        from rest_framework import serializers as drf

        return drf.Serializer.get_fields(self)


def _outcome(serializer_class, data, request) -> tuple:
    form = serializer_class(data=data, context={"request": request})
    valid = form.is_valid()
    values = {k: (getattr(v, "pk", v) if k != "files" else [f.name for f in v]) for k, v in form.validated_data.items()}
    return valid, values if valid else {k: [(str(e), e.code) for e in v] for k, v in form.errors.items()}


def test_the_filing_serializer_validates_as_with_drfs_field_copies(world, rf):
    from django.http import QueryDict

    request = rf.post(URL)
    request.user = world.grid_worker
    base = {"category": "0101", "title": "t", "description": "d", "address": "a"}
    multipart = QueryDict(mutable=True)
    multipart.update({**base, "grid": str(world.grid_a.id)})
    multipart.setlist("files", [photo("a.jpg"), photo("b.jpg")])
    cases = [
        base,
        {**base, "grid": world.grid_a.id, "lat": 39.775, "lng": 98.295, "channel": "api", "citizen_name": " 张 "},
        {**base, "community": world.grid_a.community_id, "house": 10**9},
        {"title": "x" * 201, "lat": "north", "grid": "z", "channel": "fax", "files": "s", "category": "9999"},
        {**base, "grid": True, "lng": 500, "description": ""},
        multipart,
        {},
    ]
    for data in cases:
        assert _outcome(CaseCreateSerializer, data, request) == _outcome(_DeepCopied, data, request), data


def test_each_filing_serializer_has_its_own_bound_fields(world, rf):
    request = rf.post(URL)
    request.user = world.grid_worker
    one = CaseCreateSerializer(data={}, context={"request": request})
    two = CaseCreateSerializer(data={}, context={"request": None})
    for name in ("title", "grid", "house", "files"):
        assert one.fields[name] is not two.fields[name]
        assert one.fields[name].parent is one and two.fields[name].parent is two
        assert one.fields[name] is not CaseCreateSerializer._declared_fields[name]
    assert one.fields["files"].child.parent is one.fields["files"]
    assert one.fields["house"].context["request"] is request and two.fields["house"].context["request"] is None
    assert one.fields["files"].child.context["request"] is request
