"""Notices for case events (who hears about what), "once each", and email through the outbox."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from smtplib import SMTPException

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cases.models import CaseEvent
from cases.services import case_escalate_overdue_batch, case_rate_by_citizen, case_transition
from escalation import tasks
from escalation.choices import DeliveryStatus, NoticeKind
from escalation.models import Notice
from escalation.notice_text import localize
from escalation.services.notices import NoticeSpec, centre, notices_write
from escalation.services.outbox import LEASE, MAX_ATTEMPTS, _claim, backoff, notices_send_pending
from escalation.services.sweep import sweep
from tests.cases.helpers import at, file_case, photo

pytestmark = pytest.mark.django_db

T0 = at(2026, 11, 16, 9, 0)  # Monday morning
GRID_TEAM = {"wangge01", "wanggezhang01", "jianzhi01"}


def told(case, kind=None) -> set[str]:
    qs = Notice.objects.filter(case=case)
    if kind:
        qs = qs.filter(kind=kind)
    names = list(qs.values_list("recipient__username", flat=True))
    assert len(names) == len(set(names)), f"someone was told twice: {Counter(names)}"
    return set(names)


def street_case(world, code="0202", now=T0):
    case = file_case(world, code=code, now=now, title="违法搭建", description="楼顶违法搭建")
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=now)
    return case


def dispatched_to(world, case, *codes, now=T0):
    ids = [world.departments[c].id for c in codes]
    return case_transition(case_id=case.id, action="dispatch", actor=world.street_officer, now=now, departments=ids)


# --- who hears about what ----------------------------------------------------------------------------------


def test_manual_escalation_tells_the_grid_team_and_the_community_centre_but_not_the_one_who_escalated(world):
    case = file_case(world, code="0101", now=T0)
    case_transition(case_id=case.id, action="escalate", actor=world.grid_worker, note="需要社区协调", now=T0)
    assert told(case, NoticeKind.ESCALATED) == (GRID_TEAM - {"wangge01"}) | {"shequ01"}
    notice = Notice.objects.get(case=case, recipient=world.community_officer)
    assert "上报至社区" in notice.title and notice.body == "需要社区协调"
    assert notice.url == f"/cases/{case.id}/"


def test_dispatch_tells_the_liaisons_of_each_department_only(world):
    case = street_case(world)
    dispatched_to(world, case, "cgzf", "zj")
    assert told(case, NoticeKind.DISPATCHED) == {"chengguan01", "zhujian01"}


def test_dispatch_to_the_grid_tells_the_grid_team(world):
    case = file_case(world, code="0101", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.community_officer, now=T0)
    case_transition(case_id=case.id, action="dispatch", actor=world.community_officer, now=T0, to_grid=True)
    assert told(case, NoticeKind.DISPATCHED) == GRID_TEAM


def test_overdue_escalation_from_departments_tells_their_liaisons_and_both_centres(world):
    case = street_case(world)
    dispatched_to(world, case, "cgzf")
    case_transition(case_id=case.id, action="sign", actor=world.liaison, now=T0)
    case.refresh_from_db()
    counts = sweep(now=case.due_at + timedelta(minutes=1))
    assert counts["escalated"] == 1
    event = CaseEvent.objects.get(case=case, action="escalate")
    assert event.data["from_handler"] == {
        "kind": "departments",
        "region": world.street.id,
        "departments": [world.departments["cgzf"].id],
    }
    assert told(case, NoticeKind.ESCALATED) == {"jiedao01", "jiedao02", "chengguan01", "qu01"}


def test_the_resume_tells_the_department_holding_the_case_its_moved_due_time(world):
    """The department asked for a hold and the street approved it (it heard that); when the street resumes the case,
    the department hears that its clock runs again, to the due time moved on by the held time."""
    case = street_case(world)
    dispatched_to(world, case, "cgzf")
    case_transition(case_id=case.id, action="sign", actor=world.liaison, now=T0)
    until = (T0 + timedelta(days=3)).isoformat()
    case_transition(
        case_id=case.id, action="hold_request", actor=world.liaison, note="等待资金批复", now=T0, hold_until=until
    )
    case_transition(case_id=case.id, action="hold_approve", actor=world.street_officer, now=T0)
    case.refresh_from_db()
    due_before = case.due_at

    case_transition(case_id=case.id, action="resume", actor=world.street_officer, now=T0 + timedelta(days=1))
    case.refresh_from_db()
    resumed = Notice.objects.get(case=case, title__contains="恢复办理")
    assert resumed.recipient == world.liaison  # the holder, not the street officer who resumed it
    due = timezone.localtime(case.due_at).strftime("%m-%d %H:%M")
    assert resumed.title.endswith(f"办理时限顺延至{due}")
    with translation.override("en"):
        assert localize(resumed.title).endswith(f"is being handled again: the due time moves on to {due}")
    assert case.due_at > due_before  # the due time the notice names is the moved one


def test_a_return_tells_the_dispatching_centre(world):
    case = street_case(world, code="0204")
    dispatched_to(world, case, "scjg")
    case_transition(
        case_id=case.id,
        action="return_request",
        actor=world.liaison_scjg,
        note="油烟归生态环境",
        reason="not_in_remit",
        now=T0,
    )
    assert told(case, NoticeKind.RETURNED) == {"jiedao01", "jiedao02"}
    assert "不属本单位职责" in Notice.objects.filter(case=case, kind=NoticeKind.RETURNED).first().title
    # the street accepts the return: the department hears it, the other street officer too
    case_transition(case_id=case.id, action="return", actor=world.street_officer, now=T0)
    latest = Notice.objects.filter(case=case, kind=NoticeKind.RETURNED).order_by("-id")
    assert {n.recipient.username for n in latest if "已退回" in n.title} == {"shijian01", "jiedao02"}


def test_resolve_asks_the_grid_team_to_verify_and_a_failed_verification_goes_back_to_the_handler(world):
    case = street_case(world)
    dispatched_to(world, case, "cgzf")
    case_transition(case_id=case.id, action="sign", actor=world.liaison, now=T0)
    case_transition(case_id=case.id, action="resolve", actor=world.liaison, note="已拆除", files=[photo()], now=T0)
    assert told(case, NoticeKind.RESOLVED) == GRID_TEAM

    case_transition(case_id=case.id, action="verify_failed", actor=world.grid_worker, note="未拆干净", now=T0)
    rework = Notice.objects.filter(case=case, kind=NoticeKind.OTHER, title__contains="返工")
    assert set(rework.values_list("recipient__username", flat=True)) == {"chengguan01"}


def test_self_handled_case_asks_the_community_centre_to_verify(world):
    case = file_case(world, code="0101", now=T0)
    case_transition(
        case_id=case.id, action="self_handle", actor=world.grid_worker, note="已清理", files=[photo()], now=T0
    )
    assert told(case, NoticeKind.RESOLVED) == {"shequ01"}


def test_an_unsatisfied_rating_and_the_reopen_tell_the_handling_centre(world):
    case = street_case(world)
    dispatched_to(world, case, "cgzf")
    case_transition(case_id=case.id, action="sign", actor=world.liaison, now=T0)
    case_transition(case_id=case.id, action="resolve", actor=world.liaison, note="已拆除", files=[photo()], now=T0)
    case_transition(case_id=case.id, action="verify_ok", actor=world.grid_worker, now=T0)
    case.refresh_from_db()
    case_rate_by_citizen(token=case.follow_up_token, result="unsatisfied", comment="没拆完", now=T0)
    assert told(case, NoticeKind.RATED) == {"jiedao01", "jiedao02"}
    reopened = Notice.objects.filter(case=case, title__contains="重办")
    assert {"jiedao01", "jiedao02"} <= set(reopened.values_list("recipient__username", flat=True))


def test_a_satisfied_rating_tells_nobody(world):
    case = file_case(world, code="0101", now=T0)
    case_transition(case_id=case.id, action="self_handle", actor=world.grid_worker, note="ok", files=[photo()], now=T0)
    case_transition(case_id=case.id, action="verify_ok", actor=world.community_officer, now=T0)
    before = Notice.objects.count()
    case.refresh_from_db()
    case_rate_by_citizen(token=case.follow_up_token, result="satisfied", now=T0)
    assert Notice.objects.count() == before


# --- once each, set-wise ----------------------------------------------------------------------------------


def test_a_keyed_notice_written_again_adds_nothing_and_event_notices_are_unkeyed(world):
    case = file_case(world, code="0101", now=T0)
    case_transition(case_id=case.id, action="escalate", actor=world.grid_worker, note="协调", now=T0)
    # An event is announced once, by its own transaction: its notices need no key (nor the conflict check).
    assert set(Notice.objects.filter(case=case).values_list("dedupe_key", flat=True)) == {None}
    spec = NoticeSpec(kind=NoticeKind.OTHER, title="黄灯", targets=[centre(world.community.id)], dedupe_key="once")
    first = notices_write(specs=[spec], now=T0)
    notices_write(specs=[spec, spec], now=T0)
    assert first == 1
    assert Notice.objects.filter(dedupe_key="once").count() == 1


def test_users_without_an_email_address_still_get_the_notice_in_their_inbox(world):
    world.community_officer.email = ""
    world.community_officer.save()
    case = file_case(world, code="0101", now=T0)
    case_transition(case_id=case.id, action="escalate", actor=world.grid_worker, note="协调", now=T0)
    notice = Notice.objects.get(case=case, recipient=world.community_officer)
    assert notice.email_status == DeliveryStatus.SKIPPED
    assert notices_send_pending(now=T0)["sent"] == 2  # the two grid colleagues
    notice.refresh_from_db()
    assert notice.email_status == DeliveryStatus.SKIPPED


def _overdue_cases(world, n: int):
    cases = [file_case(world, code="0101", now=T0, title=f"垃圾{i}") for i in range(n)]
    return cases, cases[0].due_at + timedelta(minutes=1)


def test_a_sweep_batch_costs_the_same_number_of_queries_for_2_or_12_cases(world):
    _cases, later = _overdue_cases(world, 15)
    # warm-up: the rules and webhook subscriptions are cached after their first read in a process
    assert case_escalate_overdue_batch(now=later, batch_size=1)["escalated"] == 1
    with CaptureQueriesContext(connection) as small:
        assert case_escalate_overdue_batch(now=later, batch_size=2)["escalated"] == 2
    with CaptureQueriesContext(connection) as large:
        assert case_escalate_overdue_batch(now=later, batch_size=12)["escalated"] == 12
    assert len(large.captured_queries) == len(small.captured_queries)
    assert Notice.objects.filter(kind=NoticeKind.ESCALATED).count() == 15 * 4  # grid team (3) + community centre


# --- email: the outbox --------------------------------------------------------------------------------------


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything (what a down SMTP relay looks like to Django)."""

    def send_messages(self, email_messages):
        raise SMTPException("421 service not available")


