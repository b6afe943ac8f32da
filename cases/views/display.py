"""How a case and its events read on a page: due times as "剩 3 小时 / 超时 2 小时", event lines with
their labels, and the public (citizen) view of who acted — by role, never by name."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from core import durations
from core.stored_text import localize
from governance.choices import Level

from .. import transitions
from ..choices import Channel, RatingResult, ReturnReason, Status
from ..lights import ACCEPT_STATUSES
from ..models import Case, CaseEvent

EXTRA_LABELS = {
    "report": pgettext_lazy("event", "事件上报"),
}

REASON_LABELS = {
    "overdue": gettext_lazy("超时"),
    "manual": gettext_lazy("主动上报"),
    "summons_overdue": gettext_lazy("部门报到或反馈超时"),
}

#: Steps of a whistle's summons (吹哨报到) recorded on the case's timeline as remarks tagged ``summons_<step>``:
#: the line is named after the step, never after the code.
SUMMONS_STEP_LABELS = {
    "summons_report_in": pgettext_lazy("timeline", "部门报到"),
    "summons_respond": pgettext_lazy("timeline", "部门反馈"),
    "summons_extension": pgettext_lazy("timeline", "部门申请延期"),
    "summons_decide_extension": pgettext_lazy("timeline", "审批部门延期"),
    "summons_return": pgettext_lazy("timeline", "部门退回召集"),
    "summons_complete": pgettext_lazy("timeline", "确认部门完成"),
    "summons_withdraw": pgettext_lazy("timeline", "撤回召集"),
}


@dataclass(frozen=True)
class Due:
    """One deadline as shown: the local time, and how much is left (or how late it is)."""

    label: str
    at: datetime
    text: str
    overdue: bool
    light: str = ""  # the row's traffic light: the handling limit's is the case header's (``Case.light``)


span_text = durations.span_text
countdown_text = durations.countdown_text


def due(label: str, at: datetime | None, now: datetime) -> Due | None:
    if at is None:
        return None
    seconds = (at - now).total_seconds()
    return Due(label, at, countdown_text(seconds), seconds < 0)


def case_dues(case: Case, now: datetime) -> list[Due]:
    """The deadlines that matter in the case's current status (none once it is finished or on hold)."""
    out = []
    if case.status in ACCEPT_STATUSES:
        row = due(_("受理/派遣时限"), case.accept_due_at, now)
        out.append(replace(row, light="red" if row.overdue else "") if row else None)
    if case.status in (Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS):
        row = due(_("本级办理时限"), case.due_at, now)
        out.append(replace(row, light=case.light(now)) if row else None)
    return [d for d in out if d is not None]


def primary_due(case: Case, now: datetime) -> Due | None:
    """The deadline a list row shows: the level's handling limit while the clock runs; on hold, the expected end of
    the hold (overdue once it has passed — the centre resumes the case or holds it longer)."""
    if case.status == Status.ON_HOLD:
        return due(_("预计恢复办理"), case.hold_until, now)
    dues = case_dues(case, now)
    return dues[-1] if dues else None


def action_codes() -> list[str]:
    """Every action an event can record: the transitions' and the filing's."""
    return [*transitions.TRANSITIONS, *EXTRA_LABELS]


def action_label(action: str) -> str:
    if action in EXTRA_LABELS:
        return str(EXTRA_LABELS[action])
    try:
        return str(transitions.get(action).label)
    except KeyError:
        return str(UNKNOWN_ACTION)


UNKNOWN_ACTION = gettext_lazy("办理记录")


def event_label(event: CaseEvent) -> str:
    """The event's name on a timeline; an escalation says where the case went ("上报至社区")."""
    if event.action == "escalate" and event.to_level in Level.values:
        return _("上报至%(level)s") % {"level": Level(event.to_level).label}
    if event.action == "report" and event.to_level in Level.values:
        # filed directly at a level (a D-grade case at the top): "上报（区级受理）", never "escalated to"
        return _("事件上报（%(level)s级受理）") % {"level": Level(event.to_level).label}
    if event.action in ("comment", "note") and event.reason in SUMMONS_STEP_LABELS:
        return str(SUMMONS_STEP_LABELS[event.reason])
    return action_label(event.action)


