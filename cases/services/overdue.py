"""Overdue cases climb a level: the sweep's batch form of the "escalate" transition, set-wise, once per level."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.db.models import Case as DbCase
from django.db.models import DateTimeField, F, OuterRef, Q, Subquery, Value, When
from django.utils import timezone

from core.pgarray import pg_array
from core.places import PLACE_COLUMN
from core.stored_text import kept
from governance.choices import Level, top_level
from governance.clock import fraction_point
from governance.models import Region

from .. import transitions
from ..choices import CLOCK_STATUSES, HandlerKind
from ..choices import Status as S
from ..models import Case, CaseDispatch, CaseEvent
from ..signals import events_recorded
from .actions import holder_record, lapse_side_requests
from .deadlines import Deadlines, next_level_for
from .records import SYSTEM


def case_escalate_overdue_batch(
    *,
    now: datetime | None = None,
    batch_size: int | None = None,
    district_ids: list[int] | None = None,
    supervised: bool = False,
) -> dict[str, int]:
    """Escalate one batch of overdue cases set-wise; returns counts {"escalated", "supervised"}.

    The batch form of the "escalate" transition (same table, same event shape, same signal):
    1. lock up to ``batch_size`` open cases whose ``due_at`` has passed, oldest first, with
       ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL) so concurrent sweeps take disjoint rows;
    2. cases already at the top level are put under supervision (督办) instead — once: the
       partial index leaves out supervised cases;
    3. one UPDATE moves the rest up a level with the new holder and the due times of the new level
       (computed once per category and level), one UPDATE closes their active dispatches; the cases with an
       outside deadline (``external_due_at``, the 12345 hotline's) earlier than the new level's get it as
       their due time in that same UPDATE — the stricter deadline wins, as in ``deadlines.cap_to_external``;
    4. one bulk INSERT writes the events; ``events_recorded`` lets escalation write notices in bulk.
    Exactly once per level: a row is escalated only by the sweep that holds its lock, and after
    commit it no longer matches (new level, new due time). ``district_ids`` limits the batch to those
    districts (a shard of the sweep; shards are disjoint, and SKIP LOCKED would keep them so anyway).

    ``supervised``: the batch takes the supervised cases instead (督办 by a higher centre, or after an overdue
    summons) below the top level — supervision does not stop a case from climbing when its level's time is up —
    and those at the top whose due time ran out after they were last supervised: they are supervised by the top
    (``supervised_at`` moves to now) and its centre told, once per due time; the ones supervised after their due
    time stay where they are. They are few, and the sweep reaches them through their own partial index
    (``case_sweep_supervised_idx``).
    """
    now = now or timezone.now()
    batch_size = batch_size or settings.SWEEP_BATCH_SIZE
    escalate_t = transitions.get("escalate")
    with transaction.atomic():
        qs = Case.objects.filter(
            status__in=[s.value for s in CLOCK_STATUSES], supervised_at__isnull=not supervised, due_at__lte=now
        ).order_by("due_at")
        if supervised:
            # Below the top they climb. At the top those whose due time was still ahead when they were last
            # supervised: supervised before they arrived there (by a lower or a higher centre, or after an overdue
            # summons), or by a person at the top while the clock ran, or by an earlier sweep for an earlier clock
            # of the top level (the top centre dispatched the case again, a department signed for it, an extension
            # or a reopen moved its due time) — the top supervises them and its centre and the holder are told,
            # like any case overdue at the top (DESIGN §5: a notice when a case turns red). Once per due time, as
            # marking them (``supervised_at = now``, not before ``due_at``) takes them out of this query; a case
            # left alone at the top stays supervised, untold again.
            qs = qs.filter(~Q(level=top_level()) | Q(supervised_at__lt=F("due_at")))
        if district_ids is not None:  # one shard of a sharded sweep (escalation.services.sweep)
            qs = qs.filter(district_id__in=district_ids)
        from django.db import connection

        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = cast(
            "list[dict[str, Any]]",
            list(
                qs.values(
                    "id",
                    "level",
                    "status",
                    "category_id",
                    "community_id",
                    "due_at",
                    "handler_kind",
                    "handler_region_id",
                    "external_due_at",
                )[:batch_size]
            ),
        )
        if not rows:
            return {"escalated": 0, "supervised": 0}
        clock = Deadlines(now)
        system_role, escalate_note, supervise_note = (
            kept("系统"),
            kept("超过本级办理时限，系统自动上报"),
            kept("已在最高层级且超时，转入督办"),
        )
        top_ids, moves = [], []
        next_level: dict[tuple[str, bool], str | None] = {}  # a handful of (level, has community) pairs per batch
        for r in rows:
            key = (r["level"], bool(r["community_id"]))
            if key not in next_level:
                next_level[key] = next_level_for(level=key[0], has_community=key[1])
            nxt = next_level[key]
            if nxt is None or not escalate_t.allowed_from(r["status"]):
                top_ids.append(r["id"])
            else:
                moves.append((r, nxt))
        rows_out: list[dict[str, Any]] = []
        if moves:
            dispatched: dict[int, list[int]] = {}
            for cid, dept in CaseDispatch.objects.filter(
                case__any_of=[r["id"] for r, _n in moves], active=True, department__isnull=False
            ).values_list("case_id", "department_id"):
                dispatched.setdefault(cid, []).append(dept)
            _bulk_escalate(moves, clock)
            for r, nxt in moves:
                rows_out.append(
                    {
                        "case_id": r["id"],
                        "action": "escalate",
                        "actor_name": SYSTEM,
                        "actor_role": system_role,
                        "from_status": r["status"],
                        "to_status": S.ACCEPTED,
                        "from_level": r["level"],
                        "to_level": nxt,
                        "reason": "overdue",
                        "note": escalate_note,
                        "data": {
                            "overdue_due_at": r["due_at"].isoformat(),
                            "rule": clock.rule_ref(clock.arrival(r["category_id"], nxt)["rule_id"]),
                            "from_handler": holder_record(
                                r["handler_kind"], r["handler_region_id"], dispatched.get(r["id"], ())
                            ),
                        },
                        "public": True,
                        "at": now,
                    }
                )
        if top_ids:
            Case.objects.filter(pk__any_of=top_ids).update(supervised_at=now, updated_at=now)
            by_id = {r["id"]: r for r in rows}
            for cid in top_ids:
                r = by_id[cid]
                rows_out.append(
                    {
                        "case_id": cid,
                        "action": "supervise",
                        "actor_name": SYSTEM,
                        "actor_role": system_role,
                        "from_status": r["status"],
                        "to_status": r["status"],
                        "from_level": r["level"],
                        "to_level": r["level"],
                        "reason": "overdue",
                        "note": supervise_note,
                        "data": {"overdue_due_at": r["due_at"].isoformat()},
                        "public": False,
                        "at": now,
                    }
                )
        events = _insert_system_events(rows_out)
        events_recorded.send(sender=Case, events=events, actor=None, batch=True)
    return {"escalated": len(moves), "supervised": len(top_ids)}


def _bulk_escalate(moves: list[tuple[dict[str, Any], str]], clock: Deadlines) -> None:
    """Move the batch up: one UPDATE per (new level, category) — each group shares its holder column and due
    times (computed once) — and one UPDATE closing the active dispatches. Constant values, no per-row CASE, except
    for the few cases an outside deadline caps (``_capped``): their group's UPDATE carries their own due times
    (a ``CASE`` over those rows only), so every case is written once — a second UPDATE of a row rewrites all of
    the case table's indexes again."""
    capped = _capped(moves, clock)
    groups: dict[tuple[str, int], list[int]] = {}
    for r, nxt in moves:
        groups.setdefault((nxt, r["category_id"]), []).append(r["id"])
    for (nxt, category_id), ids in groups.items():
        arrival = clock.arrival(category_id, nxt)
        holder: F | Subquery
        if nxt != Level.CITY:
            holder = F(PLACE_COLUMN[nxt])
        else:  # the city: the district's parent region (a join, not a column: one subquery)
            holder = Subquery(Region.objects.filter(pk=OuterRef("district_id")).values("parent_id")[:1])
        clocks: dict[str, Any] = {c: arrival[c] for c in _CLOCK_COLUMNS}
        own = {i: capped[i] for i in ids if i in capped}
        if own:
            clocks = {
                c: DbCase(
                    *[When(pk=i, then=Value(times[c], output_field=DateTimeField())) for i, times in own.items()],
                    default=Value(arrival[c], output_field=DateTimeField()),
                    output_field=DateTimeField(),
                )
                for c in _CLOCK_COLUMNS
            }
        Case.objects.filter(pk__any_of=ids).update(
            level=nxt,
            status=S.ACCEPTED,
            handler_kind=HandlerKind.CENTRE,
            handler_region_id=holder,
            arrived_at=clock.now,
            rule_id=arrival["rule_id"],
            warned_yellow=False,
            escalation_count=F("escalation_count") + 1,
            updated_at=clock.now,
            **clocks,
        )
    moved = [r["id"] for r, _n in moves]
    CaseDispatch.objects.filter(case__any_of=moved, active=True).update(active=False)
    lapse_side_requests(case_ids=moved, now=clock.now)  # the old handler's pending 延期 / 挂账 requests


_CLOCK_COLUMNS = ("due_at", "accept_due_at", "yellow_at")


def _capped(moves: list[tuple[dict[str, Any], str]], clock: Deadlines) -> dict[int, dict[str, datetime | None]]:
    """The set-wise ``cap_to_external``: no due time past the case's outside deadline. Returns the clock columns of
    the cases whose new level's due time (or sign-for time) runs past it; the others keep their level's."""
    capped: dict[int, dict[str, datetime | None]] = {}
    for r, nxt in moves:
        cap = r["external_due_at"]
        if cap is None:
            continue
        arrival = clock.arrival(r["category_id"], nxt)
        due, accept = arrival["due_at"], arrival["accept_due_at"]
        if (due is not None and due <= cap) and (accept is None or accept <= cap):
            continue
        row = {"due_at": due, "accept_due_at": accept, "yellow_at": arrival["yellow_at"]}
        if accept is not None and accept > cap:
            row["accept_due_at"] = cap
        if due is None or due > cap:
            start = min(clock.now, cap)
            row["due_at"] = cap
            row["yellow_at"] = fraction_point(start, cap, settings.YELLOW_THRESHOLD, "hours", clock.cal)
        capped[r["id"]] = row
    return capped


_EVENT_COLUMNS = (
    ("case_id", "bigint"),
    ("action", "text"),
    ("actor_name", "text"),
    ("actor_role", "text"),
    ("from_status", "text"),
    ("to_status", "text"),
    ("from_level", "text"),
    ("to_level", "text"),
    ("reason", "text"),
    ("note", "text"),
    ("data", "jsonb"),
    ("public", "boolean"),
    ("at", "timestamptz"),
)


def _insert_system_events(rows: list[dict[str, Any]]) -> list[CaseEvent]:
    """Insert a batch of system events (one per case, given as column dicts); returns them saved.

    On PostgreSQL one ``INSERT … SELECT FROM unnest(column arrays)`` — the rows travel as a dozen array
    parameters (``core.pgarray``) instead of a dozen placeholders per row, several times cheaper for
    thousands of rows; ``RETURNING id, case_id`` gives each event its id, and the instances are built the
    way the ORM builds fetched rows (``from_db``). Elsewhere ``bulk_create``.
    """
    from django.db import connection

    if connection.vendor != "postgresql" or not rows:
        return CaseEvent.objects.bulk_create([CaseEvent(**row) for row in rows], batch_size=2000)
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    # Columns with one value for the whole batch go as a scalar, the others as one array each.
    values: dict[str, list[Any]] = {}
    for column, _type in _EVENT_COLUMNS:
        if column == "data":
            values[column] = [json.dumps(row["data"], cls=DjangoJSONEncoder) for row in rows]
        else:
            values[column] = [row[column] for row in rows]
    varying = [(c, t) for c, t in _EVENT_COLUMNS if c == "case_id" or len(set(values[c])) > 1]
    constant = [(c, t) for c, t in _EVENT_COLUMNS if (c, t) not in varying]
    unnest = ", ".join(f"%s::{'text' if t == 'jsonb' else t}[]" for _c, t in varying)
    select = ", ".join(
        [f"u.{c}::jsonb" if t == "jsonb" else f"u.{c}" for c, t in varying] + [f"%s::{t}" for _c, t in constant]
    )
    names = ", ".join([c for c, _t in varying] + [c for c, _t in constant])
    params = [values[c][0] for c, _t in constant] + [pg_array(values[c]) for c, _t in varying]
    table = CaseEvent._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} ({names}, actor_id) SELECT {select}, NULL "
            f"FROM unnest({unnest}) AS u({', '.join(c for c, _t in varying)}) RETURNING id, case_id",
            params,
        )
        ids = {case_id: pk for pk, case_id in cur.fetchall()}
    if len(ids) != len(rows):
        raise RuntimeError("system events must be one per case")
    attnames = [f.attname for f in CaseEvent._meta.concrete_fields]
    return [
        CaseEvent.from_db(
            connection.alias, attnames, [ids[row["case_id"]] if a == "id" else row.get(a) for a in attnames]
        )
        for row in rows
    ]


def case_mark_yellow_warned(*, case_ids: list[int]) -> int:
    """Mark the cases' yellow warning as sent, once: a conditional UPDATE (``… AND warned_yellow = false``), so
    of two sweeps only the first counts a case. Returns how many were marked. The caller holds the rows' locks
    (the sweep's yellow batch); ``deadlines`` clears the mark when a clock restarts."""
    return Case.objects.filter(pk__in=case_ids, warned_yellow=False).update(warned_yellow=True)


def case_mark_hold_due_warned(*, case_ids: list[int], now: datetime) -> int:
    """Mark that the sweep announced the passed expected end of the cases' holds, once: a conditional UPDATE
    (``… AND status = on_hold AND hold_due_warned_at IS NULL``), so of two sweeps only the first counts a case.
    Returns how many were marked. The caller holds the rows' locks (the sweep's hold-due step); a new hold and a
    resume clear the mark (``actions``)."""
    return Case.objects.filter(pk__in=case_ids, status=S.ON_HOLD, hold_due_warned_at__isnull=True).update(
        hold_due_warned_at=now
    )
