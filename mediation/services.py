"""Every write of the mediation app: one function per action, one transaction, the dispute row locked and
re-checked, one ``DisputeEvent`` per state change.

The life of a dispute: registered (from a case or on its own) → mediating under a track (人民调解, 行政调解,
司法调解; a transfer between tracks restarts the track's clock and is an event) → sessions, until one ends it:
agreement (协议 text and signatories, optionally 司法确认) → agreed; no agreement → failed, which can become a
case (``cases.services.case_file``) or be referred on; referred → referred. ``disputes_flag_overdue`` is the
sweep for the track time limits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from core.stored_text import kept
from governance.models import Category, Region, User
from grids.models import Grid
from grids.selectors import communities_for

from .choices import DisputeKind, Outcome, PartyKind, PartyRole, Place, Risk, Status, Track
from .models import SYSTEM_ACTOR, Dispute, DisputeEvent, DisputeParty, MediationSession
from .notices import dispute_overdue_notices
from .permissions import level_of, may_manage, may_mediate
from .selectors import disputes_for, track_days

SYSTEM = SYSTEM_ACTOR


def record(dispute: Dispute, action: str, actor, *, note: str = "", data: dict | None = None, at=None) -> DisputeEvent:
    return DisputeEvent.objects.create(
        dispute=dispute,
        action=action,
        actor=actor,
        actor_name=actor.display_name if actor is not None else SYSTEM,
        note=note,
        data=data or {},
        at=at or timezone.now(),
    )


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(_("涉及金额须为数字"), code="amount") from None
    if amount < 0 or amount >= Decimal("1e12"):
        raise InvalidInput(_("涉及金额须为非负数"), code="amount")
    return amount.quantize(Decimal("0.01"))


def _parties(parties: list[dict]) -> list[DisputeParty]:
    out = []
    for p in parties:
        name = (p.get("name") or "").strip()
        if not name:
            continue
        kind = p.get("kind") or PartyKind.PERSON
        role = p.get("role") or PartyRole.OTHER
        if kind not in PartyKind.values or role not in PartyRole.values:
            raise InvalidInput(_("当事人类型或身份不正确"), code="parties")
        out.append(DisputeParty(kind=kind, role=role, name=name[:100], phone=(p.get("phone") or "").strip()[:20]))
    if len(out) < 2:
        raise InvalidInput(_("至少登记两方当事人"), code="parties")
    return out


@transaction.atomic
def dispute_open(
    *,
    actor: User,
    title: str,
    kind: str,
    description: str,
    parties: list[dict],
    community: Region | None = None,
    grid: Grid | None = None,
    amount=None,
    risk: str = Risk.LOW,
    source_case_id: int | None = None,
    handler: User | None = None,
    now: datetime | None = None,
) -> Dispute:
    """Register a dispute where it was found: a grid worker in their grid, centre staff in their region; from a
    case (the case's place, and the case must be in the actor's scope) or on its own."""
    now = now or timezone.now()
    source_case = None
    if source_case_id:
        from cases.selectors import case_get_for

        try:
            source_case = case_get_for(actor, int(source_case_id))
        except NotFound:  # a field of the form, not the page's subject: the form says so, whatever the reason
            raise InvalidInput(_("没有找到该来源事件，或它不在您的辖区"), code="source_case") from None
        grid, community = source_case.grid, source_case.community
    if grid is not None:
        community = grid.community
    if community is None or community.level != "community":
        raise InvalidInput(_("请选择纠纷所在的网格或社区"), code="place")
    if not communities_for(actor).filter(pk=community.pk).exists():
        raise Forbidden(_("只能登记您辖区内的纠纷"), code="forbidden")
    if actor.role == "grid_worker" and not source_case:
        from grids.selectors import grids_worked_by

        if grid is None or not grids_worked_by(actor).filter(pk=grid.pk).exists():
            raise InvalidInput(_("请选择您负责的网格"), code="grid")
    if kind not in DisputeKind.values:
        raise InvalidInput(_("请选择纠纷类型"), code="kind")
    if risk not in Risk.values:
        raise InvalidInput(_("请选择风险等级"), code="risk")
    if not (title or "").strip() or not (description or "").strip():
        raise InvalidInput(_("纠纷事由和基本情况都必须填写"), code="required")
    rows = _parties(parties)
    dispute = Dispute.objects.create(
        title=title.strip()[:200],
        kind=kind,
        description=description.strip(),
        amount=_amount(amount),
        risk=risk,
        community=community,
        grid=grid,
        found_level=level_of(actor),
        found_by=actor,
        handler=handler,
        source_case=source_case,
        created_at=now,
    )
    for row in rows:
        row.dispute = dispute
    DisputeParty.objects.bulk_create(rows)
    record(
        dispute,
        "open",
        actor,
        data={"source_case": source_case.pk if source_case else None, "parties": len(rows)},
        at=now,
    )
    return dispute


def _locked(actor, dispute_id: int) -> Dispute:
    dispute = (
        disputes_for(actor)
        .select_for_update(of=("self",))
        .select_related("community__parent")
        .filter(pk=dispute_id)
        .first()
    )
    if dispute is None:
        raise NotFound(_("纠纷不存在"))
    return dispute


def _require(dispute: Dispute, *states: str) -> None:
    if dispute.status not in states:
        raise NotAllowed(_("纠纷当前状态为“%(s)s”，不能进行此操作") % {"s": dispute.get_status_display()}, code="state")


@transaction.atomic
def dispute_assign(*, actor: User, dispute_id: int, handler: User, now: datetime | None = None) -> Dispute:
    now = now or timezone.now()
    dispute = _locked(actor, dispute_id)
    if not may_manage(actor, dispute):
        raise Forbidden(_("只有综治中心可以指定承办人"), code="forbidden")
    _require(dispute, Status.REGISTERED, Status.MEDIATING)
    dispute.handler = handler
    dispute.save(update_fields=["handler"])
    record(dispute, "assign", actor, data={"handler": handler.pk, "name": handler.display_name}, at=now)
    return dispute


def _start_track(dispute: Dispute, track: str, mediator_body: str, now: datetime) -> None:
    if track not in Track.values:
        raise InvalidInput(_("请选择调解类型"), code="track")
    if not (mediator_body or "").strip():
        raise InvalidInput(_("请填写调解组织（如人民调解委员会、司法所、派出所、人民法院）"), code="mediator_body")
    dispute.track, dispute.mediator_body = track, mediator_body.strip()[:120]
    dispute.track_started_at = now
    dispute.due_at = now + timedelta(days=track_days(track))
    dispute.overdue_at = None


@transaction.atomic
def dispute_start(
    *, actor: User, dispute_id: int, track: str, mediator_body: str, now: datetime | None = None
) -> Dispute:
    """Start mediation under a track; the track's time limit starts now."""
    now = now or timezone.now()
    dispute = _locked(actor, dispute_id)
    if not may_mediate(actor, dispute):
        raise Forbidden(_("只有综治中心或承办人可以开始调解"), code="forbidden")
    _require(dispute, Status.REGISTERED)
    _start_track(dispute, track, mediator_body, now)
    dispute.status = Status.MEDIATING
    dispute.save(update_fields=["track", "mediator_body", "track_started_at", "due_at", "overdue_at", "status"])
    record(
        dispute,
        "start",
        actor,
        data={"track": track, "body": dispute.mediator_body, "due": dispute.due_at.isoformat()},
        at=now,
    )
    return dispute


