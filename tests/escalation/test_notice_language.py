"""Every notice a whistle's life writes reads in the reader's language: stored as written (in Chinese, by whoever
caused it), shown through ``escalation.notice_text.localize``. The oracle: take away from the English text the data
the notice carries (department, region and case names, the reasons and notes people typed) — no Chinese may be left.
An English liaison used to read "城管执法已报到（XG-…）" and half-translated supervision notices."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import translation

from cases.services import case_transition
from escalation.models import Notice
from escalation.notice_text import localize
from escalation.services.whistles import (
    summons_complete,
    summons_decide_extension,
    summons_escalate_overdue_batch,
    summons_report_in,
    summons_request_extension,
    summons_respond,
    summons_return,
    summons_withdraw,
)

from .whistle_helpers import T0, whistled_case

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
TYPED = ["需要协调施工队", "同意延期", "已到场处置", "不属本部门职责", "已由城管处置", "等待资金批复", "材料不足"]


def _whistle_life(world):
    """Four departments summoned; each takes another path through its summons."""
    case, whistle, s = whistled_case(world, codes=("cgzf", "zj", "scjg", "sthj"))
    officer = world.street_officer
    summons_report_in(summons_id=s["cgzf"].id, actor=world.liaison, now=T0 + timedelta(minutes=5))
    summons_request_extension(summons_id=s["cgzf"].id, actor=world.liaison, until=(T0 + timedelta(days=3)).isoformat(),
                              reason="需要协调施工队", now=T0 + timedelta(minutes=6))  # fmt: skip
    summons_decide_extension(summons_id=s["cgzf"].id, actor=officer, approve=True, note="同意延期",
                             now=T0 + timedelta(minutes=7))  # fmt: skip
    summons_respond(summons_id=s["cgzf"].id, actor=world.liaison, text="已到场处置", now=T0 + timedelta(minutes=8))
    summons_complete(summons_id=s["cgzf"].id, actor=officer, now=T0 + timedelta(minutes=9))
    summons_return(summons_id=s["scjg"].id, actor=world.users["liaison_scjg"], reason="不属本部门职责",
                   now=T0 + timedelta(minutes=10))  # fmt: skip
    summons_withdraw(summons_id=s["sthj"].id, actor=officer, reason="已由城管处置", now=T0 + timedelta(minutes=11))
    assert summons_escalate_overdue_batch(now=T0 + timedelta(minutes=31)) == 1  # 住建, late to report in
    summons_report_in(summons_id=s["zj"].id, actor=world.users["liaison_zj"], now=T0 + timedelta(minutes=40))
    summons_request_extension(summons_id=s["zj"].id, actor=world.users["liaison_zj"],
                              until=(T0 + timedelta(days=3)).isoformat(), reason="材料不足",
                              now=T0 + timedelta(minutes=41))  # fmt: skip
    summons_decide_extension(summons_id=s["zj"].id, actor=officer, approve=False, note="材料不足",
                             now=T0 + timedelta(minutes=42))  # fmt: skip
    case_transition(case_id=case.id, action="hold", actor=officer, note="等待资金批复", now=T0 + timedelta(hours=1))
    case_transition(case_id=case.id, action="resume", actor=officer, now=T0 + timedelta(days=1))
    return case, whistle


def test_every_whistle_notice_reads_in_english(world):
    case, whistle = _whistle_life(world)
    data = [f"{case.number}「{case.title}」", case.number, case.title, whistle.reason, whistle.region.name, *TYPED]
    data += [d.name for d in world.departments.values()]
    texts = {t for n in Notice.objects.filter(case=case) for t in (n.title, n.body) if t}
    assert len(texts) >= 12  # the paths above wrote their notices
    with translation.override("en"):
        left = {}
        for text in texts:
            english = localize(text)
            for value in sorted(data, key=len, reverse=True):
                english = english.replace(value, "")
            if CJK.search(english):
                left[text] = english
    assert left == {}


def test_every_notice_template_the_code_writes_is_registered():
    """``localize`` reads back only registered templates: a notice written from one left out (【撤回派遣】 was) reads
    in Chinese to everyone. The oracle is the source: each template literal escalation writes a notice or a record
    from (``kept("…%(x)s…")``, ``tr(N_("…"))``) is registered, or is the head of one that appends a typed note."""
    from pathlib import Path

    from escalation.notice_text import RECORD_TEMPLATES, TEMPLATES

    root = Path(__file__).resolve().parents[2] / "escalation"
    source = "".join(p.read_text() for p in [*root.glob("services/*.py"), root / "receivers.py"])
    found = re.findall(r'(?:kept|tr)\((?:N_\()?\s*"([^"]*%\(\w+\)s[^"]*)"', source)
    written = {t.replace("\\n", "\n") for t in found}  # the source spells a line break \n
    assert len(written) >= 30
    known = TEMPLATES + RECORD_TEMPLATES
    missing = {t for t in written if not any(k == t or k.startswith(t + "：") for k in known)}
    assert missing == set()


def test_the_case_note_of_a_supervision_for_a_late_department_reads_in_english(world):
    """The sweep supervises a case whose department did not report in; the case's note says why, read back in the
    reader's language (its template and the reason inside it are records of their own)."""
    from cases.models import CaseEvent
    from cases.views.display import event_note

    case, _whistle = _whistle_life(world)
    event = CaseEvent.objects.get(case=case, action="supervise", reason="summons_overdue")
    assert event.note.startswith("吹哨报到超时，转区综治中心督办：住建未按时报到（报到时限")
    with translation.override("en"):
        english = event_note(event)
    assert not CJK.search(english.replace(world.departments["zj"].name, "")), english
