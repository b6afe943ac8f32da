"""``bench/generate_city.py`` (the benchmarks' data) builds a consistent city, and the assessment and dashboard
read it. PostgreSQL only (the set-wise SQL load), in a transactional test: it drops and rebuilds indexes and
VACUUMs, which must run outside a transaction.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F, Q
from django.utils import timezone

from assessment.indicators import rates_for
from assessment.periods import Period
from assessment.selectors import scheme_for, totals
from bench.city import GenerateError, generate
from cases.models import Case, CaseDispatch, CaseEvent, CaseGroupObjectPermission, Rating
from cases.selectors import Scope, case_queryset_for
from governance.models import Region, User
from grids.selectors import grids_worked_by


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_generated_city_is_consistent_and_assessable(client):
    generate(grids=30, cases=1500, years=1, log=lambda line: None)
    assert Case.objects.count() == 1500
    # every case was reported, and each of its steps has its event
    assert CaseEvent.objects.filter(action="report").count() == 1500
    closed = Case.objects.filter(status="closed")
    assert closed.count() > 700, "old cases are mostly closed"
    assert CaseEvent.objects.filter(action="verify_ok").count() == closed.count()
    assert not Case.objects.filter(status="closed", closed_at__isnull=True).exists()
    open_statuses = ["reported", "accepted", "dispatched", "in_progress", "on_hold", "resolved"]
    assert not Case.objects.filter(status__in=open_statuses, closed_at__isnull=False).exists()
    assert not Case.objects.filter(status="reported", accepted_at__isnull=False).exists()
    assert not Case.objects.filter(status="reported", responded_at__isnull=False).exists()
    assert not Case.objects.filter(status__in=["reported", "accepted"], dispatched_at__isnull=False).exists()
    assert not Case.objects.exclude(status__in=["resolved", "closed"]).filter(resolved_at__isnull=False).exists()
    assert not Case.objects.filter(resolved_at__lt=F("reported_at")).exists()
    assert not Case.objects.filter(closed_at__lt=F("resolved_at")).exists()
    assert not Case.objects.filter(reported_at__gt=timezone.now()).exists()
    assert Rating.objects.count() == CaseEvent.objects.filter(action="rate").count() > 0
    assert set(Rating.objects.values_list("case__status", flat=True)) == {"closed"}
    # numbers are unique per street and year, with the street's prefix
    assert Case.objects.values("number").distinct().count() == 1500
    assert Case.objects.filter(number__startswith="S001-").exists()
    # dispatches: one active one at most per open dispatched case; departments see their cases
    dept_dispatches = CaseDispatch.objects.filter(department__isnull=False)
    assert dept_dispatches.exists()
    assert CaseGroupObjectPermission.objects.count() == dept_dispatches.values("case", "department").distinct().count()
    dispatch = dept_dispatches.first()
    liaison = User.objects.get(department_id=dispatch.department_id)
    assert case_queryset_for(liaison).filter(pk=dispatch.case_id).exists()
    # scopes: a street officer sees exactly the street's cases; a grid worker their grid's
    officer = User.objects.get(username="sim_s001")
    assert case_queryset_for(officer).count() == Case.objects.filter(street=officer.region).count() > 0
    worker = User.objects.get(username="sim_g00001")
    assert list(grids_worked_by(worker).values_list("code", flat=True)) == ["G00001"]
    # dispatches and ratings carry their case's place (the assessment reads them by it)
    for model, fields in ((CaseDispatch, CaseDispatch.place_fields), (Rating, Rating.place_fields)):
        assert model.objects.exists()
        mismatched = Q()
        for name in fields:
            mismatched |= ~Q(**{name: F(f"case__{name}")})
        assert not model.objects.filter(mismatched).exists()
    # the assessment reads it: rates are rates
    week = Period.week_of(timezone.localdate() - timedelta(days=7))
    total = totals(Scope(Case.objects.all(), {}), week)
    rates = rates_for(total, scheme_for("seed"))
    for value in (rates.response, rates.completion, rates.satisfaction):
        assert value is None or 0 <= value <= 1
    # the dashboard and the assessment pages render for the generated street officer
    client.force_login(officer)
    assert client.get("/dashboard/").status_code == 200
    assert client.get("/assessment/?by=department").status_code == 200
    with pytest.raises(GenerateError):  # the city is there already: refused, nothing added
        generate(grids=5, cases=10, years=1, log=lambda line: None)
    assert Case.objects.count() == 1500


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kwargs",
    [
        {"grids": 0, "cases": 10, "years": 1},
        {"grids": 10, "cases": 10, "years": 0},
        {"grids": 10, "cases": -1, "years": 1},
    ],
)
def test_generate_city_refuses_bad_arguments_and_writes_nothing(kwargs):
    with pytest.raises(GenerateError):
        generate(**kwargs, log=lambda line: None)
    assert not Region.objects.filter(code="990000").exists()


def test_command_line_refuses_a_database_that_is_not_postgresql(monkeypatch, capsys):
    from bench.generate_city import main

    monkeypatch.setenv("DATABASE_URL", "sqlite:///var/x.sqlite3")
    with pytest.raises(SystemExit) as exc:
        main(["--scale", "city"])
    assert exc.value.code == 2 and "PostgreSQL" in capsys.readouterr().err