@transaction.atomic
def dispute_transfer(
    *, actor: User, dispute_id: int, track: str, mediator_body: str, reason: str, now: datetime | None = None
) -> Dispute:
    """Transfer to another track (e.g. people's → judicial): an event, and the new track's clock."""
    now = now or timezone.now()
    dispute = _locked(actor, dispute_id)
    if not may_manage(actor, dispute):
        raise Forbidden(_("只有综治中心可以转换调解类型"), code="forbidden")
    _require(dispute, Status.MEDIATING)
    if track == dispute.track:
        raise InvalidInput(_("已在该调解类型中"), code="track")
    if not (reason or "").strip():
        raise InvalidInput(_("转换调解类型须填写原因"), code="reason")
    before = dispute.track
    _start_track(dispute, track, mediator_body, now)
    dispute.save(update_fields=["track", "mediator_body", "track_started_at", "due_at", "overdue_at"])
    record(
        dispute,
        "transfer",
        actor,
        note=reason.strip(),
        data={"from": before, "to": track, "body": dispute.mediator_body, "due": dispute.due_at.isoformat()},
        at=now,
    )
    return dispute


@transaction.atomic
def session_record(
    *,
    actor: User,
    dispute_id: int,
    held_at: datetime | None,
    place: str,
    mediators: str,
    outcome: str,
    notes: str = "",
    level: str = "",
    agreement_text: str = "",
    signatories: list[str] | None = None,
    judicial_confirmation: bool = False,
    confirmation_court: str = "",
    confirmation_date: date | None = None,
    referred_to: str = "",
    now: datetime | None = None,
) -> MediationSession:
    """Record a session of the running track and apply its outcome.

    - continued: the dispute stays in mediation;
    - agreement: the agreement's text and at least two signatories; optionally 司法确认 (court and date, and only
      a people's or administrative agreement is confirmed — a judicial mediation is already the court's); the
      dispute is agreed, resolved at the session's level;
    - no agreement: the dispute has failed (it can then become a case or be referred);
    - referred: to whom; the dispute is referred.
    """
    now = now or timezone.now()
    dispute = _locked(actor, dispute_id)
    if not may_mediate(actor, dispute):
        raise Forbidden(_("只有综治中心或承办人可以记录调解"), code="forbidden")
    _require(dispute, Status.MEDIATING)
    if outcome not in Outcome.values:
        raise InvalidInput(_("请选择调解结果"), code="outcome")
    if held_at is None or not (place or "").strip() or not (mediators or "").strip():
        raise InvalidInput(_("调解时间、地点和调解员都必须填写"), code="required")
    if held_at > now + timedelta(minutes=5):
        raise InvalidInput(_("调解时间不能晚于现在"), code="held_at")
    level = level or level_of(actor)
    if level not in Place.values:
        raise InvalidInput(_("调解层级不正确"), code="level")
    signatories = [s.strip()[:50] for s in (signatories or []) if s and s.strip()]
    if outcome == Outcome.AGREEMENT:
        if not (agreement_text or "").strip() or len(signatories) < 2:
            raise InvalidInput(_("达成协议须填写协议内容和至少两名签字人"), code="agreement")
        if judicial_confirmation and (
            dispute.track == Track.JUDICIAL or not confirmation_court.strip() or not confirmation_date
        ):
            raise InvalidInput(_("司法确认须填写确认法院和日期（司法调解无需另行确认）"), code="confirmation")
    elif judicial_confirmation:
        raise InvalidInput(_("只有达成的协议可以申请司法确认"), code="confirmation")
    if outcome == Outcome.REFERRED and not (referred_to or "").strip():
        raise InvalidInput(_("请填写移交单位"), code="referred_to")
    session = MediationSession.objects.create(
        dispute=dispute,
        track=dispute.track,
        held_at=held_at,
        place=place.strip()[:200],
        level=level,
        mediator_body=dispute.mediator_body,
        mediators=mediators.strip()[:200],
        notes=(notes or "").strip(),
        outcome=outcome,
        agreement_text=(agreement_text or "").strip() if outcome == Outcome.AGREEMENT else "",
        signatories=signatories if outcome == Outcome.AGREEMENT else [],
        judicial_confirmation=bool(judicial_confirmation),
        confirmation_court=confirmation_court.strip()[:120] if judicial_confirmation else "",
        confirmation_date=confirmation_date if judicial_confirmation else None,
        referred_to=(referred_to or "").strip()[:120] if outcome == Outcome.REFERRED else "",
        recorded_by=actor,
    )
    fields = []
    if outcome == Outcome.AGREEMENT:
        dispute.status, dispute.resolved_level, dispute.closed_at = Status.AGREED, level, now
        fields = ["status", "resolved_level", "closed_at"]
    elif outcome == Outcome.NO_AGREEMENT:
        dispute.status = Status.FAILED
        fields = ["status"]
    elif outcome == Outcome.REFERRED:
        dispute.status, dispute.referred_to, dispute.closed_at = Status.REFERRED, session.referred_to, now
        fields = ["status", "referred_to", "closed_at"]
    if fields:
        dispute.save(update_fields=fields)
    record(
        dispute,
        "session",
        actor,
        data={"session": session.pk, "track": session.track, "outcome": outcome, "level": level},
        at=now,
    )
    return session


