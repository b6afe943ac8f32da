"""The demo cases: every status, level and channel, lights in all colours, ratings, made once — and every demo
case page renders for the people who work on it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from cases.choices import Channel, RatingResult, Status
from cases.models import Case, CaseEvent, Evidence, Rating
from demo import cases as demo


@pytest.fixture
def demo_cases(db):
    from demo import governance as governance_demo
    from demo import grids as grids_demo

    governance_demo.build()
    grids_demo.build()
    return demo.build()


def test_demo_cases_cover_every_status_level_and_channel(demo_cases):
    made = demo_cases
    assert len(made) == len(demo.SPECS)
    cases = Case.objects.all()
    assert set(cases.values_list("status", flat=True)) == set(Status.values)
    assert {"grid", "community", "street", "district"} <= set(cases.values_list("level", flat=True))
    assert set(cases.values_list("channel", flat=True)) == set(Channel.values)
    now = timezone.now()
    lights = {c.light(now) for c in cases}
    assert {"green", "yellow", "red"} <= lights


def test_demo_timelines_are_real_events_with_photos_and_ratings(demo_cases):
    assert CaseEvent.objects.filter(action="escalate", actor__isnull=True, reason="overdue").exists()
    assert CaseEvent.objects.filter(action="return", reason="not_in_remit").exists()
    assert Evidence.objects.filter(stage="resolution").exists() and Evidence.objects.filter(stage="report").exists()
    results = list(Rating.objects.values_list("result", flat=True))
    assert results.count(RatingResult.SATISFIED) > results.count(RatingResult.BASIC) >= 1
    assert RatingResult.UNSATISFIED in results
    assert all(e.at <= timezone.now() for e in CaseEvent.objects.all())


def test_demo_cases_are_made_once(demo_cases):
    count = Case.objects.count()
    assert demo.build() == []
    assert Case.objects.count() == count


def test_every_demo_case_page_renders_for_the_people_who_see_it(demo_cases):
    from cases.selectors import case_queryset_for
    from demo.governance import demo_password
    from governance.models import User

    for username in ("admin", "jiedao01", "shequ01", "wangge01", "chengguan01"):
        client = Client()
        assert client.login(username=username, password=demo_password())
        user = User.objects.get(username=username)
        visible = list(case_queryset_for(user).values_list("pk", flat=True))
        assert visible, username
        for pk in visible:
            assert client.get(f"/cases/{pk}/").status_code == 200, (username, pk)
        assert client.get("/cases/").status_code == 200
    for case in Case.objects.all()[:5]:
        assert Client().get(f"/track/{case.follow_up_token}/").status_code == 200
