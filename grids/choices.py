"""Vocabularies of the grids app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GridKind(models.TextChoices):
    COMMUNITY = "community", _("社区网格")
    SCHOOL = "school", _("专属网格·学校")
    ENTERPRISE = "enterprise", _("专属网格·企业")
    MARKET = "market", _("专属网格·市场")
    HOSPITAL = "hospital", _("专属网格·医院")
    RELIGIOUS = "religious", _("专属网格·宗教场所")
    OTHER = "other", _("专属网格·其他")


class StaffRole(models.TextChoices):
    """ "1+1+N": one grid leader, one full-time worker, N part-time workers."""

    GRID_LEADER = "grid_leader", _("网格长")
    FULL_TIME_WORKER = "full_time_worker", _("专职网格员")
    PART_TIME_WORKER = "part_time_worker", _("兼职网格员")


SINGLE_SEAT_ROLES = (StaffRole.GRID_LEADER, StaffRole.FULL_TIME_WORKER)


class StaffSource(models.TextChoices):
    """Where a grid worker comes from (兼职网格员 are drawn from these)."""

    TWO_COMMITTEES = "two_committees", _("社区两委")
    COMMUNITY_STAFF = "community_staff", _("社区专职工作者")
    ENFORCEMENT = "enforcement", _("综合执法队")
    POLICE = "police", _("社区民警")
    PARTY_GROUP = "party_group", _("党小组长")
    BUILDING_HEAD = "building_head", _("楼栋长")
    VOLUNTEER = "volunteer", _("志愿者")
    LEGAL = "legal", _("三官一所一律")
    OTHER = "other", _("其他")
