"""The demo world's governance part (DEMO.md): regions, organisations, departments and liaisons,
the matter catalogue with its jurisdiction rules, the 2026 work calendar and one account per role.

Idempotent: every row is found by its natural key (region code, organisation name in a region,
department code, category code, username, calendar name, date) and created only when missing.
Running it twice changes nothing. Rules are versioned, so an existing current rule is never
edited here: a changed limit belongs to ``jurisdiction rule`` revisions in the admin.

Passwords: every demo account gets the demo password (``DEMO_PASSWORD``, default ``demo12345``).
Hashing is slow on purpose (PBKDF2), so one hash is made per run and shared by all demo accounts;
an existing account keeps its hash when the demo password still verifies against it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, time, timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction

from governance.choices import (
    LEVEL_ORDER,
    DayKind,
    Grade,
    HandlerKind,
    Level,
    OrgKind,
    RegionLevel,
    Role,
    TimeUnit,
    home_level,
    top_level,
)
from governance.models import (
    CalendarDay,
    Category,
    CoOptedMember,
    Department,
    JurisdictionRule,
    OfficePeriod,
    Organisation,
    Region,
    User,
    WorkCalendar,
)
from governance.selectors import clear_calendar_cache
from governance.services import department_sync_liaisons

DEFAULT_DEMO_PASSWORD = "demo12345"

# --- Places --------------------------------------------------------------------------------------

CITY = ("620200", "嘉峪关市")
DISTRICT = ("620201", "示范区")


@dataclass(frozen=True)
class StreetSpec:
    code: str
    name: str
    case_prefix: str


@dataclass(frozen=True)
class CommunitySpec:
    """A community and the number of community grids the demo gives it (demo.grids draws them)."""

    street_code: str
    code: str
    name: str
    short: str  # used in grid names: 雄关一网格
    grids: int
    officer: str  # username of the community centre officer


STREETS = [
    StreetSpec("620201001", "雄关街道", "XG"),
    StreetSpec("620201002", "水果湖街道", "SGH"),
]
COMMUNITIES = [
    CommunitySpec("620201001", "620201001001", "雄关社区", "雄关", 6, "shequ01"),
    CommunitySpec("620201001", "620201001002", "关城社区", "关城", 5, "shequ02"),
    CommunitySpec("620201001", "620201001003", "明珠社区", "明珠", 5, "shequ03"),
    CommunitySpec("620201001", "620201001004", "长城社区", "长城", 5, "shequ04"),
    CommunitySpec("620201002", "620201002001", "湖滨社区", "湖滨", 5, "shequ05"),
    CommunitySpec("620201002", "620201002002", "果园社区", "果园", 5, "shequ06"),
]

# --- Departments (职能部门): code, name, level of the region they sit at, liaison username, liaison name ---

DEPARTMENTS = [
    ("cgzf", "城管执法", RegionLevel.DISTRICT, "chengguan01", "城管联络员 马强"),
    ("pcs", "公安派出所", RegionLevel.STREET, "paichusuo01", "派出所联络员 何警官"),
    ("scjg", "市场监管所", RegionLevel.STREET, "shijian01", "市监联络员 罗敏"),
    ("zj", "住建", RegionLevel.DISTRICT, "zhujian01", "住建联络员 高远"),
    ("sthj", "生态环境", RegionLevel.DISTRICT, "huanbao01", "环保联络员 林清"),
    ("sfs", "司法所", RegionLevel.STREET, "sifa01", "司法所联络员 宋律"),
    ("mz", "民政", RegionLevel.DISTRICT, "minzheng01", "民政联络员 唐慧"),
    ("sw", "水务", RegionLevel.DISTRICT, "shuiwu01", "水务联络员 韩涛"),
    ("xf", "消防", RegionLevel.DISTRICT, "xiaofang01", "消防联络员 曹勇"),
]
# Street-level departments sit at this street (the demo's main street).
DEPARTMENT_STREET_CODE = "620201001"

# --- Matter catalogue (DEMO.md): 大类 code/name/English, then 小类 rows ---------------------------

MAJORS = [
    ("01", "市容环境", "City appearance"),
    ("02", "宣传广告", "Advertising"),
    ("03", "邻里关系", "Neighbour relations"),
    ("04", "矛盾纠纷", "Disputes"),
    ("05", "街面秩序", "Street order"),
    ("06", "施工管理", "Construction"),
    ("07", "公用设施", "Public facilities"),
    ("08", "安全隐患", "Safety hazards"),
    ("09", "物业管理", "Property management"),
    ("10", "治安", "Public order"),
    ("11", "特殊人群", "Special populations"),
    ("12", "道路交通", "Roads and traffic"),
    ("13", "生态环境", "Environment"),
    ("14", "劳动保障", "Labour protection"),
    ("15", "食品安全", "Food safety"),
]

# code, major code, name, English, grade, handling limit, unit, department codes, note
# fmt: off
CATALOGUE = [
    ("0101", "01", "暴露垃圾", "Exposed rubbish", Grade.A, 1, TimeUnit.WORKING_DAYS, [], ""),
    ("0102", "01", "楼道堆物", "Clutter in stairwells", Grade.A, 2, TimeUnit.WORKING_DAYS, [], ""),
    ("0103", "01", "道路不洁", "Dirty road", Grade.A, 5, TimeUnit.WORKING_HOURS, [], ""),
    ("0104", "02", "非法小广告", "Illegal flyers", Grade.A, 1, TimeUnit.WORKING_DAYS, [], ""),
    ("0105", "03", "宠物扰民", "Pets disturbing neighbours", Grade.A, 3, TimeUnit.WORKING_DAYS, [], ""),
    (
        "0106", "04", "一般邻里纠纷", "Simple neighbour dispute", Grade.A, 3, TimeUnit.WORKING_DAYS, ["sfs"],
        "网格调解；必要时请司法所协助调解",
    ),
    ("0201", "05", "占道经营", "Street vending", Grade.B, 1, TimeUnit.WORKING_DAYS, ["cgzf"], ""),
    ("0202", "06", "违法搭建", "Illegal construction", Grade.B, 15, TimeUnit.WORKING_DAYS, ["cgzf", "zj"], ""),
    (
        "0203", "06", "夜间施工噪音", "Night construction noise", Grade.B, 2, TimeUnit.WORKING_DAYS,
        ["cgzf", "sthj"], "",
    ),
    ("0204", "01", "餐饮油烟扰民", "Restaurant fumes", Grade.B, 5, TimeUnit.WORKING_DAYS, ["scjg", "sthj"], ""),
    ("0205", "07", "井盖缺失", "Missing manhole cover", Grade.B, 2, TimeUnit.HOURS, ["sw"], ""),
    ("0206", "08", "消防通道堵塞", "Fire lane blocked", Grade.B, 4, TimeUnit.HOURS, ["xf", "pcs"], ""),
    ("0207", "09", "物业服务纠纷", "Property-service dispute", Grade.B, 10, TimeUnit.WORKING_DAYS, ["zj"], ""),
    ("0208", "10", "群租房", "Overcrowded rental", Grade.B, 7, TimeUnit.WORKING_DAYS, ["pcs", "zj"], ""),
    (
        "0209", "04", "复杂矛盾纠纷", "Complex dispute", Grade.B, 10, TimeUnit.WORKING_DAYS, ["sfs", "pcs"],
        "三调联动：人民调解、行政调解、司法调解",
    ),
    (
        "0210", "11", "特殊人群异常情况", "Special-population incident", Grade.B, 2, TimeUnit.HOURS,
        ["pcs", "sfs", "mz"], "",
    ),
    ("0301", "12", "道路塌陷", "Road collapse", Grade.C, 24, TimeUnit.HOURS, ["zj"], ""),
    ("0302", "13", "河道污染", "River pollution", Grade.C, 5, TimeUnit.WORKING_DAYS, ["sthj"], ""),
    ("0303", "14", "拖欠工资", "Unpaid wages", Grade.C, 15, TimeUnit.WORKING_DAYS, ["mz"], "或由人社部门承办"),
    ("0304", "15", "食品安全投诉", "Food-safety complaint", Grade.C, 5, TimeUnit.WORKING_DAYS, ["scjg"], ""),
    ("0401", "07", "供水主管爆裂", "Water-main burst", Grade.D, 4, TimeUnit.HOURS, ["sw"], ""),
    ("0402", "08", "重大安全隐患", "Major hazard", Grade.D, 24, TimeUnit.HOURS, ["xf", "zj"], ""),
]
# fmt: on
GRADE_HOME = {"A": Level.GRID, "B": Level.STREET, "C": Level.DISTRICT, "D": Level.CITY}

# Default limits per level (category empty): how long a case may sit at a level before it climbs.
LEVEL_DEFAULTS = [
    (Level.GRID, 1),
    (Level.COMMUNITY, 2),
    (Level.STREET, 3),
    (Level.DISTRICT, 5),
    (Level.CITY, 5),
]
ACCEPT_LIMIT = (2, TimeUnit.WORKING_HOURS)

# --- Calendar: 国务院办公厅 2026 holiday schedule ---------------------------------------------------

CALENDAR_NAME = "标准工作日历"
OFFICE_PERIODS = [(time(8, 30), time(12, 0)), (time(14, 0), time(17, 30))]
HOLIDAYS_2026 = [
    (date(2026, 1, 1), date(2026, 1, 3), "元旦"),
    (date(2026, 2, 15), date(2026, 2, 23), "春节"),
    (date(2026, 4, 4), date(2026, 4, 6), "清明节"),
    (date(2026, 5, 1), date(2026, 5, 5), "劳动节"),
    (date(2026, 6, 19), date(2026, 6, 21), "端午节"),
    (date(2026, 9, 25), date(2026, 9, 27), "中秋节"),
    (date(2026, 10, 1), date(2026, 10, 7), "国庆节"),
]
MAKEUP_WORKDAYS_2026 = [
    (date(2026, 1, 4), "元旦调休上班"),
    (date(2026, 2, 14), "春节调休上班"),
    (date(2026, 2, 28), "春节调休上班"),
    (date(2026, 5, 9), "劳动节调休上班"),
    (date(2026, 9, 20), "国庆节调休上班"),
    (date(2026, 10, 10), "国庆节调休上班"),
]

# --- Accounts ----------------------------------------------------------------------------------------

# One login per role, printed by ``make run`` (username, what it is). wangge01/wangge02 are seated by demo.grids.
DEMO_ACCOUNTS = [
    ("wangge01", "网格员 · 雄关一网格（专职）"),
    ("wangge02", "网格员 · 雄关二网格（专职）"),
    ("shequ01", "社区综治中心 · 雄关社区"),
    ("jiedao01", "街道综治中心 · 雄关街道"),
    ("qu01", "区综治中心 · 示范区"),
    ("chengguan01", "部门联络员 · 城管执法"),
    ("paichusuo01", "部门联络员 · 公安派出所"),
    ("dangyuan01", "双报到党员 · 雄关社区（微心愿、服务任务）"),
    ("gongdian01", "单位账号 · 国网嘉峪关供电公司（本单位责任清单、述职、认领心愿）"),
    ("admin", "系统管理员（超级用户）"),
]

# Centre staff: username, full name, region code.
CENTRE_STAFF = [
    ("shi01", "嘉峪关市综治中心 严主任", CITY[0]),
    ("qu01", "示范区综治中心 褚主任", DISTRICT[0]),
    ("jiedao01", "雄关街道综治中心 郑主任", "620201001"),
    ("jiedao02", "雄关街道综治中心 冯干事", "620201001"),
    ("jiedao11", "水果湖街道综治中心 陈主任", "620201002"),
    ("jiedao12", "水果湖街道综治中心 蒋干事", "620201002"),
    *[(c.officer, f"{c.name}综治中心 专干{i + 1:02d}", c.code) for i, c in enumerate(COMMUNITIES)],
]

# Units in the area co-opted onto the extended committees (大工委 / 大党委): committee owner code, unit, person, post.
CO_OPTED = [
    ("620201001", "酒钢集团公司", "刘建国", "党委副书记"),
    ("620201001", "嘉峪关市第三中学", "王丽", "党总支书记"),
    ("620201001", "示范区人民医院", "张华", "党委委员"),
    ("620201001", "国网嘉峪关供电公司", "李明", "党支部书记"),
    ("620201001", "雄关农贸市场管理公司", "赵强", "负责人"),
    ("620201002", "水果湖小学", "孙芳", "校长"),
    ("620201002", "湖滨物业服务公司", "周斌", "党支部书记"),
    ("620201001001", "雄关小区业主委员会", "吴敏", "主任"),
    ("620201001001", "雄关社区卫生服务站", "郑洁", "站长"),
    ("620201001002", "关城物业服务中心", "冯磊", "经理"),
]


def demo_password() -> str:
    """The demo accounts' password: ``DEMO_PASSWORD`` from the environment, else ``demo12345``."""
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


