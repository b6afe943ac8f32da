"""Notices: who is told what when a case moves, the recipient's inbox, and email through the outbox.

Writing (``notices_for_events``, ``notices_write``) happens inside the transaction that changed the
case, so a notice exists exactly when its cause was committed. Everything is set-wise: a batch of
events (the sweep sends thousands at once) costs a constant number of queries — one to load the
cases, one for their active dispatches when needed, one per kind of recipient group (grid teams,
centres, departments), and the bulk INSERTs — never one query per case.

"Once each" is held by the database: ``Notice(recipient, dedupe_key)`` is unique where a key is set,
and keyed rows are inserted with ``ON CONFLICT DO NOTHING``, so a notice that later sweeps could
write again (yellow and red lights, supervision, an overdue summons) leaves one row. The notices of a
case event carry no key: the event is announced once, by the transaction that wrote it, so they are
plain INSERTs (the sweep writes them by the hundred thousand, and the conflict check would cost a
third of that).

Email is an outbox (``services/outbox.py``): rows start ``pending`` (``skipped`` when the user has no
address); after commit one task is enqueued to send them; the beat task re-sends whatever is pending
and due, which also covers a message the broker lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from cases.choices import HandlerKind, RatingResult, ReturnReason
from cases.models import Case, CaseDispatch, CaseEvent, ExtensionRequest
from core.links import pk_link_pattern, reverse_pk
from core.pgarray import pg_array
from core.places import place_at
from core.stored_text import kept
from governance.choices import Level, Role
from governance.models import User
from grids.models import GridAssignment

from ..choices import DeliveryStatus, NoticeKind
from ..models import Notice
from .outbox import schedule_delivery

log = logging.getLogger(__name__)

INSERT_BATCH = 5000


# --- whom: groups of people, resolved set-wise ---------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A group of recipients: a grid team, a centre (its staff), a department (its liaisons) or one user."""

    kind: str  # "grid" | "centre" | "department" | "user"
    id: int


def grid_team(grid_id: int) -> Target:
    return Target("grid", grid_id)


def centre(region_id: int) -> Target:
    return Target("centre", region_id)


def department(department_id: int) -> Target:
    return Target("department", department_id)


def person(user_id: int) -> Target:
    return Target("user", user_id)


def resolve_targets(targets: Iterable[Target]) -> dict[Target, list[tuple[int, bool]]]:
    """(user id, has an email address) of the active people behind each target.

    One query per kind of target present, whatever the number of targets: grid teams through
    their active seats, centres through centre staff of the region, departments through their
    liaisons, single users directly.
    """
    by_kind: dict[str, set[int]] = {}
    for t in targets:
        if t.id:
            by_kind.setdefault(t.kind, set()).add(t.id)
    out: dict[Target, list[tuple[int, bool]]] = {}

    def add(kind: str, rows: Iterable[tuple[int, int, str]]) -> None:
        for key, uid, email in rows:
            out.setdefault(Target(kind, key), []).append((uid, bool(email)))

    if ids := by_kind.get("grid"):
        add(
            "grid",
            GridAssignment.objects.filter(grid_id__in=ids, ended_on__isnull=True, user__is_active=True)
            .order_by("grid_id", "user_id")
            .values_list("grid_id", "user_id", "user__email"),
        )
    if ids := by_kind.get("centre"):
        add(
            "centre",
            User.objects.filter(role=Role.CENTRE_STAFF, region_id__in=ids, is_active=True)
            .order_by("id")
            .values_list("region_id", "id", "email"),
        )
    if ids := by_kind.get("department"):
        add(
            "department",
            User.objects.filter(role=Role.LIAISON, department_id__in=ids, is_active=True)
            .order_by("id")
            .values_list("department_id", "id", "email"),
        )
    if ids := by_kind.get("user"):
        add("user", User.objects.filter(pk__in=ids, is_active=True).values_list("id", "id", "email"))
    return out


@dataclass
class NoticeSpec:
    """One message to every person behind ``targets`` (each once), except ``exclude`` (the actor)."""

    kind: str
    title: str
    targets: Sequence[Target]
    dedupe_key: str | None  # None: written once by construction (a case event's notice), no conflict check
    body: str = ""
    case_id: int | None = None
    summons_id: int | None = None
    url: str = ""
    exclude: frozenset[int] = field(default_factory=frozenset)


