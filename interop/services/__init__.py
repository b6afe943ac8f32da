"""Every write of the interop app, by job: ``partners`` (partner accounts, the mapping import), ``orders`` (orders
in, the street's requests to the hotline, the 待分类 queue), ``decisions`` (the hotline's answers, applied through
``cases.services.case_transition``), ``outbox`` (messages written with the change that caused them, delivered
after commit, retried, dead-lettered, re-sent)."""

from .decisions import decision_apply
from .orders import (
    OrderIntake,
    extension_refusal,
    order_extension_request,
    order_place,
    order_receive,
    order_return_request,
    order_triage_clear,
    return_refusal,
)
from .outbox import message_deliver, message_resend, messages_deliver_due
from .partners import mappings_import_csv, partner_ensure_user

__all__ = [
    "OrderIntake",
    "decision_apply",
    "extension_refusal",
    "mappings_import_csv",
    "message_deliver",
    "message_resend",
    "messages_deliver_due",
    "order_extension_request",
    "order_place",
    "order_receive",
    "order_return_request",
    "order_triage_clear",
    "partner_ensure_user",
    "return_refusal",
]