class _PasswordKeeper:
    """Hashes the demo password once per run and remembers which stored hashes already verify."""

    def __init__(self) -> None:
        self.raw: str | None = None
        self.fresh_hash: str | None = None
        self.verified: set[str] = set()

    def _reset_if_changed(self) -> None:
        raw = demo_password()
        if raw != self.raw:
            self.raw, self.fresh_hash, self.verified = raw, None, set()

    def new_hash(self) -> str:
        self._reset_if_changed()
        if self.fresh_hash is None:
            self.fresh_hash = make_password(self.raw)
            self.verified.add(self.fresh_hash)
        return self.fresh_hash

    def verifies(self, encoded: str) -> bool:
        self._reset_if_changed()
        if encoded in self.verified:
            return True
        if encoded and check_password(self.raw, encoded):
            self.verified.add(encoded)
            return True
        return False


_passwords = _PasswordKeeper()


def ensure_user(username: str, **fields) -> User:
    """The demo account ``username``: created with ``fields`` and the demo password when missing.

    An existing account keeps its fields; only its password is set back to the demo password
    when that no longer verifies (so the logins ``make run`` prints always work).
    """
    user = User.objects.filter(username=username).first()
    if user is None:
        fields.setdefault("email", f"{username}@demo.example.cn")
        user = User(username=username, **fields)
        user.password = _passwords.new_hash()
        user.save()
        return user
    if not _passwords.verifies(user.password):
        user.password = _passwords.new_hash()
        user.save(update_fields=["password"])
    return user


