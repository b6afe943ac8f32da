"""The one way a case changes: ``case_transition``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from core.stored_text import localize
from governance.models import User

from .. import conditions, hooks, permissions, transitions
from ..choices import EvidenceStage
from ..choices import Status as S
from ..evidence import check_files
from ..models import Case
from ..selectors import case_queryset_for
from ..signals import events_recorded
from .actions import APPLY, apply_nothing
from .deadlines import rule_ref
from .records import SYSTEM, record_event, store_evidence


def _state_refusal(case: Case, t: transitions.Transition) -> str:
    """Why ``t`` can't happen now; names who got there first when the case already moved on."""
    if t.target not in (transitions.SAME, transitions.PREVIOUS) and case.status == t.target:
        last = case.events.filter(action=t.action).order_by("-at", "-id").first()
        if last:
            return _("该事件已由%(who)s于%(when)s%(action)s，无需重复操作") % {
                "who": localize(last.actor_name, "role") if last.actor_name != SYSTEM else _("系统"),
                "when": timezone.localtime(last.at).strftime("%m-%d %H:%M"),
                "action": t.label,
            }
    return _("事件当前状态为“%(status)s”，不能%(action)s") % {"status": S(case.status).label, "action": t.label}


def case_transition(
    *,
    case_id: int,
    action: str,
    actor: User | None,
    note: str = "",
    now: datetime | None = None,
    files: Iterable[Any] = (),
    system: bool = False,
    citizen_token: str | None = None,
    **data: Any,
) -> Case:
    """Apply one workflow action: lock, re-check state and permission, write state + one event, notify.

    ``actor`` None with ``system=True`` is the sweep; with ``citizen_token`` it is the reporter through
    the follow-up link (rating and comments only). Files are checked before anything is written.
    Raises NotFound (outside scope), NotAllowed (state/policy: 409), Forbidden (not the user's to do),
    InvalidInput (bad data) — and then nothing has changed.
    """
    try:
        t = transitions.get(action)
    except KeyError:
        raise InvalidInput(_("未知操作：%(action)s") % {"action": action}, code="unknown_action") from None
    now = now or timezone.now()
    checked = check_files(files)
    note = (note or "").strip()
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("category", "grid", "community", "street", "district__parent", "handler_region", "rule")
            .filter(pk=case_id)
            .first()
        )
        if case is None:
            raise NotFound(_("事件不存在"))
        citizen = citizen_token is not None
        if citizen:
            if citizen_token != case.follow_up_token or action not in ("rate", "comment"):
                raise NotFound(_("事件不存在"))
        elif not system and not case_queryset_for(actor).filter(pk=case.pk).exists():
            raise NotFound(_("事件不存在"))
        if not t.allowed_from(case.status):
            raise NotAllowed(_state_refusal(case, t), code="state")
        if not system and not citizen:
            decision = permissions.decide(actor, case, action)
            if not decision:
                raise Forbidden(decision.reason, code="permission")
        if not system:
            condition = conditions.refusal(case, action, actor, now)
            if condition:
                raise NotAllowed(condition.reason, code=condition.code)
        if t.needs_note and not note:
            raise InvalidInput(_("请填写%(action)s的说明或理由") % {"action": t.label}, code="note_required")
        refusal = hooks.refusal(case=case, action=action, actor=actor, data=data)
        if refusal:
            raise NotAllowed(refusal, code="guard")

        before = (case.status, case.level)
        clock_before = (case.rule_id, case.accept_due_at, case.due_at)
        outcome = APPLY.get(action, apply_nothing)(
            case=case, actor=actor, now=now, note=note, data=data, citizen=citizen
        )
        if (case.rule_id, case.accept_due_at, case.due_at) != clock_before and case.rule_id:
            outcome.setdefault("rule", rule_ref(None, case.rule_id))
        status = outcome.pop("_status", None) or transitions.target_status(t, case.status, case.held_from_status)
        if status != case.status:
            case.status = status
        case.save()
        stage = outcome.pop("_stage", None) or _STAGES.get(action, EvidenceStage.OTHER)
        event = record_event(
            case,
            action=action,
            actor=actor,
            before=before,
            note=note,
            reason=outcome.pop("_reason", "") or data.get("reason", "") or "",
            data=outcome,
            public=t.public,
            now=now,
            citizen=citizen,
        )
        store_evidence(case, checked, stage=stage, event=event, user=actor)
        events_recorded.send(sender=Case, events=[event], actor=actor)
    return case


_STAGES = {
    "resolve": EvidenceStage.RESOLUTION,
    "self_handle": EvidenceStage.RESOLUTION,
    "verify_ok": EvidenceStage.VERIFICATION,
    "verify_failed": EvidenceStage.VERIFICATION,
}