@transaction.atomic
def dispute_to_case(*, actor: User, dispute_id: int, category: Category | None, now: datetime | None = None) -> Dispute:
    """A failed mediation becomes a case (through ``cases.services.case_file``) at the dispute's place. The case
    carries the dispute's summary but none of the parties' contact data."""
    now = now or timezone.now()
    dispute = _locked(actor, dispute_id)
    if not may_manage(actor, dispute):
        raise Forbidden(_("只有综治中心可以转为事件"), code="forbidden")
    _require(dispute, Status.FAILED)
    from cases.choices import Channel
    from cases.services import case_file

    case = case_file(
        actor=actor,
        category=category,
        title=kept("调解不成：%(title)s") % {"title": dispute.title},  # the case's texts are kept (core.stored_text)
        description=kept("%(kind)s，调解未达成协议。%(desc)s")
        % {"kind": kept(DisputeKind(dispute.kind).label), "desc": dispute.description},
        address=dispute.grid.name if dispute.grid else dispute.community.name,
        channel=Channel.WALK_IN,
        grid=dispute.grid,
        community=dispute.community,
        now=now,
    )
    dispute.status, dispute.result_case, dispute.closed_at = Status.TO_CASE, case, now
    dispute.save(update_fields=["status", "result_case", "closed_at"])
    record(dispute, "to_case", actor, data={"case": case.pk, "number": case.number}, at=now)
    return dispute