def notices_write(*, specs: Sequence[NoticeSpec], now: datetime | None = None) -> int:
    """Write the notices of ``specs`` in bulk and send their email after commit; returns the rows offered.

    Call inside the transaction that caused them. Recipients are resolved with one query per kind
    of target for all specs together; keyed rows go in with ``ON CONFLICT DO NOTHING`` on
    (recipient, dedupe_key), so a notice already written is not written again; unkeyed rows (a case
    event's) are plain INSERTs.
    """
    if not specs:
        return 0
    now = now or timezone.now()
    people = resolve_targets(t for s in specs for t in s.targets)
    # Per spec: its recipients, each once, without the excluded (the actor).
    recipients: list[list[tuple[int, bool]]] = []
    for spec in specs:
        seen: set[int] = set(spec.exclude)
        mine = []
        for target in spec.targets:
            for uid, has_email in people.get(target, ()):
                if uid not in seen:
                    seen.add(uid)
                    mine.append((uid, has_email))
        recipients.append(mine)
    total = sum(len(r) for r in recipients)
    if not total:
        return 0
    if connection.vendor == "postgresql":
        for keyed in (True, False):
            chosen = [i for i, spec in enumerate(specs) if bool(spec.dedupe_key) is keyed and recipients[i]]
            if chosen:
                _insert_pg([specs[i] for i in chosen], [recipients[i] for i in chosen], now, keyed=keyed)
    else:
        Notice.objects.bulk_create(
            [
                Notice(
                    recipient_id=uid,
                    kind=spec.kind,
                    case_id=spec.case_id,
                    summons_id=spec.summons_id,
                    title=spec.title[:200],
                    body=spec.body,
                    url=spec.url[:200],
                    dedupe_key=spec.dedupe_key[:120] if spec.dedupe_key else None,
                    created_at=now,
                    next_attempt_at=now,
                    email_status=DeliveryStatus.PENDING if has_email else DeliveryStatus.SKIPPED,
                )
                for spec, mine in zip(specs, recipients, strict=True)
                for uid, has_email in mine
            ],
            batch_size=INSERT_BATCH,
            ignore_conflicts=True,
        )
    if any(has_email for mine in recipients for _uid, has_email in mine):
        schedule_delivery()
    return total


def _insert_pg(
    specs: Sequence[NoticeSpec], recipients: list[list[tuple[int, bool]]], now: datetime, *, keyed: bool
) -> None:
    """PostgreSQL: one INSERT … SELECT joining two ``unnest``-ed parameter sets — the specs (title, case …,
    once each) and the (spec, recipient) pairs — ``ON CONFLICT DO NOTHING`` when the specs are ``keyed``.
    The text of a message that goes to four people travels once, and thousands of rows cost a few array
    parameters (``core.pgarray``), not a placeholder per value — several times cheaper than
    ``bulk_create`` for a sweep's batch."""
    idx, uids, statuses = [], [], []
    for i, mine in enumerate(recipients):
        for uid, has_email in mine:
            idx.append(i)
            uids.append(uid)
            statuses.append(DeliveryStatus.PENDING if has_email else DeliveryStatus.SKIPPED)
    table = Notice._meta.db_table
    sql = f"""
        INSERT INTO {table} (recipient_id, kind, case_id, summons_id, title, body, url, dedupe_key, created_at,
                             read_at, email_status, attempts, next_attempt_at, sent_at, last_error)
        SELECT r.uid, s.kind, s.case_id, s.summons_id, s.title, s.body, s.url, s.key, %(now)s,
               NULL, r.status, 0, %(now)s, NULL, ''
        FROM unnest(%(s_idx)s::int[], %(kind)s::text[], %(case)s::bigint[], %(summons)s::bigint[],
                    %(title)s::text[], %(body)s::text[], %(url)s::text[], %(key)s::text[])
             AS s(idx, kind, case_id, summons_id, title, body, url, key)
        JOIN unnest(%(r_idx)s::int[], %(uid)s::bigint[], %(status)s::text[]) AS r(idx, uid, status)
          ON r.idx = s.idx
        {"ON CONFLICT DO NOTHING" if keyed else ""}
    """
    params = {
        "now": now,
        "s_idx": pg_array(range(len(specs))),
        "kind": pg_array(str(s.kind) for s in specs),
        "case": pg_array(s.case_id for s in specs),
        "summons": pg_array(s.summons_id for s in specs),
        "title": pg_array(s.title[:200] for s in specs),
        "body": pg_array(s.body for s in specs),
        "url": pg_array(s.url[:200] for s in specs),
        "key": pg_array(s.dedupe_key[:120] if s.dedupe_key else None for s in specs),
        "r_idx": pg_array(idx),
        "uid": pg_array(uids),
        "status": pg_array(str(x) for x in statuses),
    }
    with connection.cursor() as cur:
        cur.execute(sql, params)


