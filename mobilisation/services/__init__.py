"""Every write of the mobilisation app: one function per action, one transaction, the row locked and re-checked,
one ``MobilisationEvent`` per state change. By job: ``registrations`` (双报到), ``points`` (积分制), ``tasks``
(service tasks), ``wishes`` (微心愿 and its sweep), ``duties`` (大党委 duties, 述职, 民主测评), ``tricolour``
(三色研判), ``deliberation`` (居民议事)."""

from .deliberation import followup_create, meeting_record, topic_create, topic_publish
from .duties import appraisal_close, appraisal_open, appraisal_rate, duty_add, duty_report_submit
from .points import points_adjust, points_award, points_rule_set
from .registrations import registration_decide, registration_submit, registration_withdraw
from .tasks import task_cancel, task_create, task_record_attendance, task_signup, task_withdraw
from .tricolour import tricolour_adjust, tricolour_compute, tricolour_scheme_set
from .units import unit_account_create, unit_account_end
from .wishes import (
    wish_claim,
    wish_confirm,
    wish_fulfil,
    wish_publish,
    wish_review,
    wish_submit,
    wishes_return_overdue,
    wishes_warn_due,
)

__all__ = [
    "appraisal_close",
    "appraisal_open",
    "appraisal_rate",
    "duty_add",
    "duty_report_submit",
    "followup_create",
    "meeting_record",
    "points_adjust",
    "points_award",
    "points_rule_set",
    "registration_decide",
    "registration_submit",
    "registration_withdraw",
    "task_cancel",
    "task_create",
    "task_record_attendance",
    "task_signup",
    "task_withdraw",
    "topic_create",
    "topic_publish",
    "tricolour_adjust",
    "tricolour_compute",
    "tricolour_scheme_set",
    "unit_account_create",
    "unit_account_end",
    "wish_claim",
    "wish_confirm",
    "wish_fulfil",
    "wish_publish",
    "wish_review",
    "wish_submit",
    "wishes_return_overdue",
    "wishes_warn_due",
]
