"""居民议事: topics from a case or on their own, meetings with votes or consensus, follow-ups to cases and
service tasks, publication without the attendees' names."""

from __future__ import annotations

import pytest
from django.test import Client

from cases.models import Case
from core.errors import InvalidInput, NotAllowed, NotFound
from mobilisation import services
from mobilisation.models import FollowUp, ServiceTask

from .helpers import at

pytestmark = pytest.mark.django_db

WHEN = at(2026, 11, 18, 19, 30)


def meeting(world, topic, **over):
    args = {
        "actor": world.community_officer,
        "topic_id": topic.pk,
        "format": "evening_talk",
        "held_at": WHEN,
        "place": "党群服务中心",
        "attendees": ["赵居民", "钱居民", "孙居民", "李居民"],
        "decision_mode": "vote",
        "options": [("建车棚", 3), ("不建", 1)],
        "decision": "建车棚",
    }
    args.update(over)
    return services.meeting_record(**args)


def test_votes_choose_the_top_option_and_a_tie_is_refused(world):
    topic = services.topic_create(
        actor=world.community_officer, community=world.community, title="车棚", description="充电难"
    )
    with pytest.raises(InvalidInput):
        meeting(world, topic, options=[("甲", 2), ("乙", 2)])
    with pytest.raises(InvalidInput):
        meeting(world, topic, options=[("甲", 4), ("乙", 2)])  # more votes than attendees
    m = meeting(world, topic)
    assert [(o.text, o.chosen) for o in m.options.all()] == [("建车棚", True), ("不建", False)]
    with pytest.raises(NotAllowed):
        meeting(world, topic)


def test_follow_ups_become_a_case_and_a_service_task_and_the_published_page_has_no_names(world, client):
    topic = services.topic_create(
        actor=world.community_officer, community=world.community, title="车棚", description="充电难"
    )
    m = meeting(world, topic, decision_mode="consensus", options=[])
    f1 = services.followup_create(
        actor=world.community_officer,
        meeting_id=m.pk,
        title="清理车棚场地堆物",
        kind="case",
        category=world.categories["0102"],
        address="3号楼北侧",
    )
    f2 = services.followup_create(
        actor=world.community_officer,
        meeting_id=m.pk,
        title="场地清理志愿活动",
        kind="service_task",
        task_type="cleanup",
        address="3号楼北",
        starts_at=WHEN,
    )
    case = Case.objects.get(pk=f1.case_id)
    assert case.community == world.community and "建车棚" in case.description and case.events.count() == 1
    assert ServiceTask.objects.get(pk=f2.service_task_id).source_meeting == m
    assert FollowUp.objects.count() == 2
    services.topic_publish(actor=world.community_officer, topic_id=topic.pk)
    body = Client().get("/yishi/").content.decode()
    assert "车棚" in body and "4 人参加" in body
    for name in ("赵居民", "钱居民"):
        assert name not in body


def test_a_topic_from_a_case_must_be_a_case_in_scope(world):
    from tests.cases.helpers import file_case

    case = file_case(world, code="0101")
    topic = services.topic_create(
        actor=world.community_officer,
        community=None,
        title="垃圾",
        description="反复出现",
        source="case",
        case_id=case.pk,
    )
    assert topic.community == world.community and topic.case == case
    with pytest.raises(NotFound):
        services.topic_create(
            actor=world.community_b_officer, community=None, title="x", description="y", source="case", case_id=case.pk
        )


def test_a_topic_from_a_diary_entry_in_scope(world):
    from residents.services import diary_write

    entry = diary_write(actor=world.grid_worker, grid=world.grid_a, text="居民反映晚上路灯不亮")
    topic = services.topic_create(
        actor=world.community_officer,
        community=None,
        title="路灯",
        description="夜间照明",
        source="diary",
        diary_entry_id=entry.pk,
    )
    assert (topic.community, topic.diary_entry_id) == (world.community, entry.pk)
    with pytest.raises(NotFound):
        services.topic_create(
            actor=world.community_b_officer,
            community=None,
            title="x",
            description="y",
            source="diary",
            diary_entry_id=entry.pk,
        )


def test_a_refused_meeting_comes_back_with_what_was_written(world):
    """Too few attendees is the service's refusal: said above the form, which keeps the place, the attendees and
    the decision as typed — it used to redirect, and they were gone."""
    topic = services.topic_create(
        actor=world.community_officer, community=world.community, title="车棚", description="充电难"
    )
    client = Client()
    client.force_login(world.community_officer)
    body = {
        "form": "meeting",
        "meeting-format": "evening_talk",
        "meeting-held_at": "2026-11-18T19:30",
        "meeting-place": "党群服务中心二楼会议室",
        "meeting-attendees": "赵居民,钱居民",
        "meeting-decision_mode": "consensus",
        "meeting-decision": "在3号楼西侧空地加装电动车充电棚，由物业负责施工",
    }
    response = client.post(f"/party/topics/{topic.pk}/", body)
    html = response.content.decode()
    assert response.status_code == 400  # the page again with the refusal's status, not a redirect
    assert "党群服务中心二楼会议室" in html and "在3号楼西侧空地加装电动车充电棚，由物业负责施工" in html
    assert "赵居民,钱居民" in html
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not topic.meetings.exists()
