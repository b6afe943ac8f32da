"""Vocabularies of the escalation app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SummonsStatus(models.TextChoices):
    SUMMONED = "summoned", _("待报到")
    REPORTED_IN = "reported_in", _("已报到")
    RESPONDED = "responded", _("已反馈")
    DONE = "done", _("已完成")
    RETURNED = "returned", _("已退回")
    WITHDRAWN = "withdrawn", _("已撤回")  # the whistling centre called the department off (not the department's doing)


OPEN_SUMMONS = (SummonsStatus.SUMMONED, SummonsStatus.REPORTED_IN, SummonsStatus.RESPONDED)
#: Summonses still waiting for the department (report-in or response): their clocks run.
WAITING_SUMMONS = (SummonsStatus.SUMMONED, SummonsStatus.REPORTED_IN)


class NoticeKind(models.TextChoices):
    YELLOW = "yellow", _("黄灯预警")
    RED = "red", _("红灯超时")
    ESCALATED = "escalated", _("事件上报")
    SUPERVISED = "supervised", _("督办")
    DISPATCHED = "dispatched", _("派遣")
    RETURNED = "returned", _("退单")
    WHISTLE = "whistle", _("吹哨")
    SUMMONS_OVERDUE = "summons_overdue", _("报到超时")
    EXTENSION = "extension", _("延期")
    RESOLVED = "resolved", _("待核查")
    RATED = "rated", _("评价")
    OTHER = "other", _("其他")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    SKIPPED = "skipped", _("无需发送")
