"""A whistled case on hold (挂账): the summonses' clocks pause with the case's (DESIGN §4: "the clock pauses from
approval"; §5: "time on hold does not count"). While held, no summons is overdue and the sweep puts nothing under
district supervision for it; on resume, the report-in and response times still ahead when the hold began move on by
the held time, as the case's own due times do."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import translation

from cases.choices import Status
from cases.services import case_transition
from escalation.choices import NoticeKind, SummonsStatus
from escalation.models import Notice, Summons, Supervision
from escalation.notice_text import localize
from escalation.services.sweep import sweep
from escalation.services.whistles import summons_escalate_overdue_batch, summons_report_in
from tests.cases.helpers import at

from .whistle_helpers import T0, whistled_case

pytestmark = pytest.mark.django_db

HELD_AT = T0 + timedelta(minutes=5)  # Wednesday 10:05, 25 minutes before the report-in time (10:30)
RESUMED_AT = at(2026, 11, 19, 10)  # Thursday 10:00


def _held_whistled_case(world):
    case, _whistle, summonses = whistled_case(world)
    case_transition(case_id=case.id, action="hold", actor=world.street_officer, note="等待资金批复", now=HELD_AT)
    case.refresh_from_db()
    assert case.status == Status.ON_HOLD
    return case, summonses


def test_no_summons_of_a_held_case_is_supervised_while_the_hold_lasts(world):
    case, _summonses = _held_whistled_case(world)

    assert summons_escalate_overdue_batch(now=T0 + timedelta(minutes=31)) == 0
    assert summons_escalate_overdue_batch(now=at(2026, 11, 25, 10)) == 0  # a week on, past the response time too

    assert not Supervision.objects.exists()
    assert not case.events.filter(action="supervise").exists()
    assert not Notice.objects.filter(kind=NoticeKind.SUMMONS_OVERDUE).exists()
    case.refresh_from_db()
    assert case.supervised_at is None
    assert set(Summons.objects.values_list("overdue_at", flat=True)) == {None}


def test_on_resume_the_summons_clocks_move_on_by_the_held_time(world):
    case, summonses = _held_whistled_case(world)
    summons_report_in(summons_id=summonses["cgzf"].id, actor=world.liaison, now=T0 + timedelta(minutes=2))
    before = {s.pk: (s.report_in_due_at, s.respond_due_at) for s in Summons.objects.all()}

    case_transition(case_id=case.id, action="resume", actor=world.street_officer, now=RESUMED_AT)

    zj = Summons.objects.get(pk=summonses["zj"].id)
    cg = Summons.objects.get(pk=summonses["cgzf"].id)
    # 住建 had 25 minutes left to report in when the hold began: it has them again from the resume.
    assert zj.report_in_due_at == RESUMED_AT + timedelta(minutes=25)
    # The response time (1 working day from Wednesday 10:00, Thursday 10:00) had 6 h 55 min of working time left
    # at 10:05 on Wednesday: from Thursday 10:00 that ends on Friday 09:55 (08:30 + 1 h 25 min).
    assert zj.respond_due_at == at(2026, 11, 20, 9, 55)
    assert cg.respond_due_at == at(2026, 11, 20, 9, 55)
    assert cg.report_in_due_at == before[cg.pk][0]  # reported in before the hold: that clock had stopped already

    assert summons_escalate_overdue_batch(now=RESUMED_AT + timedelta(minutes=24)) == 0
    assert summons_escalate_overdue_batch(now=RESUMED_AT + timedelta(minutes=26)) == 1  # 住建, late to report in
    assert Supervision.objects.get().summons_id == zj.pk


def test_the_summoned_departments_hear_of_the_hold_and_of_their_moved_deadlines_on_resume(world):
    """Their inbox stops counting down while the case is held: the liaisons are told why, and on resume each hears
    its own new deadline — 住建 its report-in time, 城管 (reported in) its response time."""
    case, summonses = _held_whistled_case(world)  # the hold began before either department reported in
    zj_liaisons = set(world.departments["zj"].liaisons.values_list("username", flat=True))
    paused = Notice.objects.filter(case=case, title__contains="已挂账", kind=NoticeKind.WHISTLE)
    assert {n.summons_id for n in paused} == {summonses["zj"].id, summonses["cgzf"].id}
    assert {n.recipient.username for n in paused if n.summons_id == summonses["zj"].id} == zj_liaisons
    assert all("暂停计时" in n.title for n in paused)
    summons_report_in(summons_id=summonses["cgzf"].id, actor=world.liaison, now=HELD_AT + timedelta(minutes=1))

    case_transition(case_id=case.id, action="resume", actor=world.street_officer, now=RESUMED_AT)

    moved = {n.summons_id: n.title for n in Notice.objects.filter(case=case, title__contains="恢复办理，")}
    assert moved[summonses["zj"].id].endswith("报到时限顺延至11-19 10:25")
    assert moved[summonses["cgzf"].id].endswith("反馈时限顺延至11-20 09:55")
    with translation.override("en"):  # stored as written, read in the reader's language
        assert localize(moved[summonses["zj"].id]) == (
            f"[Resumed] {case.number} is being handled again: your report-in time moves on to 11-19 10:25"
        )
        assert localize(paused[0].title).startswith(f"[On hold] {case.number} is on hold")


def test_a_summons_already_late_when_the_hold_began_is_still_late_after_it(world):
    case, _whistle, _summonses = whistled_case(world, codes=("zj",))
    late_hold = T0 + timedelta(minutes=30, seconds=30)  # report-in time passed, the sweep not yet run
    case_transition(case_id=case.id, action="hold", actor=world.street_officer, note="等待资金批复", now=late_hold)
    assert sweep(now=T0 + timedelta(minutes=31))["summons_escalate_overdue"] == 0
    zj = Summons.objects.get()
    due = zj.report_in_due_at

    case_transition(case_id=case.id, action="resume", actor=world.street_officer, now=RESUMED_AT)

    zj.refresh_from_db()
    assert zj.report_in_due_at == due  # its clock had run out before the hold: nothing to pause
    assert zj.status == SummonsStatus.SUMMONED
    assert summons_escalate_overdue_batch(now=RESUMED_AT + timedelta(minutes=1)) == 1


def test_the_inbox_and_the_summons_page_show_the_clocks_paused_not_red(world, web):
    """Days into the hold, past both clocks: the liaison's inbox and the summons page say the clocks are paused — no
    red countdown for a time the sweep no longer counts — and the API gives no clock and no light."""
    import time_machine

    _case, summonses = _held_whistled_case(world)
    client = web("liaison")
    with time_machine.travel(at(2026, 11, 25, 10), tick=False):
        inbox = client.get("/inbox/").content.decode()
        page = client.get(f"/inbox/summons/{summonses['cgzf'].pk}/").content.decode()
        api = client.get(f"/api/v1/summonses/{summonses['cgzf'].pk}/").json()
    card = inbox.split(f'id="summons-{summonses["cgzf"].pk}-title"', 1)[1].split("</article>", 1)[0]
    for html in (card, page):
        assert "data-paused" in html and "countdown--red" not in html
    assert api["countdowns"] == [] and api["light"] == ""


def test_a_response_time_stored_beyond_the_horizon_is_clamped_and_the_case_then_resumes(world):
    """A summons approved to 9999 before due times were bounded: escalation 0006 brings a waiting summons' clocks
    back to the horizon (now + ``MAX_DUE_HORIZON_DAYS``), so the resume can move them on; a clock within it, or a
    summons no longer waiting, is left as it was."""
    import importlib

    from django.apps import apps

    case, summonses = _held_whistled_case(world)
    far = at(9999, 12, 31, 10)
    zj_id, cg_id = summonses["zj"].id, summonses["cgzf"].id
    report_in_due = Summons.objects.get(pk=zj_id).report_in_due_at
    Summons.objects.filter(pk=zj_id).update(respond_due_at=far)
    Summons.objects.filter(pk=cg_id).update(status=SummonsStatus.DONE, respond_due_at=far)

    with time_machine.travel(at(2026, 11, 19, 9), tick=False):
        importlib.import_module("escalation.migrations.0006_clamp_summons_due_times").clamp(apps, None)
    horizon = at(2026, 11, 19, 9) + timedelta(days=366)
    zj = Summons.objects.get(pk=zj_id)
    assert (zj.report_in_due_at, zj.respond_due_at) == (report_in_due, horizon)
    assert Summons.objects.get(pk=cg_id).respond_due_at == far  # the record of a finished summons stays

    case_transition(case_id=case.id, action="resume", actor=world.street_officer, now=RESUMED_AT)
    zj.refresh_from_db()
    assert horizon < zj.respond_due_at < horizon + timedelta(days=10)
