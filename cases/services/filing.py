"""Filing a case: checks, placing, numbering per street and year, the first clock, the "report" event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput
from core.roles import is_centre_staff
from governance.choices import GRADE_LEVEL, LEVEL_ORDER, Level, Role, top_level
from governance.models import Category, Region, User
from grids.models import Grid
from grids.selectors import grids_worked_by, locate_grid, point_near_grid, works_in_grid
from residents.models import House

from ..choices import Channel, EvidenceStage
from ..choices import Status as S
from ..evidence import check_files
from ..models import Case, CaseNumberSequence
from ..signals import events_recorded
from .deadlines import Deadlines, arrive_at_level
from .records import record_event, store_evidence

_NEXT_NUMBER_SQL = """
INSERT INTO {table} (street_id, year, last) VALUES (%s, %s, 1)
ON CONFLICT (street_id, year) DO UPDATE SET last = {table}.last + 1
RETURNING last
"""


def _next_number(street: Region, now: datetime) -> str:
    """The street's next number of the year, in ONE statement (an upsert that returns the new value; PostgreSQL
    and SQLite ≥ 3.35 alike). The upsert locks the street-year row until the filing commits, so ``case_file``
    takes it last, just before the case's own INSERT: filings of one street wait for each other only that long.
    The first filing of a year creates the row; two at once are serialised by the unique constraint."""
    year = timezone.localtime(now).year
    with connection.cursor() as cur:
        cur.execute(_NEXT_NUMBER_SQL.format(table=CaseNumberSequence._meta.db_table), [street.id, year])
        last = cur.fetchone()[0]
    prefix = street.case_prefix or "JD"
    return f"{prefix}-{year}-{last:06d}"


def _near(grid: Grid, lat: float, lng: float) -> bool:
    return point_near_grid(grid=grid, lat=lat, lng=lng, tolerance_m=settings.GRID_LOCATION_TOLERANCE_M)


def _check_point_in_grid(grid: Grid, lat: float, lng: float) -> None:
    """A point given with a chosen grid must lie in it (GRID_LOCATION_TOLERANCE_M of slack for GPS drift)."""
    if not _near(grid, lat, lng):
        raise InvalidInput(
            _("所填经纬度不在所选网格“%(grid)s”内，请核对位置或改选网格") % {"grid": grid.name}, code="coordinates"
        )


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
    files: Iterable[Any] = (),
    now: datetime | None = None,
    external_due_at: datetime | None = None,
    response_due_at: datetime | None = None,
    arrive_at: str | None = None,
    house: House | None = None,
) -> Case:
    """File a case: check the input and files first, place it (grid from the point, or the chosen grid/community),
    number it per street and year, put it at the level its grade says (A grid, B street, C district, D city — never
    above the configured top), start that level's clock, and write the "report" event with the photos.

    ``street`` alone (no grid, no community) files a case whose place is known only to the street (an outside
    order whose address is in no grid): it waits at the street's centre. ``external_due_at`` /
    ``response_due_at`` are an outside party's deadlines (the 12345 hotline's): the stricter of them and the
    rule's set the clock, and ``external_due_at`` caps every later clock of the case too. ``arrive_at`` puts the
    case at that level's centre whatever its grade (a hotline order arrives at the street, its 中心站).
    ``house`` (a home, 房屋) must lie in the case's grid; without a grid it places the case in the house's grid;
    without an address, its address is the case's (the filing form and the API leave it to this one place).
    """
    now = now or timezone.now()
    if house is not None and not (address or "").strip():
        address = house.address
    checked = check_files(files)
    if category is None or category.parent_id is None or not category.active:
        raise InvalidInput(_("请选择一个启用的事项小类"), code="category")
    if not (title or "").strip() or not (description or "").strip() or not (address or "").strip():
        raise InvalidInput(_("标题、描述和地址都必须填写"), code="required")
    if channel not in Channel.values:
        raise InvalidInput(_("未知的来源渠道"), code="channel")
    if (lat is None) != (lng is None):
        raise InvalidInput(_("经纬度必须同时填写"), code="coordinates")
    if lat is not None and lng is not None and not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise InvalidInput(_("经纬度超出范围"), code="coordinates")

    if house is not None:
        if grid is None:
            grid = house.grid
        elif house.grid_id != grid.id:
            raise InvalidInput(_("所选房屋不在事件所在的网格内"), code="house")
    if grid is not None and lat is not None and lng is not None:
        _check_point_in_grid(grid, lat, lng)
    if grid is None and lat is not None and lng is not None:
        grid = locate_grid(lat=lat, lng=lng)
        if community is not None and (grid is None or grid.community_id != community.id):
            # A point given with a community must lie in one of its grids (the point would otherwise move the
            # case elsewhere, or file it with coordinates nowhere near its place).
            near = [g for g in Grid.objects.filter(community=community, active=True) if _near(g, lat, lng)]
            if not near:
                raise InvalidInput(_("所填经纬度不在所选社区内，请核对位置"), code="coordinates")
            grid = grid if grid in near else None
    if actor is not None and actor.role == Role.GRID_WORKER:
        if grid is None:  # the grid they staff, when they staff exactly one
            mine = list(grids_worked_by(actor).values_list("id", flat=True)[:2])
            grid = Grid.objects.select_related("community__parent__parent").get(pk=mine[0]) if len(mine) == 1 else None
        if grid is None or not works_in_grid(actor, grid.id):
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
    elif street is not None and street.level != Level.STREET:
        raise InvalidInput(_("只能归属到一个街道"), code="place")
    district = street.parent if street else None
    if street is None or district is None:
        raise InvalidInput(_("社区必须隶属于街道和区"), code="place")
    if actor is not None and is_centre_staff(actor):
        # Centre staff file within their own region (the case must land in their scope).
        if actor.region_id not in {community.id if community else None, street.id, district.id, district.parent_id}:
            raise InvalidInput(_("该位置不在您的辖区内，请选择辖区内的网格或社区"), code="place")

    level: str = GRADE_LEVEL[category.grade]
    if level == Level.GRID and grid is None:
        level = Level.COMMUNITY
    if arrive_at is not None:
        if arrive_at not in (Level.STREET, Level.DISTRICT):
            raise InvalidInput(_("外部工单只能到达街道或区综治中心"), code="level")
        level = arrive_at
    if level == Level.COMMUNITY and community is None:
        level = Level.STREET
    top = top_level()
    if LEVEL_ORDER.index(Level(level)) > LEVEL_ORDER.index(Level(top)):
        level = top

    case = Case(
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
        house=house,
        community=community,
        street=street,
        district=district,
        status=S.REPORTED,
        reported_at=now,
        external_due_at=external_due_at,
    )
    clock = Deadlines(now)
    arrive_at_level(case, level, clock)
    if response_due_at is not None and (case.accept_due_at is None or response_due_at < case.accept_due_at):
        case.accept_due_at = response_due_at
    case.response_due_at = case.accept_due_at
    case.number = _next_number(street, now)  # last: the sequence row stays locked from here to the commit
    case.save(force_insert=True)
    event = record_event(
        case,
        action="report",
        actor=actor,
        before=("", ""),
        now=now,
        data={"channel": channel, "grid": grid.code if grid else None, "rule": clock.rule_ref(case.rule_id)},
        citizen=actor is None,
    )
    # The stored evidence rides on the case, so a caller renders it without reading it back.
    case.filed_evidence = store_evidence(  # type: ignore[attr-defined]  # rides on the instance for the caller
        case, checked, stage=EvidenceStage.REPORT, event=event, user=actor
    )
    events_recorded.send(sender=Case, events=[event], actor=actor)
    return case
