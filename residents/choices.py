"""Vocabularies of the residents app. Labels are zh-hans (the default language); English comes from locale/."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessSubject(models.TextChoices):
    """What kind of personal data a logged read touched."""

    CITIZEN_CONTACT = "citizen_contact", _("群众联系方式")
    RESIDENT = "resident", _("实有人口记录")
    RESIDENT_TAG = "resident_tag", _("特殊人群标签")
    RESIDENT_IDENTITY = "resident_identity", _("身份证号/电话（明文）")
    DISPUTE_PARTY = "dispute_party", _("纠纷当事人")
    OTHER = "other", _("其他个人信息")


class AccessChannel(models.TextChoices):
    """Where the read happened."""

    PAGE = "page", _("页面")
    API = "api", _("接口")
    EXPORT = "export", _("导出")
    OPEN311 = "open311", _("Open311")
    ADMIN = "admin", _("系统配置")