# --- what: notices for case events -----------------------------------------------------------------------

#: The case columns every notice builder reads (holder, places, due time); callers load rows with these.
CASE_NOTICE_FIELDS = (
    "id",
    "number",
    "title",
    "level",
    "grid_id",
    "community_id",
    "street_id",
    "district_id",
    "district__parent_id",
    "handler_kind",
    "handler_region_id",
    "due_at",
)
#: Actions ``_spec_for_event`` may write a notice for; events of any other action are skipped before any read.
NOTIFYING_ACTIONS = frozenset(
    {
        "escalate",
        "supervise",
        "dispatch",
        "return_request",
        "return",
        "return_reject",
        "recall",
        "hold_request",
        "hold_approve",
        "hold_refuse",
        "resume",
        "resolve",
        "self_handle",
        "verify_failed",
        "rate",
        "reopen",
        "extension_request",
        "extension_approve",
        "extension_refuse",
    }
)
#: Actions whose recipients include the case's current holder (needs its active dispatches).
_NEEDS_DISPATCHES = {
    "dispatch",
    "verify_failed",
    "supervise",
    "reopen",
    "extension_approve",
    "extension_refuse",
    "hold_approve",
    "hold_refuse",
    "resume",
}


def case_url(case_id: int) -> str:
    return reverse_pk("cases:detail", case_id)


def case_url_pattern() -> str:
    """``case_url``'s ``{pk}`` pattern, for a batch's links (``core.links.pk_link_pattern``)."""
    return pk_link_pattern("cases:detail")


class _Translations:
    """Translated texts for one batch of events: each message is looked up once, not once per case
    (gettext per call costs more than the rest of a notice); and the case link's pattern, likewise."""

    def __init__(self) -> None:
        self._texts: dict[str, str] = {}
        self._levels = {str(value): kept(label) for value, label in Level.choices}
        self.case_link = case_url_pattern()

    def __call__(self, msgid: str) -> str:
        """The notice's text to keep, in the message ids' language (``core.stored_text.kept``)."""
        text = self._texts.get(msgid)
        if text is None:
            text = self._texts[msgid] = kept(msgid)
        return text

    def level(self, level: str) -> str:
        return self._levels.get(level, level)


def holder_targets(case: dict[str, Any], departments: Iterable[int] = ()) -> list[Target]:
    """Who holds the case now: its grid team, the centre that holds it, or the dispatched departments."""
    kind = case["handler_kind"]
    if kind == HandlerKind.GRID_TEAM and case["grid_id"]:
        return [grid_team(case["grid_id"])]
    if kind == HandlerKind.DEPARTMENTS:
        return [department(d) for d in departments] or (
            [centre(case["handler_region_id"])] if case["handler_region_id"] else []
        )
    region = case["handler_region_id"] or place_at(case, case["level"])
    return [centre(region)] if region else []


def _handling_centre(case: dict[str, Any]) -> list[Target]:
    region = case["handler_region_id"] or case["community_id"] or case["street_id"]
    return [centre(region)] if region else []


def _previous_holder(case: dict[str, Any], event: CaseEvent) -> list[Target]:
    """The holder before an escalation: the grid team at grid level, else the old level's centre, plus
    the departments the case was dispatched to (recorded on the event by ``cases``)."""
    before = (event.data or {}).get("from_handler") or {}
    targets: list[Target] = []
    if event.from_level == Level.GRID or before.get("kind") == HandlerKind.GRID_TEAM:
        if case["grid_id"]:
            targets.append(grid_team(case["grid_id"]))
    else:
        region = place_at(case, event.from_level)
        if region:
            targets.append(centre(region))
        if before.get("region") and before.get("region") != region:
            targets.append(centre(before["region"]))
    targets.extend(department(d) for d in before.get("departments") or ())
    return targets


