"""Vocabularies of the cases app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    REPORTED = "reported", _("待受理")
    ACCEPTED = "accepted", _("待派遣")
    DISPATCHED = "dispatched", _("待签收")
    IN_PROGRESS = "in_progress", _("处置中")
    ON_HOLD = "on_hold", _("挂账")
    RESOLVED = "resolved", _("待核查")
    CLOSED = "closed", _("已结案")
    REJECTED = "rejected", _("不予受理")
    MERGED = "merged", _("已合并")


#: Statuses whose clock runs: the sweep escalates these when ``due_at`` passes.
CLOCK_STATUSES = (Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS)
#: Everything not finished.
OPEN_STATUSES = (*CLOCK_STATUSES, Status.ON_HOLD, Status.RESOLVED)
FINAL_STATUSES = (Status.CLOSED, Status.REJECTED, Status.MERGED)


class Channel(models.TextChoices):
    PATROL = "patrol", _("巡查发现")
    CITIZEN_WEB = "citizen_web", _("群众网上反映")
    HOTLINE = "hotline", _("12345热线")
    MESSAGE_BOARD = "message_board", _("留言板")
    WALK_IN = "walk_in", _("来访")
    OPEN311 = "open311", _("Open311")
    API = "api", _("接口")


class HandlerKind(models.TextChoices):
    GRID_TEAM = "grid_team", _("网格团队")
    CENTRE = "centre", _("综治中心")
    DEPARTMENTS = "departments", _("职能部门")


class EvidenceStage(models.TextChoices):
    REPORT = "report", _("上报")
    RESOLUTION = "resolution", _("处置结果")
    VERIFICATION = "verification", _("核查")
    RESPONSE = "response", _("部门反馈")
    OTHER = "other", _("其他")


class RatingResult(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ReturnReason(models.TextChoices):
    NOT_IN_REMIT = "not_in_remit", _("不属本单位职责")
    WRONG_PLACE = "wrong_place", _("地址不在辖区")
    INSUFFICIENT_INFO = "insufficient_info", _("信息不全")
    DUPLICATE = "duplicate", _("重复派遣")
    OTHER = "other", _("其他")
    RECALLED = "recalled", _("派遣方撤回")  # the dispatcher took the dispatch back before it was signed for (recall)


#: The reasons a handler may give for a 退单 (the dispatcher's own recall is not one of them).
HANDLER_RETURN_REASONS = [(value, label) for value, label in ReturnReason.choices if value != ReturnReason.RECALLED]


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("已驳回")
