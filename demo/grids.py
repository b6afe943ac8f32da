"""The demo world's grids (DEMO.md): community grids and dedicated grids with 1+1+N teams.

Layout: each community is one row of rectangles around lat 39.77, lng 98.29 (cells of
0.005° × 0.005°, sharing edges, never overlapping); a community's dedicated grid, if it has
one, is the next cell of its row. Every grid gets its party branch (网格党支部) and a building
party group (楼栋党小组) under the community's party committee, and a full team seated through
``grids.services.staff_assign`` (which grants the grid's permissions):
1 grid leader (社区两委), 1 full-time worker (社区专职), and 2–4 part-time workers drawn from
the community police officer, the street's enforcement team, a building head and a party
group leader.

Idempotent: grids by code, organisations by name, people by username; a seat is only filled
when that person is not already on the grid and the seat is free.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from demo.governance import COMMUNITIES, STREETS, CommunitySpec, ensure_user, organisation
from governance.choices import OrgKind, Role
from governance.models import Organisation, Region, User
from grids.choices import GridKind, StaffRole, StaffSource
from grids.geo import validate_boundary
from grids.models import Grid, GridAssignment
from grids.services import staff_assign

ORIGIN_LAT, ORIGIN_LNG, CELL = 39.755, 98.275, 0.005
CN_NUMBERS = "一二三四五六七八九十"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚"
    "卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤"
)
GIVEN_NAMES = (
    "建华 秀英 志强 丽娟 海燕 国庆 晓明 玉兰 卫东 春梅 永刚 桂芳 文博 "
    "雪莲 红军 淑珍 振华 小红 德明 金凤 子豪 佳怡 浩然 思雨 天佑"
).split()


@dataclass(frozen=True)
class DedicatedSpec:
    community_code: str
    kind: str
    name: str
    population: int


DEDICATED = [
    DedicatedSpec("620201001001", GridKind.SCHOOL, "嘉峪关市第三中学专属网格", 2100),
    DedicatedSpec("620201001002", GridKind.MARKET, "雄关农贸市场专属网格", 600),
    DedicatedSpec("620201001003", GridKind.ENTERPRISE, "示范工业园企业专属网格", 3200),
    DedicatedSpec("620201001004", GridKind.RELIGIOUS, "长城社区宗教活动场所专属网格", 150),
]


def person_name(n: int) -> str:
    """A deterministic, plausible Chinese name for the n-th demo person."""
    return SURNAMES[(n * 7) % len(SURNAMES)] + GIVEN_NAMES[(n * 11) % len(GIVEN_NAMES)]


def cell(row: int, col: int) -> dict:
    """The GeoJSON rectangle of one cell of the demo layout (lng/lat order, closed ring)."""
    lng0, lat0 = round(ORIGIN_LNG + col * CELL, 6), round(ORIGIN_LAT + row * CELL, 6)
    lng1, lat1 = round(lng0 + CELL, 6), round(lat0 + CELL, 6)
    return validate_boundary(
        {"type": "Polygon", "coordinates": [[[lng0, lat0], [lng1, lat0], [lng1, lat1], [lng0, lat1], [lng0, lat0]]]}
    )


def _grid(
    code: str, name: str, *, kind: str, community: Region, row: int, col: int, households: int, population: int
) -> Grid:
    grid, _ = Grid.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": kind,
            "community": community,
            "boundary": cell(row, col),
            "households": households,
            "population": population,
        },
    )
    return grid


def _party_units(grid: Grid, committee: Organisation) -> Organisation:
    """The grid's party branch (linked to the grid) and one building party group under it; returns the group."""
    branch = organisation(grid.community, f"{grid.name}党支部", OrgKind.GRID_PARTY_BRANCH, committee)
    if grid.party_branch_id != branch.id:
        grid.party_branch = branch
        grid.save(update_fields=["party_branch"])
    return organisation(grid.community, f"{grid.name}1号楼党小组", OrgKind.BUILDING_PARTY_GROUP, branch)


def _seat(grid: Grid, user: User, role: str, source: str, source_organisation: Organisation | None) -> None:
    """Seat ``user`` unless already on the grid or the (single) seat is taken by someone else."""
    active = GridAssignment.objects.filter(grid=grid, ended_on__isnull=True)
    if active.filter(user=user).exists():
        return
    if role != StaffRole.PART_TIME_WORKER and active.filter(role=role).exists():
        return
    staff_assign(grid=grid, user=user, role=role, source=source, source_organisation=source_organisation)


def _worker(username: str, n: int, title: str) -> User:
    full_name = f"{person_name(n)}（{title}）"
    return ensure_user(username, role=Role.GRID_WORKER, full_name=full_name, phone=f"1380000{n:04d}")