def _spec_for_event(
    event: CaseEvent,
    case: dict[str, Any],
    dispatches: list[dict[str, Any]],
    extension_by: dict[int, int],
    tr: _Translations,
) -> NoticeSpec | None:
    """The notice an event causes, or None. One place that says who hears about what."""
    action, data = event.action, event.data or {}
    number, title = case["number"], case["title"]
    ref = f"{number}「{title}」"
    active_depts = [d["department_id"] for d in dispatches if d["department_id"]]
    kind, targets, head = None, [], ""
    if action == "escalate":
        kind = NoticeKind.ESCALATED
        targets = [*_previous_holder(case, event)]
        if case["handler_region_id"]:
            targets.append(centre(case["handler_region_id"]))
        label = tr(N_("超时上报")) if event.reason == "overdue" else tr(N_("上报"))
        head = tr(N_("【%(label)s】%(ref)s已由%(from)s上报至%(to)s，请%(to)s综治中心及时受理派遣")) % {
            "label": label,
            "ref": ref,
            "from": tr.level(event.from_level),
            "to": tr.level(event.to_level),
        }
    elif action == "supervise" and event.reason != "summons_overdue":  # the whistle module tells those itself
        kind = NoticeKind.SUPERVISED
        if event.actor_id is None:  # the sweep at the top level: the top centre supervises (督办), and whoever
            # it gave the case to (a department, a grid team) learns that its time ran out
            region = place_at(case, case["level"])
            targets = [centre(region)] if region else []
            targets += [t for t in holder_targets(case, active_depts) if t not in targets]
        else:  # a higher centre supervises: the holder must act
            targets = holder_targets(case, active_depts)
        head = tr(N_("【督办】%(ref)s已超过办理时限，列入督办")) % {"ref": ref}
    elif action == "dispatch":
        kind = NoticeKind.DISPATCHED
        for d in dispatches:
            if d["department_id"]:
                targets.append(department(d["department_id"]))
            elif d["grid_id"]:
                targets.append(grid_team(d["grid_id"]))
            elif d["region_id"]:
                targets.append(centre(d["region_id"]))
        head = tr(N_("【派遣】%(ref)s已派遣给您，请及时签收办理")) % {"ref": ref}
    elif action == "return_request":
        kind = NoticeKind.RETURNED
        targets = _handling_centre(case)
        reason = kept(ReturnReason(event.reason).label) if event.reason in ReturnReason.values else event.reason
        head = tr(N_("【退单申请】%(ref)s申请退单（%(reason)s），请审批")) % {"ref": ref, "reason": reason}
    elif action == "return":
        kind = NoticeKind.RETURNED
        targets = [department(d) for d in data.get("department_ids") or ()]
        if case["handler_region_id"]:
            targets.append(centre(case["handler_region_id"]))
        reason = kept(ReturnReason(event.reason).label) if event.reason in ReturnReason.values else event.reason
        head = tr(N_("【退单】%(ref)s已退回（%(reason)s），请重新派遣")) % {"ref": ref, "reason": reason}
    elif action == "recall":  # the recalled targets stop work on it: it is no longer theirs
        kind = NoticeKind.RETURNED
        targets = [
            *(department(d) for d in data.get("department_ids") or ()),
            *(grid_team(g) for g in data.get("grid_ids") or ()),
            *(centre(r) for r in data.get("region_ids") or ()),
        ]
        head = tr(N_("【撤回派遣】%(ref)s的派遣已被派遣方撤回，无需签收办理")) % {"ref": ref}
    elif action == "return_reject":
        kind = NoticeKind.RETURNED
        targets = [department(d) for d in data.get("department_ids") or ()]
        head = tr(N_("【退单】%(ref)s的退单申请被驳回，请继续办理")) % {"ref": ref}
    elif action == "hold_request":
        kind = NoticeKind.OTHER
        targets = _handling_centre(case)
        head = tr(N_("【挂账申请】%(ref)s申请挂账，请审批")) % {"ref": ref}
    elif action in ("hold_approve", "hold_refuse"):
        kind = NoticeKind.OTHER
        targets = holder_targets(case, active_depts)
        verdict = tr(N_("已批准")) if action == "hold_approve" else tr(N_("被驳回"))
        head = tr(N_("【挂账】%(ref)s的挂账申请%(verdict)s")) % {"ref": ref, "verdict": verdict}
    elif action == "resume":  # the holder's clock runs again, its due time moved on by the held time
        kind = NoticeKind.OTHER
        targets = holder_targets(case, active_depts)
        due = case["due_at"]
        if due is not None:
            head = tr(N_("【恢复办理】%(ref)s已恢复办理，办理时限顺延至%(due)s")) % {
                "ref": ref,
                "due": timezone.localtime(due).strftime("%m-%d %H:%M"),
            }
        else:
            head = tr(N_("【恢复办理】%(ref)s已恢复办理，请继续办理")) % {"ref": ref}
    elif action in ("resolve", "self_handle"):
        kind = NoticeKind.RESOLVED
        if action == "resolve" and case["grid_id"]:
            targets = [grid_team(case["grid_id"])]
        else:  # a grid worker handled it on the spot: the community centre verifies
            targets = [centre(case["community_id"] or case["handler_region_id"] or case["street_id"])]
        head = tr(N_("【待核查】%(ref)s已处置，请核查")) % {"ref": ref}
    elif action == "verify_failed":
        kind = NoticeKind.OTHER
        targets = holder_targets(case, active_depts)
        head = tr(N_("【返工】%(ref)s核查未通过，请重新处置")) % {"ref": ref}
    elif action == "rate" and data.get("result") == RatingResult.UNSATISFIED:
        kind = NoticeKind.RATED
        targets = _handling_centre(case)
        head = tr(N_("【不满意】%(ref)s群众评价为不满意")) % {"ref": ref}
    elif action == "reopen":
        kind = NoticeKind.OTHER
        targets = [*_handling_centre(case), *holder_targets(case, active_depts)]
        head = tr(N_("【重办】%(ref)s已重办，请重新处置")) % {"ref": ref}
    elif action == "extension_request":
        kind = NoticeKind.EXTENSION
        targets = _handling_centre(case)
        head = tr(N_("【延期申请】%(ref)s申请延期，请审批")) % {"ref": ref}
    elif action in ("extension_approve", "extension_refuse"):
        kind = NoticeKind.EXTENSION
        requester = extension_by.get(data.get("request") or 0)
        targets = [person(requester)] if requester else holder_targets(case, active_depts)
        verdict = tr(N_("已批准")) if action == "extension_approve" else tr(N_("被驳回"))
        head = tr(N_("【延期】%(ref)s的延期申请%(verdict)s")) % {"ref": ref, "verdict": verdict}
    if kind is None or not targets:
        return None
    return NoticeSpec(
        kind=kind,
        title=head,
        body=event.note,
        targets=targets,
        case_id=case["id"],
        url=tr.case_link.format(pk=case["id"]),
        dedupe_key=_event_key(event, case),
        exclude=frozenset({event.actor_id}) if event.actor_id else frozenset(),
    )