def _region(code: str, name: str, level: str, parent: Region | None, case_prefix: str = "") -> Region:
    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent, "case_prefix": case_prefix}
    )
    return region


def organisation(region: Region, name: str, kind: str, parent: Organisation | None = None, **extra) -> Organisation:
    """The organisation called ``name`` in ``region`` (created on first call; its line follows its kind)."""
    from governance.choices import ORG_KIND_LINE

    defaults = {"kind": kind, "line": ORG_KIND_LINE[OrgKind(kind)], "parent": parent, **extra}
    org, _ = Organisation.objects.get_or_create(region=region, name=name, defaults=defaults)
    return org


def _build_regions() -> dict[str, Region]:
    regions: dict[str, Region] = {}
    city = regions[CITY[0]] = _region(CITY[0], CITY[1], RegionLevel.CITY, None)
    district = regions[DISTRICT[0]] = _region(DISTRICT[0], DISTRICT[1], RegionLevel.DISTRICT, city)
    for s in STREETS:
        regions[s.code] = _region(s.code, s.name, RegionLevel.STREET, district, s.case_prefix)
    for c in COMMUNITIES:
        regions[c.code] = _region(c.code, c.name, RegionLevel.COMMUNITY, regions[c.street_code])
    return regions


def _build_organisations(regions: dict[str, Region]) -> None:
    """Two lines ("五级双线"): party 街道党工委 → 社区党委 (grid branches come with the grids), and
    government 街道办事处 → 居委会, with a 综治中心 at city, district, street and community level."""
    city, district = regions[CITY[0]], regions[DISTRICT[0]]
    city_centre = organisation(city, "嘉峪关市综治中心", OrgKind.GOVERNANCE_CENTRE)
    district_centre = organisation(
        district, "示范区综治中心（网格化服务管理中心）", OrgKind.GOVERNANCE_CENTRE, city_centre
    )
    committees: dict[str, Organisation] = {}
    offices: dict[str, Organisation] = {}
    for s in STREETS:
        street = regions[s.code]
        committees[s.code] = organisation(street, f"{s.name}党工委", OrgKind.STREET_PARTY_COMMITTEE, is_extended=True)
        offices[s.code] = organisation(street, f"{s.name}办事处", OrgKind.STREET_OFFICE)
        organisation(street, f"{s.name}综治中心", OrgKind.GOVERNANCE_CENTRE, district_centre)
        organisation(street, f"{s.name}综合执法队", OrgKind.ENFORCEMENT_TEAM, offices[s.code])
    for c in COMMUNITIES:
        community = regions[c.code]
        committees[c.code] = organisation(
            community, f"{c.name}党委", OrgKind.COMMUNITY_PARTY_COMMITTEE, committees[c.street_code], is_extended=True
        )
        residents = organisation(community, f"{c.name}居委会", OrgKind.RESIDENTS_COMMITTEE, offices[c.street_code])
        organisation(community, f"{c.name}综治中心", OrgKind.GOVERNANCE_CENTRE, residents)
    for owner_code, unit, person, post in CO_OPTED:
        CoOptedMember.objects.get_or_create(
            committee=committees[owner_code],
            unit_name=unit,
            defaults={"representative": person, "position": post, "since": date(2025, 1, 1)},
        )