@transaction.atomic
def build() -> None:
    """Create (or find) every demo grid and seat its full 1+1+N team. Safe to run any number of times."""
    street_prefix = {s.code: s.case_prefix for s in STREETS}
    streets = {r.code: r for r in Region.objects.filter(code__in=[s.code for s in STREETS])}
    seq = 0  # global grid number: wangge01 is the full-time worker of the first grid
    in_street: dict[str, int] = {}
    for ci, spec in enumerate(COMMUNITIES):
        community = Region.objects.get(code=spec.code)
        committee = Organisation.objects.get(region=community, kind=OrgKind.COMMUNITY_PARTY_COMMITTEE)
        residents = Organisation.objects.get(region=community, kind=OrgKind.RESIDENTS_COMMITTEE)
        enforcement = Organisation.objects.get(region=streets[spec.street_code], kind=OrgKind.ENFORCEMENT_TEAM)
        police = _worker(f"minjing{ci + 1:02d}", 500 + ci, "社区民警")
        enforcer = _worker(f"zhifa{ci + 1:02d}", 600 + ci, "综合执法队")
        in_street[spec.street_code] = in_street.get(spec.street_code, 0) + 1
        prefix = f"{street_prefix[spec.street_code]}-{in_street[spec.street_code]:02d}"
        for gi in range(spec.grids):
            seq += 1
            grid = _grid(
                f"{prefix}-{gi + 1:02d}",
                f"{spec.short}{CN_NUMBERS[gi]}网格",
                kind=GridKind.COMMUNITY,
                community=community,
                row=ci,
                col=gi,
                households=250 + (seq * 73) % 251,
                population=0,
            )
            if not grid.population:
                grid.population = int(grid.households * 2.6)
                grid.save(update_fields=["population"])
            _staff_community_grid(grid, seq, committee, residents, enforcement, police, enforcer)
        _build_dedicated(spec, ci, prefix, committee, police)


def _staff_community_grid(
    grid: Grid,
    seq: int,
    committee: Organisation,
    residents: Organisation,
    enforcement: Organisation,
    police: User,
    enforcer: User,
) -> None:
    group = _party_units(grid, committee)
    _seat(
        grid,
        _worker(f"wanggezhang{seq:02d}", seq, "网格长"),
        StaffRole.GRID_LEADER,
        StaffSource.TWO_COMMITTEES,
        committee,
    )
    _seat(
        grid,
        _worker(f"wangge{seq:02d}", 100 + seq, "专职网格员"),
        StaffRole.FULL_TIME_WORKER,
        StaffSource.COMMUNITY_STAFF,
        residents,
    )
    # N = 2, 3 or 4 part-time workers, varying from grid to grid.
    part_timers: list[tuple[User, str, Organisation | None]] = [(police, StaffSource.POLICE, None)]
    if seq % 3 >= 1:
        part_timers.append((enforcer, StaffSource.ENFORCEMENT, enforcement))
    part_timers.append((_worker(f"loudong{seq:02d}", 200 + seq, "楼栋长"), StaffSource.BUILDING_HEAD, group))
    if seq % 3 == 2:
        part_timers.append((_worker(f"dangxiaozu{seq:02d}", 300 + seq, "党小组长"), StaffSource.PARTY_GROUP, group))
    for user, source, org in part_timers:
        _seat(grid, user, StaffRole.PART_TIME_WORKER, source, org)


def _build_dedicated(spec: CommunitySpec, ci: int, prefix: str, committee: Organisation, police: User) -> None:
    for di, d in enumerate(x for x in DEDICATED if x.community_code == spec.code):
        n = 400 + ci * 10 + di
        grid = _grid(
            f"{prefix}-Z{di + 1}",
            d.name,
            kind=d.kind,
            community=Region.objects.get(code=spec.code),
            row=ci,
            col=spec.grids + di,
            households=0,
            population=d.population,
        )
        _party_units(grid, committee)
        _seat(
            grid,
            _worker(f"zhuanshu{ci + 1:02d}{di + 1}", n, "专属网格长（单位负责人）"),
            StaffRole.GRID_LEADER,
            StaffSource.OTHER,
            None,
        )
        _seat(
            grid,
            _worker(f"zhuanshuy{ci + 1:02d}{di + 1}", n + 1000, "专属网格员"),
            StaffRole.FULL_TIME_WORKER,
            StaffSource.COMMUNITY_STAFF,
            None,
        )
        _seat(grid, police, StaffRole.PART_TIME_WORKER, StaffSource.POLICE, None)
