"""The demo's whistles: a finished story, a whistle waiting for report-in, a case that climbs in minutes; idempotent."""

from __future__ import annotations

from datetime import timedelta

from cases.models import Case
from demo import escalation as demo
from escalation.choices import SummonsStatus
from escalation.models import Summons, Whistle
from escalation.services.sweep import sweep
from tests.cases.helpers import at

NOW = at(2026, 11, 19, 15)


def test_demo_builds_its_whistles_once_and_the_live_ones_go_overdue_within_minutes(world):
    demo.build(now=NOW)
    finished = Case.objects.get(title=demo.FINISHED_TITLE)
    assert finished.status == "closed" and finished.ratings.get(latest=True).result == "basic"
    assert set(Summons.objects.filter(case=finished).values_list("status", flat=True)) == {SummonsStatus.DONE}
    assert Summons.objects.get(case=finished, department__code="zj").reported_late is True

    waiting = Summons.objects.filter(case__title=demo.WAITING_TITLE)
    assert waiting.count() == 2 and {s.status for s in waiting} == {SummonsStatus.SUMMONED}
    assert {s.report_in_due_at for s in waiting} == {NOW + timedelta(minutes=demo.DEMO_REPORT_IN_MINUTES)}
    ladder = Case.objects.get(title=demo.LADDER_TITLE)
    assert (ladder.level, ladder.due_at) == ("grid", NOW + timedelta(minutes=demo.LADDER_MINUTES))

    counts = (Case.objects.count(), Whistle.objects.count(), Summons.objects.count())
    demo.build(now=NOW + timedelta(minutes=1))
    assert (Case.objects.count(), Whistle.objects.count(), Summons.objects.count()) == counts

    # A few minutes later the sweep has put the waiting summonses under supervision and the case has climbed.
    result = sweep(now=NOW + timedelta(minutes=demo.DEMO_REPORT_IN_MINUTES + 1))
    assert result["summons_escalate_overdue"] == 2 and result["escalated"] >= 1
    ladder.refresh_from_db()
    assert ladder.level == "community"

    # The next start-up adds nothing: the demo finds its cases by title, not by the state the sweep moved them to.
    counts = (Case.objects.count(), Whistle.objects.count(), Summons.objects.count())
    demo.build(now=NOW + timedelta(minutes=30))
    assert (Case.objects.count(), Whistle.objects.count(), Summons.objects.count()) == counts
    assert Case.objects.filter(title__in=[demo.FINISHED_TITLE, demo.WAITING_TITLE, demo.LADDER_TITLE]).count() == 3