def _build_departments(regions: dict[str, Region]) -> dict[str, Department]:
    departments: dict[str, Department] = {}
    for code, name, level, username, full_name in DEPARTMENTS:
        region = regions[DEPARTMENT_STREET_CODE] if level == RegionLevel.STREET else regions[DISTRICT[0]]
        dept, _ = Department.objects.get_or_create(
            code=code, defaults={"name": name, "region": region, "email": f"{code}@demo.example.cn"}
        )
        departments[code] = dept
        ensure_user(username, role=Role.LIAISON, full_name=full_name, department=dept, phone="13900000000")
        # Liaisons must be members of the department's Group ``dept:<code>`` (per-case grants go to the group).
        department_sync_liaisons(dept)
    return departments


def _build_catalogue(departments: dict[str, Department]) -> None:
    majors = {}
    for code, name, name_en in MAJORS:
        majors[code], _ = Category.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en})
    for code, major, name, name_en, grade, limit, unit, dept_codes, note in CATALOGUE:
        sub, _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "parent": majors[major], "grade": grade}
        )
        home = home_level(sub.grade)  # D is the city's, but never above the configured top (its limits are kept)
        if JurisdictionRule.objects.filter(category=sub, level=home, valid_to__isnull=True).exists():
            continue
        handler = HandlerKind.DEPARTMENTS if dept_codes and grade != Grade.A else HandlerKind.CENTRE
        rule = JurisdictionRule.objects.create(
            category=sub,
            level=home,
            handler_kind=handler,
            accept_limit=ACCEPT_LIMIT[0],
            accept_unit=ACCEPT_LIMIT[1],
            handling_limit=limit,
            handling_unit=unit,
            note=note,
        )
        rule.departments.set([departments[d] for d in dept_codes])
    for level, days in LEVEL_DEFAULTS:
        if LEVEL_ORDER.index(level) > LEVEL_ORDER.index(Level(top_level())):
            continue  # no rule above the top level (JurisdictionRule.clean refuses it)
        if not JurisdictionRule.objects.filter(category__isnull=True, level=level, valid_to__isnull=True).exists():
            JurisdictionRule.objects.create(
                category=None,
                level=level,
                handler_kind=HandlerKind.CENTRE,
                accept_limit=ACCEPT_LIMIT[0],
                accept_unit=ACCEPT_LIMIT[1],
                handling_limit=days,
                handling_unit=TimeUnit.WORKING_DAYS,
                note="本层级默认时限",
            )