@transaction.atomic
def dispute_refer(
    *, actor: User, dispute_id: int, referred_to: str, reason: str, now: datetime | None = None
) -> Dispute:
    """Refer a failed mediation (or one still running) on, e.g. to the 信访 office or the court's filing desk."""
    now = now or timezone.now()
    dispute = _locked(actor, dispute_id)
    if not may_manage(actor, dispute):
        raise Forbidden(_("只有综治中心可以移交"), code="forbidden")
    _require(dispute, Status.FAILED, Status.MEDIATING)
    if not (referred_to or "").strip() or not (reason or "").strip():
        raise InvalidInput(_("请填写移交单位和原因"), code="referred_to")
    dispute.status, dispute.referred_to, dispute.closed_at = Status.REFERRED, referred_to.strip()[:120], now
    dispute.save(update_fields=["status", "referred_to", "closed_at"])
    record(dispute, "refer", actor, note=reason.strip(), data={"to": dispute.referred_to}, at=now)
    return dispute


def disputes_flag_overdue(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """The sweep: disputes still in mediation past their track's time limit are flagged overdue, once per track
    run (a transfer clears the flag and starts a new limit). Returns how many this run flagged.

    Per batch, in one transaction: lock up to ``batch_size`` matching rows (the partial index
    ``med_dispute_due_idx``) ``FOR UPDATE SKIP LOCKED``; one conditional UPDATE ``SET overdue_at = now WHERE id IN
    (…) AND overdue_at IS NULL AND status = 'mediating'``; one bulk INSERT of the "overdue" events; the notices to
    the handler, the community's and the street's centres through the outbox (``notices``), keyed per dispute and
    deadline. Two sweeps at once take disjoint rows; a killed sweep rolls back and the next one finds the same
    disputes.
    """
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            rows = list(
                Dispute.objects.select_for_update(skip_locked=True)
                .filter(status=Status.MEDIATING, overdue_at__isnull=True, due_at__lte=now)
                .order_by("due_at", "id")
                .values_list("id", "track", "due_at", "title", "handler_id", "community_id", "community__parent_id")[
                    :batch_size
                ]
            )
            if not rows:
                return total
            ids = [r[0] for r in rows]
            total += Dispute.objects.filter(id__in=ids, status=Status.MEDIATING, overdue_at__isnull=True).update(
                overdue_at=now
            )
            DisputeEvent.objects.bulk_create(
                DisputeEvent(
                    dispute_id=pk,
                    action="overdue",
                    actor=None,
                    actor_name=SYSTEM,
                    note=kept("已超过调解期限"),
                    data={"track": track, "due": due.isoformat()},
                    at=now,
                )
                for pk, track, due, *_rest in rows
            )
            dispute_overdue_notices(
                [(pk, title, track, due, handler, cid, sid) for pk, track, due, title, handler, cid, sid in rows],
                now=now,
            )
        if len(rows) < batch_size:
            return total
