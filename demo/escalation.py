"""The demo's whistles (吹哨报到) and a case that climbs the ladder while you watch (DEMO.md).

What ``build()`` makes, through the real services (``case_file``, ``case_transition``, ``whistle_blow``, the
summons actions), with ``now=`` in the past where the story happened earlier:

- **a finished whistle** (yesterday): 违法搭建 at 雄关街道; the street whistles 城管执法 and 住建; 城管执法
  reports in on time and responds with photos, 住建 reports in late (after the sweep put it under district
  supervision) and responds; the street confirms, resolves; the grid worker verifies; the reporter rates it
  "basically satisfied";
- **a whistle waiting for report-in** (now): the same kind of case whistled to 城管执法 and 住建 with a
  report-in limit of a few minutes (``DEMO_REPORT_IN_MINUTES``) — log in as ``chengguan01`` to report in; leave
  ``zhujian01`` alone and within minutes the sweep marks 住建 overdue and ``qu01`` (district) gets the
  supervision notice;
- **a case that climbs** (now): a demo category ``9901`` whose limits are minutes at every level, filed in
  wangge01's grid; with the worker and beat running it goes grid → community → street → district, a few
  minutes per level, and is put under supervision at the top.

Idempotent, by natural keys: each of the three is made once, found by its case title whatever state it is
in now — the sweep escalating the waiting whistle or climbing the ladder case to the district changes nothing
for the next ``make run``, which adds no rows (``tests/demo/test_load_demo.py``). To watch the live part
again, start from a fresh database (``make clean``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from cases.models import Case
from cases.services import case_file, case_transition
from demo.cases import demo_photo
from escalation.services.whistles import (
    summons_complete,
    summons_escalate_overdue_batch,
    summons_report_in,
    summons_respond,
    whistle_blow,
)
from governance.choices import LEVEL_ORDER, Grade, Level, TimeUnit, top_level
from governance.models import Category, Department, JurisdictionRule, User
from grids.selectors import grids_worked_by

DEMO_REPORT_IN_MINUTES = 3
LADDER_MINUTES = 3
DEMO_MAJOR = ("99", "演示事项", "Demo")
DEMO_CATEGORY = ("9901", "演示：快速上报（分钟级时限）", "Demo: climbs in minutes")

FINISHED_TITLE = "幸福里小区楼顶违法搭建彩钢房"
WAITING_TITLE = "长城路12号楼顶正在搭建彩钢房"
LADDER_TITLE = "演示：楼道堆放杂物无人处理（分钟级时限）"

STREET_OFFICER, GRID_WORKER, DISTRICT_OFFICER = "jiedao01", "wangge01", "qu01"
LIAISONS = {"cgzf": "chengguan01", "zj": "zhujian01"}


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _file_0202(title: str, *, now: datetime, description: str, address: str, seed: int) -> Case:
    worker = _user(GRID_WORKER)
    return case_file(
        actor=worker,
        category=Category.objects.get(code="0202"),
        title=title,
        description=description,
        address=address,
        grid=grids_worked_by(worker).order_by("code").first(),
        files=[demo_photo(seed, "现场.jpg")],
        now=now,
    )


def _departments() -> list[int]:
    return list(Department.objects.filter(code__in=list(LIAISONS)).order_by("code").values_list("id", flat=True))


def _finished_whistle(now: datetime) -> None:
    """Yesterday's whistle, from report to rating (made once)."""
    if Case.objects.filter(title=FINISHED_TITLE).exists():
        return
    street, worker = _user(STREET_OFFICER), _user(GRID_WORKER)
    t0 = now - timedelta(hours=26)  # every step of the story lies between t0 and two hours ago
    case = _file_0202(
        FINISHED_TITLE,
        now=t0,
        seed=11,
        address="幸福里小区 6 号楼顶",
        description="6号楼楼顶新搭建彩钢房约40平方米，住户反映影响楼顶防水和消防通道。",
    )
    case_transition(case_id=case.pk, action="accept", actor=street, now=t0 + timedelta(minutes=10))
    whistle = whistle_blow(
        case_id=case.pk,
        actor=street,
        department_ids=_departments(),
        now=t0 + timedelta(minutes=15),
        reason="楼顶违法搭建，请城管执法到场调查取证、责令拆除，住建核实房屋安全与规划许可。",
    )
    by_code = {s.department.code: s for s in whistle.summonses.select_related("department")}
    cg, zj = by_code["cgzf"], by_code["zj"]
    cg_liaison, zj_liaison = _user(LIAISONS["cgzf"]), _user(LIAISONS["zj"])
    summons_report_in(summons_id=cg.pk, actor=cg_liaison, now=t0 + timedelta(minutes=27))
    # 住建 missed its report-in time: the sweep (here, at the minute after) put it under district supervision.
    summons_escalate_overdue_batch(now=zj.report_in_due_at + timedelta(minutes=1))
    summons_report_in(summons_id=zj.pk, actor=zj_liaison, now=t0 + timedelta(hours=1, minutes=20))
    summons_respond(
        summons_id=cg.pk,
        actor=cg_liaison,
        now=t0 + timedelta(hours=5),
        text="已到场取证，当事人无规划许可，已下达限期拆除通知书，明日上午拆除。",
        files=[demo_photo(12, "取证.jpg"), demo_photo(13, "通知书.jpg")],
    )
    summons_respond(
        summons_id=zj.pk,
        actor=zj_liaison,
        now=t0 + timedelta(hours=6),
        text="已核实：该建筑未取得规划许可，拆除不影响主体结构安全。",
    )
    summons_complete(summons_id=cg.pk, actor=street, now=t0 + timedelta(hours=6, minutes=30))
    summons_complete(summons_id=zj.pk, actor=street, now=t0 + timedelta(hours=6, minutes=31))
    done = t0 + timedelta(hours=23)
    case_transition(
        case_id=case.pk,
        action="resolve",
        actor=street,
        note="违建已由当事人自行拆除，楼顶恢复原状。",
        files=[demo_photo(14, "拆除后.jpg")],
        now=done,
    )
    case_transition(
        case_id=case.pk, action="verify_ok", actor=worker, note="现场核查，已拆除。", now=done + timedelta(minutes=30)
    )
    case_transition(
        case_id=case.pk,
        action="rate",
        actor=worker,
        result="basic",
        note="拆除及时，希望加强巡查。",
        now=done + timedelta(minutes=40),
    )


