"""Notices in the reader's language: the templates a notice's title and body are made from, and those of a summons
record's note (``services.whistles``), registered with ``core.stored_text`` by ``EscalationConfig.ready()``."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_
from django.utils.translation import pgettext_lazy

from core.stored_text import localize, register_templates

__all__ = ["RECORD_TEMPLATES", "TEMPLATES", "WORDS", "localize", "register", "register_templates"]

#: Every template a notice title or body is made from (the same msgids as where they are written).
TEMPLATES = [
    N_("【%(label)s】%(ref)s已由%(from)s上报至%(to)s，请%(to)s综治中心及时受理派遣"),
    N_("【不满意】%(ref)s群众评价为不满意"),
    N_("【延期】%(ref)s的延期申请%(verdict)s"),
    N_("【延期申请】%(ref)s申请延期，请审批"),
    N_("【待核查】%(ref)s已处置，请核查"),
    N_("【挂账】%(ref)s的挂账申请%(verdict)s"),
    N_("【挂账申请】%(ref)s申请挂账，请审批"),
    N_("【派遣】%(ref)s已派遣给您，请及时签收办理"),
    N_("【督办】%(ref)s已超过办理时限，列入督办"),
    N_("【返工】%(ref)s核查未通过，请重新处置"),
    N_("【退单】%(ref)s已退回（%(reason)s），请重新派遣"),
    N_("【撤回派遣】%(ref)s的派遣已被派遣方撤回，无需签收办理"),
    N_("【退单】%(ref)s被退回（%(reason)s），请重新派遣"),
    N_("【退单】%(ref)s的退单申请被驳回，请继续办理"),
    N_("【退单申请】%(ref)s申请退单（%(reason)s），请审批"),
    N_("【重办】%(ref)s已重办，请重新处置"),
    N_("【黄灯预警】%(ref)s办理时限将至（%(due)s到期），请抓紧办理"),
    N_("%(region)s吹哨：请于%(due)s前报到（%(number)s）"),
    N_("%(dept)s已反馈，请确认（%(number)s）"),
    N_("%(region)s已确认您部门的反馈（%(number)s）"),
    N_("【报到超时督办】%(why)s（%(number)s）"),
    N_("%(dept)s未按时报到（报到时限%(due)s）"),
    N_("%(dept)s未按时反馈（反馈时限%(due)s）"),
    N_("吹哨报到超时，转区综治中心督办：%(why)s"),
    N_("【恢复办理】%(ref)s已恢复办理，办理时限顺延至%(due)s"),
    N_("【恢复办理】%(ref)s已恢复办理，请继续办理"),
    N_("【挂账】%(number)s已挂账，报到和反馈时限暂停计时，恢复办理后顺延"),
    N_("【恢复办理】%(number)s已恢复办理，报到时限顺延至%(due)s"),
    N_("【恢复办理】%(number)s已恢复办理，反馈时限顺延至%(due)s"),
    N_("【挂账到期】%(ref)s预计恢复办理时间（%(until)s）已过，请恢复办理或延长挂账"),
    N_("【撤回召集】%(region)s已撤回对您部门的召集（%(number)s），无需报到"),
    N_("事件：%(title)s\n事由：%(reason)s\n反馈时限：%(respond)s"),
    # a summons record's note with the case's number (``services.whistles``)
    N_("%(dept)s已报到（%(number)s）"),
    N_("%(dept)s报到（超时报到，报到时限%(due)s）（%(number)s）"),
    N_("%(dept)s退回召集：%(reason)s（%(number)s）"),
    N_("%(dept)s申请延期至%(until)s：%(reason)s（%(number)s）"),
    N_("批准%(dept)s延期，反馈时限延至%(due)s：%(note)s（%(number)s）"),  # before the one without a note
    N_("批准%(dept)s延期，反馈时限延至%(due)s（%(number)s）"),
    N_("驳回%(dept)s的延期申请：%(note)s（%(number)s）"),
    # residents' tasks (``receivers``): the dates are data
    N_("走访逾期：应走访日期 %(date)s"),
    N_("走访严重逾期：应走访日期 %(date)s"),
    N_("居住证即将到期：%(date)s"),
]

#: Parameters of the notice templates that are words of the application (translated), not data.
WORDS = {"label", "from", "to", "verdict", "reason", "why"}

#: Words that read otherwise inside a notice than on their own (``core.stored_text``: context "notice word").
NOTICE_WORDS = [
    pgettext_lazy("notice word", "上报"),  # the label of a manual escalation: "Escalated", not the event "Report"
    pgettext_lazy("notice word", "已批准"),  # a verdict, mid-sentence
    pgettext_lazy("notice word", "被驳回"),
]

#: A summons record's note (``services.whistles``): the department's name and the times are data.
RECORD_TEMPLATES = [
    N_("%(dept)s报到（超时报到，报到时限%(due)s）"),
    N_("%(dept)s已报到"),
    N_("%(dept)s反馈：%(text)s"),
    N_("%(dept)s申请延期至%(until)s：%(reason)s"),
    N_("%(dept)s退回召集：%(reason)s"),
    N_("批准%(dept)s延期，反馈时限延至%(due)s：%(note)s"),  # before the one without a note
    N_("批准%(dept)s延期，反馈时限延至%(due)s"),
    N_("驳回%(dept)s的延期申请：%(note)s"),
    N_("撤回对%(dept)s的召集：%(reason)s"),
    N_("确认%(dept)s的反馈，报到事项完成"),
    # the case's note when the sweep supervises it for an overdue summons; ``why`` is one of the two below
    N_("吹哨报到超时，转区综治中心督办：%(why)s"),
    N_("%(dept)s未按时报到（报到时限%(due)s）"),
    N_("%(dept)s未按时反馈（反馈时限%(due)s）"),
]


def register() -> None:
    register_templates(TEMPLATES, words=WORDS, kind="notice")
    # the department's name, the times and its words are data; ``why`` is a record of its own
    register_templates(RECORD_TEMPLATES, words={"why"}, kind="record")
