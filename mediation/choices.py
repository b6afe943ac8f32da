"""The vocabularies of 三调联动 dispute mediation (also held by the database as check constraints)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DisputeKind(models.TextChoices):
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    FAMILY = "family", _("婚姻家庭纠纷")
    PROPERTY = "property", _("物业纠纷")
    LABOUR = "labour", _("劳动争议")
    TOURISM = "tourism", _("旅游消费纠纷")
    CONTRACT = "contract", _("合同纠纷")
    HOUSING = "housing", _("房屋土地纠纷")
    TRAFFIC = "traffic", _("交通事故纠纷")
    OTHER = "other", _("其他纠纷")


class Risk(models.TextChoices):
    LOW = "low", _("低")
    MEDIUM = "medium", _("中")
    HIGH = "high", _("高（可能激化）")


class Place(models.TextChoices):
    """Where a dispute was found or resolved: the seed's 微事不出网格, 小事不出社区, 大事不出街道."""

    GRID = "grid", _("网格")
    COMMUNITY = "community", _("社区")
    STREET = "street", _("街道")
    DISTRICT = "district", _("区及以上")


#: "矛盾不上交": resolved at one of these places counts as resolved within the street.
WITHIN_STREET = (Place.GRID, Place.COMMUNITY, Place.STREET)


class Track(models.TextChoices):
    PEOPLE = "people", _("人民调解")
    ADMINISTRATIVE = "administrative", _("行政调解")
    JUDICIAL = "judicial", _("司法调解")


#: Default time limits per track, in days, when the admin has configured none (people's mediation: 30 days).
DEFAULT_TRACK_DAYS = {Track.PEOPLE: 30, Track.ADMINISTRATIVE: 30, Track.JUDICIAL: 30}


class Status(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    MEDIATING = "mediating", _("调解中")
    AGREED = "agreed", _("调解成功")
    FAILED = "failed", _("调解不成")
    REFERRED = "referred", _("已移交")
    TO_CASE = "to_case", _("已转事件")


OPEN_STATUSES = (Status.REGISTERED, Status.MEDIATING, Status.FAILED)


class Outcome(models.TextChoices):
    CONTINUED = "continued", _("继续调解")
    AGREEMENT = "agreement", _("达成协议")
    NO_AGREEMENT = "no_agreement", _("未达成协议")
    REFERRED = "referred", _("移交")


class PartyKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ORGANISATION = "organisation", _("单位")


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")
    OTHER = "other", _("其他当事人")
