"""Vocabularies of the residents app. Labels are zh-hans (the default language); English comes from locale/."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessSubject(models.TextChoices):
    """What kind of personal data a logged read touched."""

    CITIZEN_CONTACT = "citizen_contact", _("群众联系方式")
    RESIDENT = "resident", _("实有人口记录")
    RESIDENT_TAG = "resident_tag", _("特殊人群标签")
    RESIDENT_IDENTITY = "resident_identity", _("身份证号/电话（明文）")
    ID_NUMBER_SEARCH = "id_number_search", _("按身份证号查找")
    PHONE_SEARCH = "phone_search", _("按电话号码查找")
    DISPUTE_PARTY = "dispute_party", _("纠纷当事人")
    PARTY_MEMBER = "party_member", _("党员联系电话")
    PARTY_UNIT = "party_unit", _("报到单位联系人")
    WISH_RESIDENT = "wish_resident", _("微心愿居民信息")
    OTHER = "other", _("其他个人信息")


class AccessChannel(models.TextChoices):
    """Where the read happened."""

    PAGE = "page", _("页面")
    API = "api", _("接口")
    EXPORT = "export", _("导出")
    OPEN311 = "open311", _("Open311")
    ADMIN = "admin", _("系统配置")


class HouseUse(models.TextChoices):
    OWNER = "owner", _("自住")
    RENTED = "rented", _("出租")
    VACANT = "vacant", _("空置")
    COMMERCIAL = "commercial", _("商用")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PopulationKind(models.TextChoices):
    """实有人口: registered here (户籍), floating (流动人口), living abroad-registered (境外)."""

    REGISTERED = "registered", _("户籍人口")
    FLOATING = "floating", _("流动人口")
    OVERSEAS = "overseas", _("境外人员")


class ResidentStatus(models.TextChoices):
    LIVING = "living", _("在住")
    MOVED_AWAY = "moved_away", _("已迁出")
    DECEASED = "deceased", _("已故")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    CHILD = "child", _("子女")
    PARENT = "parent", _("父母")
    GRANDCHILD = "grandchild", _("孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    TENANT = "tenant", _("租户")
    OTHER = "other", _("其他")


class InflowReason(models.TextChoices):
    WORK = "work", _("务工")
    BUSINESS = "business", _("经商")
    STUDY = "study", _("就学")
    FAMILY = "family", _("投亲靠友")
    OTHER = "other", _("其他")


class ResidenceType(models.TextChoices):
    RENTED = "rented", _("租赁房屋")
    DORMITORY = "dormitory", _("单位内部")
    RELATIVES = "relatives", _("借住亲友家")
    WORKSITE = "worksite", _("工地现场")
    OTHER = "other", _("其他")


class TagGroup(models.TextChoices):
    """GB/T 31000: the five core special populations, 重点青少年 (its own area), and local extensions ("X")."""

    CORE = "core", _("特殊人群")
    YOUTH = "youth", _("重点青少年")
    LOCAL = "local", _("地方扩展")


class Sensitivity(models.IntegerChoices):
    NORMAL = 1, _("一般")
    SENSITIVE = 2, _("敏感")
    HIGHLY_SENSITIVE = 3, _("高度敏感（不导出）")


class Audience(models.TextChoices):
    """Who may see a tag category (besides the departments chosen on the category, and admins).

    Grid roles count on the grids the user staffs now; centre roles on the regions under the user's.
    """

    GRID_LEADER = "grid_leader", _("网格长")
    FULL_TIME_WORKER = "full_time_worker", _("专职网格员")
    PART_TIME_WORKER = "part_time_worker", _("兼职网格员")
    COMMUNITY_STAFF = "community_staff", _("社区综治中心")
    STREET_STAFF = "street_staff", _("街道综治中心")
    DISTRICT_STAFF = "district_staff", _("区综治中心")


class Light(models.TextChoices):
    GREEN = "green", _("正常")
    YELLOW = "yellow", _("逾期")
    RED = "red", _("严重逾期")


class DiaryTopic(models.TextChoices):
    LIVELIHOOD = "livelihood", _("民生诉求")
    DISPUTE = "dispute", _("矛盾纠纷")
    SAFETY = "safety", _("安全隐患")
    ENVIRONMENT = "environment", _("环境卫生")
    SUGGESTION = "suggestion", _("意见建议")
    OTHER = "other", _("其他")


class Mood(models.TextChoices):
    CONTENT = "content", _("满意")
    NEUTRAL = "neutral", _("平稳")
    UNHAPPY = "unhappy", _("不满")
    AGITATED = "agitated", _("情绪激烈")