def _build_calendar() -> WorkCalendar:
    calendar = WorkCalendar.objects.filter(name=CALENDAR_NAME).first()
    if calendar is None:
        calendar = WorkCalendar.objects.create(
            name=CALENDAR_NAME, weekdays="12345", is_default=not WorkCalendar.objects.filter(is_default=True).exists()
        )
    if not calendar.periods.exists():
        for start, end in OFFICE_PERIODS:
            OfficePeriod.objects.create(calendar=calendar, start=start, end=end)
    for first, last, note in HOLIDAYS_2026:
        day = first
        while day <= last:
            CalendarDay.objects.get_or_create(
                calendar=calendar, date=day, defaults={"kind": DayKind.HOLIDAY, "note": note}
            )
            day += timedelta(days=1)
    for day, note in MAKEUP_WORKDAYS_2026:
        CalendarDay.objects.get_or_create(calendar=calendar, date=day, defaults={"kind": DayKind.WORKDAY, "note": note})
    transaction.on_commit(clear_calendar_cache)
    return calendar


def _build_accounts(regions: dict[str, Region]) -> None:
    for username, full_name, region_code in CENTRE_STAFF:
        ensure_user(username, role=Role.CENTRE_STAFF, full_name=full_name, region=regions[region_code])
    ensure_user("admin", role=Role.ADMIN, full_name="系统管理员", is_staff=True, is_superuser=True)


@transaction.atomic
def build() -> None:
    """Create (or find) the governance part of the demo world. Safe to run any number of times."""
    regions = _build_regions()
    _build_organisations(regions)
    departments = _build_departments(regions)
    _build_catalogue(departments)
    _build_calendar()
    _build_accounts(regions)
