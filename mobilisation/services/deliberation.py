"""居民议事: a topic (from a case, a diary entry or on its own) is put to a meeting; the decision's follow-ups become
cases (through the cases service) or service tasks; the decided topic is published without personal data."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from core.stored_text import kept
from governance.models import Category, Region, User

from ..choices import DecisionMode, FollowUpKind, MeetingFormat, TopicSource, TopicStatus
from ..models import FollowUp, Meeting, MeetingOption, Topic
from ..permissions import manages_community
from ..selectors import place_q
from .events import record
from .tasks import task_create


@transaction.atomic
def topic_create(
    *,
    actor: User,
    community: Region | None,
    title: str,
    description: str,
    source: str = TopicSource.OWN,
    case_id: int | None = None,
    diary_entry_id: int | None = None,
    now: datetime | None = None,
) -> Topic:
    now = now or timezone.now()
    case = None
    if source == TopicSource.CASE:
        from cases.selectors import case_get_for

        if not case_id:
            raise InvalidInput(_("请填写来源事件"), code="case")
        case = case_get_for(actor, int(case_id))  # NotFound outside the actor's scope
        community = case.community
    elif source == TopicSource.DIARY:
        from residents.selectors import diary_visible_to

        if not diary_entry_id or int(diary_entry_id) <= 0:
            raise InvalidInput(_("请填写来源民情日记编号"), code="diary")
        entry = diary_visible_to(user=actor).filter(pk=int(diary_entry_id)).first()
        if entry is None:
            raise NotFound(_("民情日记不存在"))
        community = entry.grid.community
    elif source != TopicSource.OWN:
        raise InvalidInput(_("未知的议题来源"), code="source")
    if community is None or community.level != "community":
        raise InvalidInput(_("请选择社区"), code="community")
    if not manages_community(actor, community):
        raise Forbidden(_("只有社区或街道工作人员可以提出议题"), code="forbidden")
    if not (title or "").strip() or not (description or "").strip():
        raise InvalidInput(_("议题和背景都必须填写"), code="required")
    topic = Topic.objects.create(
        community=community,
        title=title.strip()[:200],
        description=description.strip(),
        source=source,
        case=case,
        diary_entry_id=int(diary_entry_id) if source == TopicSource.DIARY else None,
        created_by=actor,
        created_at=now,
    )
    record(
        subject="topic",
        object_id=topic.pk,
        community_id=community.pk,
        action="create",
        actor=actor,
        data={"source": source},
        at=now,
    )
    return topic


def _locked_topic(actor, topic_id: int) -> Topic:
    topic = (
        Topic.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(place_q(actor))
        .filter(pk=topic_id)
        .first()
    )
    if topic is None:
        raise NotFound(_("议题不存在"))
    if not manages_community(actor, topic.community):
        raise Forbidden(_("只有社区或街道工作人员可以操作议题"), code="forbidden")
    return topic


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    topic_id: int,
    format: str,
    held_at: datetime | None,
    place: str,
    attendees: list[str],
    decision_mode: str,
    options: list[tuple[str, int]],
    decision: str,
    now: datetime | None = None,
) -> Meeting:
    """Record a meeting on an open topic and its decision.

    Votes: at least two options with their votes; the option with the most votes is chosen (a tie is refused —
    hold another round or reach a consensus). Consensus: the options are optional, the decision is required.
    The topic becomes decided.
    """
    now = now or timezone.now()
    topic = _locked_topic(actor, topic_id)
    if topic.status != TopicStatus.OPEN:
        raise NotAllowed(_("该议题已议决"), code="state")
    if format not in MeetingFormat.values:
        raise InvalidInput(_("请选择议事形式"), code="format")
    if decision_mode not in DecisionMode.values:
        raise InvalidInput(_("请选择议决方式"), code="decision_mode")
    attendees = [a.strip()[:50] for a in attendees if a and a.strip()]
    if held_at is None or not (place or "").strip() or len(attendees) < 3:
        raise InvalidInput(_("须填写时间、地点和至少3名参会人员"), code="required")
    if not (decision or "").strip():
        raise InvalidInput(_("请填写议定事项"), code="decision")
    options = [(t.strip()[:200], int(v)) for t, v in options if t and t.strip()]
    if any(v < 0 for _t, v in options):
        raise InvalidInput(_("票数不能为负数"), code="votes")
    chosen = None
    if decision_mode == DecisionMode.VOTE:
        if len(options) < 2:
            raise InvalidInput(_("投票表决至少需要两个方案"), code="options")
        if sum(v for _t, v in options) > len(attendees):
            raise InvalidInput(_("总票数不能超过参会人数"), code="votes")
        top = max(v for _t, v in options)
        if [v for _t, v in options].count(top) > 1:
            raise InvalidInput(_("得票最多的方案并列，请再次表决或协商一致"), code="tie")
        chosen = next(i for i, (_t, v) in enumerate(options) if v == top)
    meeting = Meeting.objects.create(
        topic=topic,
        format=format,
        held_at=held_at,
        place=place.strip()[:200],
        attendees=attendees,
        decision_mode=decision_mode,
        decision=decision.strip(),
        recorded_by=actor,
    )
    MeetingOption.objects.bulk_create(
        MeetingOption(
            meeting=meeting, text=t, votes=v if decision_mode == DecisionMode.VOTE else 0, chosen=(i == chosen)
        )
        for i, (t, v) in enumerate(options)
    )
    topic.status = TopicStatus.DECIDED
    topic.save(update_fields=["status"])
    record(
        subject="meeting",
        object_id=meeting.pk,
        community_id=topic.community_id,
        action="record",
        actor=actor,
        data={"topic": topic.pk, "mode": decision_mode, "attendees": len(attendees), "options": options},
        at=now,
    )
    return meeting


@transaction.atomic
def followup_create(
    *,
    actor: User,
    meeting_id: int,
    title: str,
    kind: str,
    category: Category | None = None,
    address: str = "",
    task_type: str = "",
    starts_at: datetime | None = None,
    now: datetime | None = None,
) -> FollowUp:
    """A follow-up of a meeting's decision becomes a case (``cases.services.case_file``, at the topic's community)
    or a service task of the community."""
    now = now or timezone.now()
    meeting = Meeting.objects.select_related("topic__community").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound(_("议事会不存在"))
    topic = _locked_topic(actor, meeting.topic_id)
    if not (title or "").strip():
        raise InvalidInput(_("请填写跟进事项"), code="title")
    case = task = None
    if kind == FollowUpKind.CASE:
        from cases.choices import Channel
        from cases.services import case_file

        case = case_file(
            actor=actor,
            category=category,
            title=title.strip(),
            description=kept("居民议事“%(topic)s”议定：%(decision)s")
            % {"topic": topic.title, "decision": meeting.decision},
            address=address or topic.community.name,
            channel=Channel.WALK_IN,
            community=topic.community,
            now=now,
        )
    elif kind == FollowUpKind.SERVICE_TASK:
        task = task_create(
            actor=actor,
            community=topic.community,
            title=title,
            task_type=task_type,
            place=address,
            starts_at=starts_at,
            description=meeting.decision,
            source_meeting=meeting,
            now=now,
        )
    else:
        raise InvalidInput(_("请选择落实方式"), code="kind")
    follow_up = FollowUp.objects.create(
        meeting=meeting, title=title.strip()[:200], kind=kind, case=case, service_task=task
    )
    record(
        subject="meeting",
        object_id=meeting.pk,
        community_id=topic.community_id,
        action="follow_up",
        actor=actor,
        data={"kind": kind, "case": case.pk if case else None, "task": task.pk if task else None},
        at=now,
    )
    return follow_up


@transaction.atomic
def topic_publish(*, actor: User, topic_id: int, now: datetime | None = None) -> Topic:
    """Publish a decided topic to the community's residents (the public page shows no names)."""
    now = now or timezone.now()
    topic = _locked_topic(actor, topic_id)
    if topic.status != TopicStatus.DECIDED:
        raise NotAllowed(_("只有已议决的议题可以公开"), code="state")
    topic.status, topic.published_at = TopicStatus.PUBLISHED, now
    topic.save(update_fields=["status", "published_at"])
    record(subject="topic", object_id=topic.pk, community_id=topic.community_id, action="publish", actor=actor, at=now)
    return topic
