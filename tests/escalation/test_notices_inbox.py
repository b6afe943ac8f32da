"""The notices inbox: page, header badge, API. Only the recipient sees (or marks) a notice; others get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from escalation.choices import NoticeKind
from escalation.models import Notice
from escalation.services.notices import NoticeSpec, centre, notices_write, person
from tests.cases.helpers import at

pytestmark = pytest.mark.django_db

T0 = at(2026, 11, 16, 9, 0)


@pytest.fixture
def inbox(world):
    """Three notices for the community officer (the middle one read), one for the street officer."""
    notices_write(
        specs=[
            NoticeSpec(
                kind=NoticeKind.OTHER,
                title=f"社区通知{i}",
                targets=[person(world.community_officer.id)],
                dedupe_key=f"t{i}",
                url="/cases/1/",
            )
            for i in range(3)
        ]
        + [NoticeSpec(kind=NoticeKind.OTHER, title="街道通知", targets=[centre(world.street.id)], dedupe_key="s")],
        now=T0,
    )
    mine = list(Notice.objects.filter(recipient=world.community_officer).order_by("id"))
    Notice.objects.filter(pk=mine[1].pk).update(read_at=T0)
    return mine


def test_page_lists_only_my_notices_unread_first(web, world, inbox):
    html = web("community_officer").get(reverse("escalation:notices")).content.decode()
    assert "街道通知" not in html
    positions = [html.index(f"社区通知{i}") for i in (0, 1, 2)]
    assert positions[1] > max(positions[0], positions[2])  # the read one comes last


def test_mark_read_is_a_post_and_only_for_the_recipient(web, world, inbox):
    url = reverse("escalation:notice-read", args=[inbox[0].pk])
    assert web("community_officer").get(url).status_code == 302  # a GET changes nothing: back to the notices
    assert web("street_officer").post(url).status_code == 404
    inbox[0].refresh_from_db()
    assert inbox[0].read_at is None

    response = web("community_officer").post(url)
    assert response.status_code == 302
    inbox[0].refresh_from_db()
    assert inbox[0].read_at is not None


def test_mark_read_and_open_goes_to_the_case(web, inbox):
    response = web("community_officer").post(reverse("escalation:notice-read", args=[inbox[2].pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/cases/1/"


def test_mark_read_from_htmx_returns_the_row(web, inbox):
    response = web("community_officer").post(
        reverse("escalation:notice-read", args=[inbox[0].pk]), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and f'id="notice-{inbox[0].pk}"' in html and "notice--unread" not in html


def test_mark_all_read_only_touches_my_notices(web, world, inbox):
    assert web("community_officer").post(reverse("escalation:notices-read-all")).status_code == 302
    assert not Notice.objects.filter(recipient=world.community_officer, read_at__isnull=True).exists()
    assert Notice.objects.filter(recipient=world.street_officer, read_at__isnull=True).count() == 1


def test_header_badge_shows_the_unread_count_and_polls_itself(web, inbox):
    client = web("community_officer")
    html = client.get(reverse("escalation:notices-badge")).content.decode()
    assert 'hx-trigger="every 60s"' in html and ">2</span>" in html
    client.post(reverse("escalation:notices-read-all"))
    html = client.get(reverse("escalation:notices-badge")).content.decode()
    assert "badge--count" not in html


def test_every_page_gets_the_unread_count(web, inbox):
    response = web("community_officer").get(reverse("escalation:notices"))
    assert response.context["unread_notice_count"] == 2
    assert web("outsider").get(reverse("escalation:notices")).context["unread_notice_count"] == 0


def test_pages_need_a_login(client):
    assert client.get(reverse("escalation:notices")).status_code == 302


# --- API --------------------------------------------------------------------------------------------------


def test_api_lists_my_notices_unread_first(api, world, inbox):
    body = api("community_officer").get("/api/v1/notices/").json()
    assert [n["title"] for n in body["results"]] == ["社区通知2", "社区通知0", "社区通知1"]
    assert [n["read"] for n in body["results"]] == [False, False, True]
    assert api("outsider").get("/api/v1/notices/").json()["count"] == 0


def test_api_other_peoples_notices_are_404(api, inbox):
    pk = inbox[0].pk
    assert api("street_officer").get(f"/api/v1/notices/{pk}/").status_code == 404
    assert api("street_officer").post(f"/api/v1/notices/{pk}/read/").status_code == 404
    assert api(None).get("/api/v1/notices/").status_code in (401, 403)


def test_api_mark_read_and_read_all(api, world, inbox):
    client = api("community_officer")
    response = client.post(f"/api/v1/notices/{inbox[0].pk}/read/")
    assert response.status_code == 200 and response.json()["read"] is True
    assert client.post("/api/v1/notices/read-all/").json() == {"marked": 1}
    assert client.post("/api/v1/notices/read-all/").json() == {"marked": 0}
    assert Notice.objects.filter(recipient=world.street_officer, read_at__isnull=True).count() == 1
