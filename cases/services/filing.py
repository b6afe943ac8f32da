"""Filing a case: checks, placing, numbering per street and year, the first clock, the "report" event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.choices import GRADE_LEVEL, LEVEL_ORDER, Level, Role
from governance.errors import InvalidInput
from governance.models import Category, Region, User
from grids.models import Grid
from grids.selectors import grids_worked_by, locate_grid

from ..choices import Channel, EvidenceStage
from ..choices import Status as S
from ..evidence import check_files
from ..models import Case, CaseNumberSequence
from ..signals import events_recorded
from .deadlines import Deadlines, _arrive, _top_level
from .records import _record, _store_evidence


def _next_number(street: Region, now: datetime) -> str:
    year = timezone.localtime(now).year
    for _attempt in range(3):
        try:
            with transaction.atomic():
                seq, _created = CaseNumberSequence.objects.select_for_update().get_or_create(street=street, year=year)
                break
        except IntegrityError:  # two first cases of the year at once: the loser retries and finds the row
            continue
    seq.last = F("last") + 1
    seq.save(update_fields=["last"])
    seq.refresh_from_db(fields=["last"])
    prefix = street.case_prefix or "JD"
    return f"{prefix}-{year}-{seq.last:06d}"


@transaction.atomic
def case_file(
    *,
    actor: User | None,
    category: Category,
    title: str,
    description: str,
    address: str,
    channel: str = Channel.PATROL,
    lat: float | None = None,
    lng: float | None = None,
    grid: Grid | None = None,
    community: Region | None = None,
    street: Region | None = None,
    citizen_name: str = "",
    citizen_phone: str = "",
    files: Iterable = (),
    now: datetime | None = None,
    external_due_at: datetime | None = None,
    response_due_at: datetime | None = None,
    arrive_at: str | None = None,
) -> Case:
    """File a case: check the input and files first, place it (grid from the point, or the chosen grid/community),
    number it per street and year, put it at the level its grade says (A grid, B street, C district, D city — never
    above the configured top), start that level's clock, and write the "report" event with the photos.

    ``street`` alone (no grid, no community) files a case whose place is known only to the street (an outside
    order whose address is in no grid): it waits at the street's centre. ``external_due_at`` /
    ``response_due_at`` are an outside party's deadlines (the 12345 hotline's): the stricter of them and the
    rule's set the clock, and ``external_due_at`` caps every later clock of the case too. ``arrive_at`` puts the
    case at that level's centre whatever its grade (a hotline order arrives at the street, its 中心站).
    """
    now = now or timezone.now()
    checked = check_files(files)
    if category is None or category.parent_id is None or not category.active:
        raise InvalidInput(_("请选择一个启用的事项小类"), code="category")
    if not (title or "").strip() or not (description or "").strip() or not (address or "").strip():
        raise InvalidInput(_("标题、描述和地址都必须填写"), code="required")
    if channel not in Channel.values:
        raise InvalidInput(_("未知的来源渠道"), code="channel")
    if (lat is None) != (lng is None):
        raise InvalidInput(_("经纬度必须同时填写"), code="coordinates")
    if lat is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InvalidInput(_("经纬度超出范围"), code="coordinates")

    if grid is None and lat is not None:
        grid = locate_grid(lat=lat, lng=lng)
    if actor is not None and actor.role == Role.GRID_WORKER:
        mine = set(grids_worked_by(actor).values_list("id", flat=True))
        if grid is None and len(mine) == 1:
            grid = Grid.objects.get(pk=next(iter(mine)))
        if grid is None or grid.id not in mine:
            where = grid.name if grid else _("未知网格")
            raise InvalidInput(
                _("该位置属于%(grid)s，不在您负责的网格内，请选择您负责的网格") % {"grid": where}, code="grid"
            )
    if grid is not None:
        community = grid.community
    if community is None and street is None:
        raise InvalidInput(_("无法确定事件所在的网格或社区，请选择网格或社区"), code="place")
    if community is not None:
        street = community.parent
    elif street.level != Level.STREET:
        raise InvalidInput(_("只能归属到一个街道"), code="place")
    district = street.parent if street else None
    if street is None or district is None:
        raise InvalidInput(_("社区必须隶属于街道和区"), code="place")
    if actor is not None and actor.role == Role.CENTRE_STAFF and actor.region_id:
        # Centre staff file within their own region (the case must land in their scope).
        if actor.region_id not in {community.id if community else None, street.id, district.id, district.parent_id}:
            raise InvalidInput(_("该位置不在您的辖区内，请选择辖区内的网格或社区"), code="place")

    level = GRADE_LEVEL[category.grade]
    if level == Level.GRID and grid is None:
        level = Level.COMMUNITY
    if arrive_at is not None:
        if arrive_at not in (Level.STREET, Level.DISTRICT):
            raise InvalidInput(_("外部工单只能到达街道或区综治中心"), code="level")
        level = arrive_at
    if level == Level.COMMUNITY and community is None:
        level = Level.STREET
    top = _top_level()
    if LEVEL_ORDER.index(Level(level)) > LEVEL_ORDER.index(Level(top)):
        level = top

    case = Case(
        number=_next_number(street, now),
        title=title.strip()[:200],
        description=description.strip(),
        category=category,
        grade=category.grade,
        channel=channel,
        reporter=actor,
        citizen_name=citizen_name.strip(),
        citizen_phone=citizen_phone.strip(),
        lat=lat,
        lng=lng,
        address=address.strip(),
        grid=grid,
        community=community,
        street=street,
        district=district,
        status=S.REPORTED,
        reported_at=now,
        external_due_at=external_due_at,
    )
    clock = Deadlines(now)
    _arrive(case, level, clock)
    if response_due_at is not None and (case.accept_due_at is None or response_due_at < case.accept_due_at):
        case.accept_due_at = response_due_at
    case.response_due_at = case.accept_due_at
    case.save()
    event = _record(
        case,
        action="report",
        actor=actor,
        before=("", ""),
        now=now,
        data={"channel": channel, "grid": grid.code if grid else None, "rule": clock.rule_ref(case.rule_id)},
        citizen=actor is None,
    )
    _store_evidence(case, checked, stage=EvidenceStage.REPORT, event=event, user=actor)
    events_recorded.send(sender=Case, events=[event], actor=actor)
    return case