def _waiting_whistle(now: datetime) -> None:
    """A whistle waiting for report-in, due in a few minutes (made once, found by its case title)."""
    if Case.objects.filter(title=WAITING_TITLE).exists():
        return
    street = _user(STREET_OFFICER)
    case = _file_0202(
        WAITING_TITLE,
        now=now - timedelta(minutes=2),
        seed=21,
        address="长城路 12 号楼顶",
        description="群众反映12号楼顶有人正在搭建彩钢房，施工噪音大，疑似违法搭建。",
    )
    case_transition(case_id=case.pk, action="accept", actor=street, now=now - timedelta(minutes=1))
    whistle_blow(
        case_id=case.pk,
        actor=street,
        department_ids=_departments(),
        now=now,
        reason="正在进行的违法搭建，请城管执法立即到场制止，住建核实规划许可（演示：报到时限只有几分钟）。",
        report_in_minutes=DEMO_REPORT_IN_MINUTES,
    )


def _demo_category() -> Category:
    """Category 9901 with minute limits at every level (made once; later changes are rule revisions)."""
    major, _ = Category.objects.get_or_create(
        code=DEMO_MAJOR[0], defaults={"name": DEMO_MAJOR[1], "name_en": DEMO_MAJOR[2]}
    )
    sub, _ = Category.objects.get_or_create(
        code=DEMO_CATEGORY[0],
        defaults={"name": DEMO_CATEGORY[1], "name_en": DEMO_CATEGORY[2], "parent": major, "grade": Grade.A},
    )
    for level in (Level.GRID, Level.COMMUNITY, Level.STREET, Level.DISTRICT, Level.CITY):
        if LEVEL_ORDER.index(level) > LEVEL_ORDER.index(Level(top_level())):
            continue  # no rule above the top level (JurisdictionRule.clean refuses it)
        if not JurisdictionRule.objects.filter(category=sub, level=level, valid_to__isnull=True).exists():
            JurisdictionRule.objects.create(
                category=sub,
                level=level,
                accept_limit=1,
                accept_unit=TimeUnit.MINUTES,
                handling_limit=LADDER_MINUTES,
                handling_unit=TimeUnit.MINUTES,
                note="演示用：每级几分钟即超时上报",
            )
    return sub


def _ladder_case(now: datetime) -> None:
    """A case nobody touches, with minute limits: the sweep climbs it while you watch (made once, by its title)."""
    category = _demo_category()
    if Case.objects.filter(title=LADDER_TITLE).exists():
        return
    worker = _user(GRID_WORKER)
    case_file(
        actor=worker,
        category=category,
        title=LADDER_TITLE,
        description="演示：该类别每一级的办理时限只有几分钟。无人处理时，每次定时巡检都会把超时事件上报一级，"
        "直至区级督办。",
        address="雄关一网格 2 号楼 1 单元",
        grid=grids_worked_by(worker).order_by("code").first(),
        now=now,
    )


def build(now: datetime | None = None) -> None:
    """Add the demo's whistles and the climbing case (see the module docstring); safe to run again."""
    now = now or timezone.now()
    with transaction.atomic():
        _finished_whistle(now)
        _waiting_whistle(now)
        _ladder_case(now)