def _event_key(event: CaseEvent, case: dict[str, Any]) -> str | None:
    if event.action == "supervise" and event.actor_id is None:
        # The sweep supervises a case at the top once per due time (whatever its later sweeps do): a new clock there
        # (dispatched again, signed for, extended, reopened) or a case sent down and climbing back has a new due
        # time, and is supervised — and told — again when that one passes.
        overdue = (event.data or {}).get("overdue_due_at") or ""
        return f"supervised:{case['id']}:{overdue}" if overdue else f"supervised:{case['id']}"
    return None


def notices_for_events(*, events: Sequence[CaseEvent], actor: User | None = None) -> int:
    """Write the notices caused by ``events`` (one transition, or a sweep's whole batch); returns rows offered.

    Step by step, for any number of events: load the cases' holder columns in one query; load
    the active dispatches of the cases whose notice goes to the holder or the dispatch targets
    in one query (and extension requesters in one); decide each event's recipients as targets
    (``_spec_for_event``); resolve all targets at once and bulk-insert (``notices_write``).
    """
    events = [e for e in events if e.pk and e.action in NOTIFYING_ACTIONS]
    if not events:  # a filing ("report"), a note, a sign-for…: nobody to tell, nothing to read
        return 0
    case_ids = {e.case_id for e in events}
    cases = {c["id"]: c for c in Case.objects.filter(pk__any_of=case_ids).values(*CASE_NOTICE_FIELDS)}
    needing = {e.case_id for e in events if e.action in _NEEDS_DISPATCHES}
    dispatches: dict[int, list[dict[str, Any]]] = {}
    if needing:
        for d in CaseDispatch.objects.filter(case_id__in=needing, active=True).values(
            "case_id", "department_id", "grid_id", "region_id"
        ):
            dispatches.setdefault(d["case_id"], []).append(d)
    request_ids = [
        e.data.get("request")
        for e in events
        if e.action in ("extension_approve", "extension_refuse") and (e.data or {}).get("request")
    ]
    extension_by = (
        dict(ExtensionRequest.objects.filter(pk__in=request_ids).values_list("id", "requested_by_id"))
        if request_ids
        else {}
    )
    specs = []
    tr = _Translations()
    for event in events:
        case = cases.get(event.case_id)
        if case is None:
            continue
        spec = _spec_for_event(event, case, dispatches.get(event.case_id, []), extension_by, tr)
        if spec is not None:
            specs.append(spec)
    return notices_write(specs=specs, now=max(e.at for e in events))