def test_email_leaves_after_commit_one_message_per_notice(world, django_capture_on_commit_callbacks):
    case = file_case(world, code="0101", now=T0)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        case_transition(case_id=case.id, action="escalate", actor=world.grid_worker, note="协调", now=T0)
    assert len(callbacks) == 1  # one delivery task per transaction, however many notices
    assert sorted(m.to[0] for m in mail.outbox) == [
        "jianzhi01@example.cn",
        "shequ01@example.cn",
        "wanggezhang01@example.cn",
    ]
    message = next(m for m in mail.outbox if m.to == ["shequ01@example.cn"])
    assert case.number in message.subject
    assert f"/cases/{case.id}/" in message.body
    assert set(Notice.objects.filter(case=case).values_list("email_status", flat=True)) == {DeliveryStatus.SENT}


def test_a_rolled_back_change_leaves_no_notice_and_sends_nothing(world, django_capture_on_commit_callbacks):
    case = file_case(world, code="0101", now=T0)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            case_transition(case_id=case.id, action="escalate", actor=world.grid_worker, note="协调", now=T0)
            raise RuntimeError("boom")
    assert Notice.objects.filter(case=case).count() == 0
    assert mail.outbox == []


def _pending(world, n=1, key="k"):
    notices_write(
        specs=[
            NoticeSpec(
                kind=NoticeKind.OTHER, title=f"测试{i}", targets=[centre(world.community.id)], dedupe_key=f"{key}{i}"
            )
            for i in range(n)
        ],
        now=T0,
    )
    return Notice.objects.filter(dedupe_key__startswith=key).order_by("id")