def reason_label(reason: str) -> str:
    """A reason code in words; a code nobody named shows as nothing rather than as the code."""
    if not reason or reason in SUMMONS_STEP_LABELS:
        return ""
    if reason in ReturnReason.values:
        return str(ReturnReason(reason).label)
    label = REASON_LABELS.get(reason)
    return str(label) if label is not None else ""


def status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def level_label(value: str) -> str:
    return str(Level(value).label) if value in Level.values else value


def event_facts(event: CaseEvent, *, public: bool = False) -> list[str]:
    """Short lines saying what the event changed: status, level, targets, times, rating."""
    facts = []
    data = event.data or {}
    if event.from_status and event.to_status and event.from_status != event.to_status:
        a, b = status_label(event.from_status), status_label(event.to_status)
        facts.append(_("状态：%(a)s → %(b)s") % {"a": a, "b": b})
    if event.from_level and event.to_level and event.from_level != event.to_level:
        a, b = level_label(event.from_level), level_label(event.to_level)
        facts.append(_("层级：%(a)s → %(b)s") % {"a": a, "b": b})
    if event.action == "report" and data.get("channel") in Channel.values:
        facts.append(_("来源：%(c)s") % {"c": Channel(data["channel"]).label})
    if data.get("targets") and not public:  # names, and centres kept as "…综治中心" (a role's template)
        facts.append(_("派往：%(t)s") % {"t": _("、").join(localize(t, "role") for t in data["targets"])})
    if data.get("recalled") and not public:
        facts.append(_("撤回：%(t)s") % {"t": _("、").join(localize(t, "role") for t in data["recalled"])})
    if data.get("departments") and not public:
        facts.append(_("部门：%(t)s") % {"t": _("、").join(data["departments"])})
    if data.get("final_ruling"):
        facts.append(_("终局裁定：不得再退单"))
    if event.action == "extension_request" and data.get("requested_due_at"):
        facts.append(_("申请延至 %(t)s") % {"t": _local(data["requested_due_at"])})
    if event.action == "extension_approve" and data.get("to"):
        facts.append(_("时限延至 %(t)s") % {"t": _local(data["to"])})
    if data.get("into"):
        facts.append(_("合并至 %(n)s") % {"n": data["into"]})
    if event.action == "rate" and data.get("result") in RatingResult.values:
        facts.append(_("评价：%(r)s") % {"r": RatingResult(data["result"]).label})
    if data.get("on_time") is False:
        facts.append(_("超期办结"))
    if data.get("rework"):
        facts.append(_("第 %(n)s 次返工") % {"n": data["rework"]})
    return facts


def _local(iso: str) -> str:
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    when = parse_datetime(iso)
    if when is None:
        return iso
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


def is_system(event: CaseEvent) -> bool:
    """The sweep (or another automatic step) acted, not a person: recorded as "system" without a user."""
    return event.actor_id is None and event.actor_name == "system"


def public_actor(event: CaseEvent, case: Case) -> str:
    """Who acted, as the citizen sees it: a role or a centre (or 群众 / 系统), never a person's name —
    also when the user has since been deleted (the role recorded with the event stays)."""
    if is_system(event):
        return _("系统")
    return localize(event.actor_role, "role") or _("工作人员")


def event_note(event: CaseEvent) -> str:
    """An event's note in the reader's language where the system wrote it — a summons record (made from a template;
    the department's own words inside stay as typed) or an automatic step's fixed text; a person's note as typed,
    unless a page wrote it for them from a template of kind "note" (the 12345 desk's: ``interop.texts``)."""
    if (event.reason or "").startswith("summons_"):
        return localize(event.note, "record")
    if is_system(event):
        return localize(event.note, "system")  # fixed messages only: no templates of that kind
    return localize(event.note, "note", whole=False)


def staff_actor(event: CaseEvent) -> str:
    """Who acted, as staff see it: the person's name and their role (the sweep is "系统")."""
    if is_system(event):
        return _("系统")
    name, role = localize(event.actor_name, "role"), localize(event.actor_role, "role")
    if role and event.actor_role != event.actor_name:
        return f"{name} · {role}"
    return name
