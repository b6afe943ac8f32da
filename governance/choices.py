"""Vocabularies of the governance app. Labels are zh-hans (the default language); English comes from locale/."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """Where a case sits. Order matters: a case climbs grid → community → street → district → city."""

    GRID = "grid", _("网格")
    COMMUNITY = "community", _("社区")
    STREET = "street", _("街道")
    DISTRICT = "district", _("区")
    CITY = "city", _("市")


LEVEL_ORDER = [Level.GRID, Level.COMMUNITY, Level.STREET, Level.DISTRICT, Level.CITY]


def next_level(level: str) -> str | None:
    """The level above ``level``, or None at the top of the chain."""
    i = LEVEL_ORDER.index(Level(level))
    return LEVEL_ORDER[i + 1] if i + 1 < len(LEVEL_ORDER) else None


class RegionLevel(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区/县")
    STREET = "street", _("街道/乡镇")
    COMMUNITY = "community", _("社区")


REGION_PARENT_LEVEL = {
    RegionLevel.DISTRICT: RegionLevel.CITY,
    RegionLevel.STREET: RegionLevel.DISTRICT,
    RegionLevel.COMMUNITY: RegionLevel.STREET,
}


class OrgLine(models.TextChoices):
    PARTY = "party", _("党组织")
    GOVERNMENT = "government", _("政府")


class OrgKind(models.TextChoices):
    STREET_PARTY_COMMITTEE = "street_party_committee", _("街道党工委")
    COMMUNITY_PARTY_COMMITTEE = "community_party_committee", _("社区党委/总支")
    GRID_PARTY_BRANCH = "grid_party_branch", _("网格党支部")
    BUILDING_PARTY_GROUP = "building_party_group", _("楼栋党小组")
    STREET_OFFICE = "street_office", _("街道办事处")
    RESIDENTS_COMMITTEE = "residents_committee", _("居委会")
    GOVERNANCE_CENTRE = "governance_centre", _("综治中心")
    ENFORCEMENT_TEAM = "enforcement_team", _("综合执法队")
    OTHER = "other", _("其他")


ORG_KIND_LINE = {
    OrgKind.STREET_PARTY_COMMITTEE: OrgLine.PARTY,
    OrgKind.COMMUNITY_PARTY_COMMITTEE: OrgLine.PARTY,
    OrgKind.GRID_PARTY_BRANCH: OrgLine.PARTY,
    OrgKind.BUILDING_PARTY_GROUP: OrgLine.PARTY,
    OrgKind.STREET_OFFICE: OrgLine.GOVERNMENT,
    OrgKind.RESIDENTS_COMMITTEE: OrgLine.GOVERNMENT,
    OrgKind.GOVERNANCE_CENTRE: OrgLine.GOVERNMENT,
    OrgKind.ENFORCEMENT_TEAM: OrgLine.GOVERNMENT,
    OrgKind.OTHER: OrgLine.GOVERNMENT,
}


class Grade(models.TextChoices):
    """Seed 002: A grid handles; B street (internal or by whistle); C district command centre; D city."""

    A = "A", _("A级（简单，网格处置）")
    B = "B", _("B级（一般，街道处置）")
    C = "C", _("C级（复杂，区处置）")
    D = "D", _("D级（疑难，市处置）")


GRADE_LEVEL = {"A": Level.GRID, "B": Level.STREET, "C": Level.DISTRICT, "D": Level.CITY}


def top_level() -> str:
    """The highest level a case reaches: ``settings.TOP_LEVEL`` (district, or city where the city centre takes
    part). Cases never climb above it, and no jurisdiction rule may be set above it (``JurisdictionRule.clean``),
    so a D-grade case filed where the top is the district is handled there with the district's rule."""
    from django.conf import settings

    return settings.TOP_LEVEL if settings.TOP_LEVEL in (Level.DISTRICT, Level.CITY) else Level.DISTRICT


def home_level(grade: str) -> str:
    """The level the grade says a case is handled at (A grid, B street, C district, D city), never above the top."""
    level = GRADE_LEVEL[grade] if grade else Level.GRID
    top = top_level()
    return top if LEVEL_ORDER.index(Level(level)) > LEVEL_ORDER.index(Level(top)) else level


class TimeUnit(models.TextChoices):
    MINUTES = "minutes", _("分钟")
    HOURS = "hours", _("小时")
    WORKING_HOURS = "working_hours", _("工作小时")
    WORKING_DAYS = "working_days", _("工作日")


#: Office hours in a working day of the default calendar (08:30–12:00 and 14:00–17:30): how a limit in working
#: hours is counted in working days when it is bounded (``limit_ceiling``).
WORKING_HOURS_PER_DAY = 7
#: Working days in a week of the default calendar (Monday to Friday).
WORKING_DAYS_PER_WEEK = 5


def limit_ceiling(unit: str) -> int:
    """The longest time limit a rule may set in ``unit``: ``MAX_DUE_HORIZON_DAYS`` calendar days' worth (366 by
    default) — 527,040 minutes, 8,784 hours, and in working time the default calendar's working week in those days
    (five days of seven hours: 261 working days, 1,827 working hours), as the whistle's response limit counts them
    (``escalation.services.whistles.max_response_limit``). 366 *working* days put a due time 17 months out, past
    the horizon every extension is held to. A longer limit still could not be placed by the clock at all (it looks
    ten years ahead for working time, and no instant lies past year 9999): it made every filing of the category a
    500."""
    from django.conf import settings

    days: int = settings.MAX_DUE_HORIZON_DAYS
    working_days = days * WORKING_DAYS_PER_WEEK // 7
    return {
        TimeUnit.MINUTES: days * 24 * 60,
        TimeUnit.HOURS: days * 24,
        TimeUnit.WORKING_HOURS: working_days * WORKING_HOURS_PER_DAY,
        TimeUnit.WORKING_DAYS: working_days,
    }[TimeUnit(unit)]


def max_limit_minutes() -> int:
    """``limit_ceiling`` in minutes, for a field whose limit is always in minutes (a callable: the setting is read
    when a value is validated, and migrations keep the reference, not a number)."""
    return limit_ceiling(TimeUnit.MINUTES)


def max_limit_hours() -> int:
    """``limit_ceiling`` in hours, for a field whose limit is always in (calendar) hours."""
    return limit_ceiling(TimeUnit.HOURS)


class HandlerKind(models.TextChoices):
    CENTRE = "centre", _("本级综治中心")
    DEPARTMENTS = "departments", _("职能部门")


class Role(models.TextChoices):
    """A user's working role; scope comes from ``User.region`` (centre staff) or ``User.department`` (liaison)."""

    GRID_WORKER = "grid_worker", _("网格员")
    CENTRE_STAFF = "centre_staff", _("综治中心工作人员")
    LIAISON = "liaison", _("部门联络员")
    ADMIN = "admin", _("管理员")
    CITIZEN = "citizen", _("群众")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("节假日（休息）")
    WORKDAY = "workday", _("调休上班")
