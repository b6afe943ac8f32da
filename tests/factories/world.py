"""A small street for tests: the personas of STYLE.md and the catalogue entries the scenarios use.

Built through the real services (staffing grants the grid permissions), with the scenario
calendar: Mon–Fri 08:30–12:00 / 14:00–17:30, holiday 2026-10-01..07, make-up Saturday 2026-10-10.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from governance.choices import DayKind, Grade, HandlerKind, Level, OrgKind, OrgLine, RegionLevel, Role, TimeUnit
from governance.models import (
    CalendarDay,
    Category,
    Department,
    JurisdictionRule,
    OfficePeriod,
    Organisation,
    Region,
    User,
    WorkCalendar,
)
from governance.selectors import clear_calendar_cache
from grids.choices import StaffRole, StaffSource
from grids.models import Grid
from grids.services import staff_assign

PASSWORD = "pass-1234"


def rect(lng: float, lat: float, size: float = 0.01) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [[[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]],
    }


@dataclass
class World:
    city: Region
    district: Region
    street: Region
    other_street: Region
    community: Region
    community_b: Region
    grid_a: Grid
    grid_b: Grid
    users: dict[str, User] = field(default_factory=dict)
    departments: dict[str, Department] = field(default_factory=dict)
    categories: dict[str, Category] = field(default_factory=dict)
    calendar: WorkCalendar | None = None

    def __getattr__(self, name: str):
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def _user(username: str, *, role: str, full_name: str, region: Region | None = None, **extra) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        full_name=full_name,
        region=region,
        email=f"{username}@example.cn",
        **extra,
    )
    return user


def build_world() -> World:
    clear_calendar_cache()
    cal = WorkCalendar.objects.create(name="示范日历", is_default=True)
    OfficePeriod.objects.create(calendar=cal, start=time(8, 30), end=time(12, 0))
    OfficePeriod.objects.create(calendar=cal, start=time(14, 0), end=time(17, 30))
    for d in range(1, 8):
        CalendarDay.objects.create(calendar=cal, date=date(2026, 10, d), kind=DayKind.HOLIDAY, note="国庆节")
    CalendarDay.objects.create(calendar=cal, date=date(2026, 10, 10), kind=DayKind.WORKDAY, note="国庆调休")

    city = Region.objects.create(name="嘉峪关市", code="620200", level=RegionLevel.CITY)
    district = Region.objects.create(name="示范区", code="620201", level=RegionLevel.DISTRICT, parent=city)
    street = Region.objects.create(
        name="雄关街道", code="620201001", level=RegionLevel.STREET, parent=district, case_prefix="XG"
    )
    other_street = Region.objects.create(
        name="水果湖街道", code="620201002", level=RegionLevel.STREET, parent=district, case_prefix="SGH"
    )
    community = Region.objects.create(name="雄关社区", code="620201001001", level=RegionLevel.COMMUNITY, parent=street)
    community_b = Region.objects.create(
        name="关城社区", code="620201001002", level=RegionLevel.COMMUNITY, parent=street
    )
    party = Organisation.objects.create(
        name="雄关街道党工委", kind=OrgKind.STREET_PARTY_COMMITTEE, line=OrgLine.PARTY, region=street
    )
    grid_a = Grid.objects.create(
        code="XG-01-01",
        name="雄关一网格",
        community=community,
        boundary=rect(98.29, 39.77),
        households=320,
        population=900,
    )
    grid_b = Grid.objects.create(
        code="XG-02-01",
        name="关城一网格",
        community=community_b,
        boundary=rect(98.30, 39.77),
        households=410,
        population=1100,
    )

    world = World(city, district, street, other_street, community, community_b, grid_a, grid_b, calendar=cal)
    u = world.users
    u["grid_worker"] = _user("wangge01", role=Role.GRID_WORKER, full_name="王网格")
    u["grid_leader"] = _user("wanggezhang01", role=Role.GRID_WORKER, full_name="李网格长")
    u["part_timer"] = _user("jianzhi01", role=Role.GRID_WORKER, full_name="赵兼职")
    u["outsider"] = _user("wangge02", role=Role.GRID_WORKER, full_name="孙网格")
    u["community_officer"] = _user("shequ01", role=Role.CENTRE_STAFF, full_name="周社区", region=community)
    u["community_b_officer"] = _user("shequ02", role=Role.CENTRE_STAFF, full_name="吴社区", region=community_b)
    u["street_officer"] = _user("jiedao01", role=Role.CENTRE_STAFF, full_name="郑街道", region=street)
    u["street_officer_2"] = _user("jiedao02", role=Role.CENTRE_STAFF, full_name="冯街道", region=street)
    u["other_street_officer"] = _user("jiedao11", role=Role.CENTRE_STAFF, full_name="陈他街", region=other_street)
    u["district_officer"] = _user("qu01", role=Role.CENTRE_STAFF, full_name="褚区", region=district)
    u["admin"] = _user("admin", role=Role.ADMIN, full_name="管理员", is_staff=True, is_superuser=True)

    staff_assign(
        grid=grid_a,
        user=u["grid_leader"],
        role=StaffRole.GRID_LEADER,
        source=StaffSource.TWO_COMMITTEES,
        source_organisation=party,
    )
    staff_assign(
        grid=grid_a, user=u["grid_worker"], role=StaffRole.FULL_TIME_WORKER, source=StaffSource.COMMUNITY_STAFF
    )
    staff_assign(grid=grid_a, user=u["part_timer"], role=StaffRole.PART_TIME_WORKER, source=StaffSource.POLICE)
    staff_assign(grid=grid_b, user=u["outsider"], role=StaffRole.FULL_TIME_WORKER, source=StaffSource.COMMUNITY_STAFF)

    for code, name, region in [
        ("cgzf", "城管执法", district),
        ("zj", "住建", district),
        ("scjg", "市场监管所", street),
        ("sthj", "生态环境", district),
        ("sfs", "司法所", street),
        ("pcs", "公安派出所", street),
    ]:
        world.departments[code] = Department.objects.create(name=name, code=code, region=region)
    u["liaison"] = _user("chengguan01", role=Role.LIAISON, full_name="城管联络员", department=world.departments["cgzf"])
    u["liaison_zj"] = _user("zhujian01", role=Role.LIAISON, full_name="住建联络员", department=world.departments["zj"])
    u["liaison_scjg"] = _user(
        "shijian01", role=Role.LIAISON, full_name="市监联络员", department=world.departments["scjg"]
    )
    u["liaison_sthj"] = _user(
        "huanbao01", role=Role.LIAISON, full_name="环保联络员", department=world.departments["sthj"]
    )

    # Default per-level limits (DEMO.md): grid 1, community 2, street 3, district 5 working days.
    for level, days in [(Level.GRID, 1), (Level.COMMUNITY, 2), (Level.STREET, 3), (Level.DISTRICT, 5), (Level.CITY, 5)]:
        JurisdictionRule.objects.create(
            category=None,
            level=level,
            accept_limit=2,
            accept_unit=TimeUnit.WORKING_HOURS,
            handling_limit=days,
            handling_unit=TimeUnit.WORKING_DAYS,
        )
    majors = {}
    for code, name, sub_code, sub_name, grade, limit, unit, depts in [
        ("01", "市容环境", "0101", "暴露垃圾", Grade.A, 1, TimeUnit.WORKING_DAYS, []),
        ("01", "市容环境", "0102", "楼道堆物", Grade.A, 2, TimeUnit.WORKING_DAYS, []),
        ("01", "市容环境", "0103", "道路不洁", Grade.A, 5, TimeUnit.WORKING_HOURS, []),
        ("02", "施工管理", "0202", "违法搭建", Grade.B, 15, TimeUnit.WORKING_DAYS, ["cgzf", "zj"]),
        ("03", "市容环境（油烟）", "0204", "餐饮油烟扰民", Grade.B, 5, TimeUnit.WORKING_DAYS, ["scjg", "sthj"]),
        ("04", "公用设施", "0205", "井盖缺失", Grade.B, 2, TimeUnit.HOURS, []),
        ("05", "道路交通", "0301", "道路塌陷", Grade.C, 24, TimeUnit.HOURS, ["zj"]),
    ]:
        major = majors.get(code) or Category.objects.create(code=code, name=name)
        majors[code] = major
        sub = Category.objects.create(code=sub_code, name=sub_name, parent=major, grade=grade)
        world.categories[sub_code] = sub
        home = {"A": Level.GRID, "B": Level.STREET, "C": Level.DISTRICT, "D": Level.CITY}[grade]
        rule = JurisdictionRule.objects.create(
            category=sub,
            level=home,
            handler_kind=HandlerKind.DEPARTMENTS if depts else HandlerKind.CENTRE,
            accept_limit=2,
            accept_unit=TimeUnit.WORKING_HOURS,
            handling_limit=limit,
            handling_unit=unit,
        )
        rule.departments.set([world.departments[d] for d in depts])
    return world
