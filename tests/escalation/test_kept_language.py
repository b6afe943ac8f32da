"""Texts kept in the database — notices, a record's actor and role, the notes the system writes — are written in the
site's language whoever's request wrote them, and shown in each reader's through ``localize``. An English liaison's
report-in used to be kept as "城管执法 reported in（…）", which a Chinese street officer then read in English.

The oracle: every flow below runs with English active (as an English user's request runs); the demo's data (names,
titles, typed notes) is Chinese, so once the case numbers are taken out no Latin letter may be left in what was kept.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import translation

from cases.models import CaseEvent
from cases.services import case_rate_by_citizen, case_transition
from cases.services.records import SYSTEM
from cases.views.display import event_facts
from escalation.models import Notice
from escalation.notice_text import localize
from tests.cases.helpers import file_case, photo

from .test_notice_language import _whistle_life
from .whistle_helpers import T0

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"[A-Z]{2,}-\d{4}-\d+")
LATIN = re.compile(r"[A-Za-z]")


def _case_life(world):
    """A case through the street's paths: dispatch, 退单, a second dispatch, extension, hold, resolve, rework,
    verification, an unsatisfied rating (重办), and a grid worker's own escalation of another case."""
    officer, liaison = world.street_officer, world.liaison
    now = T0
    case = file_case(world, code="0202", now=now, title="违法搭建", description="楼顶违法搭建")
    case_transition(case_id=case.id, action="accept", actor=officer, now=now)
    dispatch = {"departments": [world.departments["scjg"].id]}
    case_transition(case_id=case.id, action="dispatch", actor=officer, now=now, **dispatch)
    case_transition(case_id=case.id, action="return_request", actor=world.liaison_scjg, note="不归本部门",
                    reason="not_in_remit", now=now)  # fmt: skip
    case_transition(case_id=case.id, action="return", actor=officer, now=now)
    case_transition(case_id=case.id, action="dispatch", actor=officer, now=now,
                    departments=[world.departments["cgzf"].id])  # fmt: skip
    case_transition(case_id=case.id, action="sign", actor=liaison, now=now)
    case.refresh_from_db()
    case_transition(case_id=case.id, action="extension_request", actor=liaison, note="材料未到",
                    requested_due_at=case.due_at + timedelta(days=3), now=now)  # fmt: skip
    case_transition(case_id=case.id, action="extension_approve", actor=officer, now=now)
    case_transition(case_id=case.id, action="hold_request", actor=liaison, note="等待资金批复", now=now,
                    hold_until=(now + timedelta(days=3)).isoformat())  # fmt: skip
    case_transition(case_id=case.id, action="hold_approve", actor=officer, now=now)
    case_transition(case_id=case.id, action="resume", actor=officer, now=now + timedelta(days=1))
    later = now + timedelta(days=1, hours=1)
    case_transition(case_id=case.id, action="resolve", actor=liaison, note="已拆除", files=[photo()], now=later)
    case_transition(case_id=case.id, action="verify_failed", actor=world.grid_worker, note="未拆干净", now=later)
    case_transition(case_id=case.id, action="resolve", actor=liaison, note="已拆净", files=[photo()], now=later)
    case_transition(case_id=case.id, action="verify_ok", actor=world.grid_worker, now=later)
    case.refresh_from_db()
    case_rate_by_citizen(token=case.follow_up_token, result="unsatisfied", comment="没拆完", now=later)
    other = file_case(world, code="0101", now=now)
    case_transition(case_id=other.id, action="escalate", actor=world.grid_worker, note="需要社区协调", now=now)
    return [case, other]


def _kept_texts(cases) -> dict[str, str]:
    """Each kept text with the case numbers taken out."""
    texts = [t for n in Notice.objects.filter(case__in=cases) for t in (n.title, n.body)]
    for e in CaseEvent.objects.filter(case__in=cases):
        texts += [e.actor_name if e.actor_name != SYSTEM else "", e.actor_role, e.note]  # SYSTEM: a marker, not a text
    return {t: NUMBER.sub("", t) for t in texts if t}


@pytest.mark.parametrize("life", [_case_life, _whistle_life], ids=["case", "whistle"])
def test_what_an_english_request_keeps_is_written_in_the_sites_language(world, life):
    with translation.override("en"):
        made = life(world)
    cases = made if isinstance(made, list) else [made[0]]
    kept = _kept_texts(cases)
    assert len(kept) >= 15  # the flows wrote their notices and records
    english = {text for text, bare in kept.items() if LATIN.search(bare)}
    assert english == set()


def test_a_dispatch_to_a_centre_is_kept_once_and_read_in_each_language(world):
    """The targets of a dispatch are kept with the event (the timeline's 派往, the hotline's callback): a centre as
    "雄关社区综治中心" even when an English officer dispatched, and each reader sees it in their own language."""
    case = file_case(world, code="0101", now=T0)
    case_transition(case_id=case.id, action="accept", actor=world.street_officer, now=T0)
    with translation.override("en"):
        case_transition(case_id=case.id, action="dispatch", actor=world.street_officer, region=world.community.id,
                        now=T0)  # fmt: skip
    event = case.events.get(action="dispatch")
    assert event.data["targets"] == [f"{world.community.name}综治中心"]
    assert f"派往：{world.community.name}综治中心" in event_facts(event)
    with translation.override("en"):
        assert f"Sent to: {world.community.name} governance centre" in event_facts(event)


def test_the_words_inside_a_notice_read_as_that_notices_words(world):
    """A notice's label and verdict are words of the notice: 上报 is "Escalated" there (the event's own name,
    "Report", read "[Report] … was escalated"), and a verdict reads mid-sentence ("was was refused" before)."""
    case, other = _case_life(world)
    with translation.override("en"):
        english = {localize(n.title) for n in Notice.objects.filter(case__in=[case, other])}
    ref = f"{other.number}「{other.title}」"
    assert any(t.startswith(f"[Escalated] {ref} was escalated from") for t in english), english
    assert f"[Extension] the extension request of {case.number}「{case.title}」 was approved" in english
    assert f"[Hold] the hold request for {case.number}「{case.title}」 was approved" in english
    assert not [t for t in english if "was was" in t or " Approved" in t or "[Report]" in t]


def test_a_case_made_from_a_diary_entry_keeps_its_title_and_description_in_the_sites_language(world):
    """The entry's topic opens the case's title: the label is kept, not the reader's ("Environment and sanitation：…"
    was kept when an English grid worker converted an entry)."""
    from cases.services.diary import case_file_from_diary
    from residents.services import diary_write

    worker = world.users["grid_worker"]
    with translation.override("en"):
        entry = diary_write(actor=worker, grid=world.grid_a, text="楼道堆物", category=world.categories["0102"])
        case = case_file_from_diary(actor=worker, entry_id=entry.pk)
    assert not LATIN.search(case.title + case.description), (case.title, case.description)
