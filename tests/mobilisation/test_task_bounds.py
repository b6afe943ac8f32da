"""A service task's numbers within reason: at most 1,000 members (0: no limit), a start at most 90 days back (an
activity recorded afterwards) and at most the due horizon ahead. 10²⁰ members was a bare 400 page that lost the
form, and tasks starting in year 1, 2020 or 9999 were published."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from mobilisation.models import ServiceTask


def _form(world, **changes):
    start = timezone.localtime() + timedelta(days=2)
    return {
        "community": world.community.pk,
        "title": "夜间平安巡逻",
        "task_type": "patrol",
        "place": "雄关社区东门集合",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "capacity": "6",
        "description": "两人一组，带手电",
        **changes,
    }


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"capacity": "99999999999999999999"}, "1000"),
        ({"capacity": "1001"}, "1000"),
        ({"starts_at": "9999-12-31T23:59"}, "天之后"),
        ({"starts_at": "0001-01-01T09:00"}, "90 天前"),
        ({"starts_at": "2020-01-01T09:00"}, "90 天前"),
    ],
)
def test_an_unreasonable_task_is_refused_on_the_form_with_everything_kept(world, web, changes, said):
    response = web("community_officer").post("/party/tasks/new/", _form(world, **changes))

    assert response.status_code == 400
    page = response.content.decode()
    assert said in page and "两人一组，带手电" in page and "雄关社区东门集合" in page
    assert not ServiceTask.objects.exists()


def test_a_task_held_lately_is_recorded_and_an_upcoming_one_published(world, web):
    client = web("community_officer")
    held = (timezone.localtime() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    assert client.post("/party/tasks/new/", _form(world, starts_at=held, title="楼道清理")).status_code == 302
    assert client.post("/party/tasks/new/", _form(world, capacity="1000")).status_code == 302
    assert ServiceTask.objects.count() == 2


def test_the_api_holds_the_same_bounds(world, api):
    body = _form(world, capacity="5000")
    body["starts_at"] = (timezone.now() + timedelta(days=2)).isoformat()
    refused = api("community_officer").post("/api/v1/mobilisation/tasks/", body, format="json")
    assert refused.status_code == 400 and "capacity" in str(refused.json())
    body.update(capacity=6, starts_at="9999-12-31T10:00:00+08:00")
    refused = api("community_officer").post("/api/v1/mobilisation/tasks/", body, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "starts_at"
    assert not ServiceTask.objects.exists()