def yellow_key(case_id: int, due_at: datetime) -> str:
    """``yellow:<case>:<due time as a Unix timestamp>`` — stable whatever time zone the value was read in."""
    return f"yellow:{case_id}:{int(due_at.timestamp())}"


def yellow_specs(cases: Iterable[dict[str, Any]], dispatches: dict[int, list[int]]) -> list[NoticeSpec]:
    """Yellow-light notices to each case's holder; the key (case, due time) says "once per deadline"."""
    specs = []
    template = kept("【黄灯预警】%(ref)s办理时限将至（%(due)s到期），请抓紧办理")
    link = case_url_pattern()
    for case in cases:
        due_local = timezone.localtime(case["due_at"])
        specs.append(
            NoticeSpec(
                kind=NoticeKind.YELLOW,
                title=template
                % {"ref": f"{case['number']}「{case['title']}」", "due": due_local.strftime("%m-%d %H:%M")},
                targets=holder_targets(case, dispatches.get(case["id"], ())),
                case_id=case["id"],
                url=link.format(pk=case["id"]),
                dedupe_key=yellow_key(case["id"], case["due_at"]),
            )
        )
    return specs


def hold_due_key(case_id: int, hold_until: datetime) -> str:
    """``hold-due:<case>:<hold_until in UTC, ISO 8601>`` — once per expected end, whatever zone it was read in."""
    return f"hold-due:{case_id}:{hold_until.astimezone(UTC).isoformat()}"


def hold_due_specs(
    cases: Iterable[dict[str, Any]], departments: dict[int, list[int]], deciders: dict[int, set[int]]
) -> list[NoticeSpec]:
    """Notices that a hold's expected end (``hold_until``) has passed: to the case's handler (``holder_targets``,
    with its dispatched ``departments``) and to the centre that decides the hold and its resume — the dispatcher
    of the active dispatches (``deciders``: who approved the handler's 申请挂账), else the centre holding the case
    (a hold it placed itself). Keyed by (case, hold_until): once per expected end; a new hold is told again."""
    specs = []
    template = kept("【挂账到期】%(ref)s预计恢复办理时间（%(until)s）已过，请恢复办理或延长挂账")
    body = kept(
        "挂账期间时限暂停计算，到期不会自动恢复：挂账所等待的资金、判决等外部事项是否已有结果，系统无从得知。"
        "已有结果的，请恢复办理；仍需等待的，请恢复办理后重新挂账（或申请挂账），填写新的预计恢复办理时间。"
    )
    link = case_url_pattern()
    for case in cases:
        until = case["hold_until"]
        centres = [centre(r) for r in sorted(deciders.get(case["id"], ()))] or _handling_centre(case)
        specs.append(
            NoticeSpec(
                kind=NoticeKind.OTHER,
                title=template
                % {
                    "ref": f"{case['number']}「{case['title']}」",
                    "until": timezone.localtime(until).strftime("%m-%d %H:%M"),
                },
                body=body,
                targets=[*holder_targets(case, departments.get(case["id"], ())), *centres],
                case_id=case["id"],
                url=link.format(pk=case["id"]),
                dedupe_key=hold_due_key(case["id"], until),
            )
        )
    return specs


# --- the inbox: reads and the recipient's own writes -------------------------------------------------------


def notices_for(user: User) -> QuerySet[Notice]:
    """The user's own notices, unread first, newest first. Nobody sees another person's notices."""
    if not user.is_authenticated:
        return Notice.objects.none()
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    # ``unread`` is an annotation (not an expression in ORDER BY) so the API's keyset pages can seek past it.
    return Notice.objects.filter(recipient=user).annotate(unread=unread).order_by("-unread", "-created_at", "-id")


def unread_notice_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


@transaction.atomic
def notice_mark_read(*, user: User, notice_id: int, now: datetime | None = None) -> Notice:
    """Mark one of the user's notices read (idempotent). Another user's notice: NotFound (404)."""
    from core.errors import NotFound

    notice = Notice.objects.select_for_update().filter(pk=notice_id, recipient=user).first()
    if notice is None:
        raise NotFound(_("通知不存在"))
    if notice.read_at is None:
        notice.read_at = now or timezone.now()
        notice.save(update_fields=["read_at"])
    return notice


@transaction.atomic
def notice_mark_all_read(*, user: User, now: datetime | None = None) -> int:
    """Mark all of the user's unread notices read; returns how many changed."""
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=now or timezone.now())