def test_a_failed_send_backs_off_1_2_4_minutes_then_gives_up(world, settings):
    settings.EMAIL_BACKEND = "tests.escalation.test_notices.FailingBackend"
    notice = _pending(world).get()
    now = T0
    for attempt in range(1, MAX_ATTEMPTS + 1):
        counts = notices_send_pending(now=now)
        notice.refresh_from_db()
        assert notice.attempts == attempt
        assert "421" in notice.last_error
        if attempt < MAX_ATTEMPTS:
            assert counts == {"sent": 0, "failed": 0, "retry": 1, "skipped": 0}
            assert notice.email_status == DeliveryStatus.PENDING
            assert notice.next_attempt_at == now + backoff(attempt)
            assert notices_send_pending(now=now + backoff(attempt) - timedelta(seconds=1))["retry"] == 0  # not yet
            now = notice.next_attempt_at
        else:
            assert counts["failed"] == 1
            assert notice.email_status == DeliveryStatus.FAILED
    assert [backoff(a) for a in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(30) == timedelta(minutes=60)  # capped
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notices_send_pending(now=now + timedelta(days=1))["sent"] == 0  # given up stays given up


def test_the_beat_task_sends_what_is_pending_and_due_after_a_lost_message(world, settings):
    settings.EMAIL_BACKEND = "tests.escalation.test_notices.FailingBackend"
    notice = _pending(world).get()
    notices_send_pending(now=T0)  # the first try fails: next try in a minute
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    notice.refresh_from_db()
    assert notice.next_attempt_at > T0
    tasks.send_pending_notices.delay()  # beat, later (real time is past the back-off)
    notice.refresh_from_db()
    assert notice.email_status == DeliveryStatus.SENT and notice.attempts == 2 and notice.last_error == ""
    assert [m.to for m in mail.outbox] == [["shequ01@example.cn"]]


def test_a_notice_being_sent_by_one_worker_is_not_taken_by_another(world):
    notices = _pending(world, n=3)
    first = _claim(T0, 2, None)
    assert len(first) == 2
    second = _claim(T0, 10, None)
    assert set(second) == set(notices.values_list("id", flat=True)) - set(first)
    assert _claim(T0 + LEASE + timedelta(seconds=1), 10, None) != []  # a crashed sender's rows come back
