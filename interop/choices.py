"""Vocabularies of the interop app (the 12345 exchange's codes are the wire values in docs/interop-12345.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RequestType(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("紧急")
    EMERGENCY = "emergency", _("特急")


#: Queue order: the most urgent first.
URGENCY_RANK = {Urgency.EMERGENCY: 0, Urgency.URGENT: 1, Urgency.NORMAL: 2}


class ReturnCode(models.TextChoices):
    """退单 reasons the hotline accepts."""

    WRONG_AREA = "wrong_area", _("属地不符")
    UNCLEAR_OWNERSHIP = "unclear_ownership", _("权属不清")
    OVERLAPPING_DUTIES = "overlapping_duties", _("职能交叉")


class OrderRequestKind(models.TextChoices):
    RETURN = "return", _("退单申请")
    EXTENSION = "extension", _("延期申请")


class RequestState(models.TextChoices):
    PENDING = "pending", _("待热线审核")
    APPROVED = "approved", _("热线已同意")
    REFUSED = "refused", _("热线已驳回")
    WITHDRAWN = "withdrawn", _("已失效（申请人不再承办）")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    DEAD = "dead", _("投递失败（死信）")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Decision(models.TextChoices):
    """What the hotline answers (``POST /interop/12345/orders/{order_id}/decisions/``)."""

    RETURN_APPROVED = "return_approved", _("同意退单")
    RETURN_REFUSED = "return_refused", _("驳回退单")
    EXTENSION_APPROVED = "extension_approved", _("同意延期")
    EXTENSION_REFUSED = "extension_refused", _("驳回延期")
    FOLLOW_UP = "follow_up", _("回访结果")
    REOPEN = "reopen", _("重办")


#: Case event → message type sent to the partner (the case events the hotline cares about).
HOTLINE_MESSAGES = {
    "accept": "signed",  # 签收: the street's centre has received the order
    "extension_request": "extension_requested",  # 延期申请
    "dispatch": "dispatched",
    "resolve": "resolved",  # 办结反馈
    "self_handle": "resolved",
    "verify_failed": "rework",
    "verify_ok": "closed",
    "close": "closed",
    "reject": "rejected",
    "merge": "merged",
    "recall": "dispatch_recalled",  # 撤回派遣: the targets of the last ``dispatched`` no longer have it
    "reopen": "reopened",
    "escalate": "escalated",
}

#: What each message to the hotline says, for the people who read the order's outbox (the wire value is shown too).
HOTLINE_MESSAGE_LABELS = {
    "signed": pgettext_lazy("hotline message", "签收"),
    "extension_requested": pgettext_lazy("hotline message", "延期申请"),
    "extension_withdrawn": pgettext_lazy("hotline message", "延期申请失效"),
    "return_requested": pgettext_lazy("hotline message", "退单申请"),
    "dispatched": pgettext_lazy("hotline message", "派遣"),
    "resolved": pgettext_lazy("hotline message", "办结反馈"),
    "rework": pgettext_lazy("hotline message", "核查未通过，返工"),
    "closed": pgettext_lazy("hotline message", "核查通过，办结"),
    "rejected": pgettext_lazy("hotline message", "不予受理"),
    "merged": pgettext_lazy("hotline message", "合并"),
    "dispatch_recalled": pgettext_lazy("hotline message", "撤回派遣"),
    "reopened": pgettext_lazy("hotline message", "重办"),
    "escalated": pgettext_lazy("hotline message", "已上报上级"),
}


def message_label(event_type: str) -> str:
    """A message's type in words: a 12345 message's label, else the type as sent (a webhook's ``case.<action>``)."""
    label = HOTLINE_MESSAGE_LABELS.get(event_type)
    return str(label) if label is not None else event_type
