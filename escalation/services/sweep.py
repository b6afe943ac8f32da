"""The escalation sweep: what beat runs every minute (``escalation.tasks.sweep``).

Deadlines live in the database, not in the broker: each run finds what is due *now* and acts on
it set-wise, batch by batch (one batch in memory at a time), so a lost message, a restarted Redis
or a worker killed mid-sweep loses nothing — the next run finds whatever is still due.

Order of one run, all at the same ``now``:
1. red: ``cases.services.case_escalate_overdue_batch`` until a batch comes back empty — each
   overdue case climbs one level (its notices come from the escalate events), or is put under
   supervision (督办) at the top, once; then the same for the cases under supervision below the top
   (督办 by a higher centre, or after an overdue summons), which climb like the others, and for those supervised
   below that ran out of time at the top (supervised there, once per arrival);
2. yellow: ``warn_yellow_batch`` until empty — a notice to the holder of each case that has used
   80 % of its time, once per due time;
3. the registered extra steps (``SWEEP_STEPS``): the whistle module's overdue summonses, and the holds whose
   expected end has passed (``warn_hold_due_batch``).
Exactly once: every batch locks its rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and changes
them so that they no longer match, so two sweeps at once take disjoint rows. The same property lets
one sweep work on ``SWEEP_WORKERS`` connections at once (threads, each repeating the step until it
finds nothing): while one batch waits on the database, another is prepared in Python — on the
benchmark's 2-core machine two workers escalate 100,000 cases in about two thirds of the time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from cases.choices import CLOCK_STATUSES, HandlerKind, Status
from cases.models import Case, CaseDispatch
from cases.services import case_escalate_overdue_batch, case_mark_hold_due_warned, case_mark_yellow_warned
from governance.choices import RegionLevel
from governance.models import Region

from .notices import CASE_NOTICE_FIELDS, hold_due_specs, notices_write, yellow_specs

log = logging.getLogger(__name__)

#: Extra steps of each sweep: callables ``fn(*, now, batch_size) -> int`` (rows handled in one batch).
#: ``EscalationConfig.ready()`` registers them; the sweep repeats each step until it returns 0 and
#: reports its count under the function's name without its ``_batch`` suffix.
SWEEP_STEPS: list[Callable[..., int]] = []


def register_sweep_step(step: Callable[..., int]) -> Callable[..., int]:
    """Add ``step`` to every sweep (idempotent)."""
    if step not in SWEEP_STEPS:
        SWEEP_STEPS.append(step)
    return step


def warn_yellow_batch(
    *, now: datetime | None = None, batch_size: int | None = None, district_ids: list[int] | None = None
) -> int:
    """Send one batch of yellow-light notices; returns how many cases were warned.

    1. lock up to ``batch_size`` cases whose clock runs, that passed ``yellow_at`` but not yet
       ``due_at`` and were not warned (the partial index ``case_sweep_yellow_idx``), SKIP LOCKED;
    2. one conditional UPDATE ``SET warned_yellow = true WHERE id IN (…) AND warned_yellow = false``
       through ``cases.services.case_mark_yellow_warned`` (a case's clock is written only there);
    3. one bulk INSERT of notices to each case's holder, keyed ``yellow:<case>:<due_at>``.
    """
    now = now or timezone.now()
    batch_size = batch_size or settings.SWEEP_BATCH_SIZE
    with transaction.atomic():
        qs = Case.objects.filter(
            status__in=[s.value for s in CLOCK_STATUSES], warned_yellow=False, yellow_at__lte=now, due_at__gt=now
        ).order_by("yellow_at")
        if district_ids is not None:
            qs = qs.filter(district_id__in=district_ids)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = list(qs.values(*CASE_NOTICE_FIELDS)[:batch_size])
        if not rows:
            return 0
        ids = [r["id"] for r in rows]
        marked = case_mark_yellow_warned(case_ids=ids)
        dept_cases = [r["id"] for r in rows if r["handler_kind"] == HandlerKind.DEPARTMENTS]
        dispatches: dict[int, list[int]] = {}
        if dept_cases:
            for cid, dept in CaseDispatch.objects.filter(
                case_id__in=dept_cases, active=True, department__isnull=False
            ).values_list("case_id", "department_id"):
                dispatches.setdefault(cid, []).append(dept)
        notices_write(specs=yellow_specs(rows, dispatches), now=now)
    return marked


def warn_hold_due_batch(*, now: datetime | None = None, batch_size: int | None = None) -> int:
    """Announce one batch of holds past their expected end; returns how many cases were announced.

    A hold (挂账) waits on something outside the system — funds to be granted, a court's ruling, another body's
    works — and ``hold_until`` is only the requester's estimate of when it ends. The system cannot know whether
    the wait is over, so a passed ``hold_until`` does not resume the case: resuming would restart a clock against
    a handler still waiting, and escalate the case for a delay nobody below can shorten. It tells the people who
    know and decide instead: the case's handler, and the centre that decided the hold (it resumes it — 恢复办理 —
    or, resuming and holding again, extends it with a new expected end). Once per expected end: a new hold with a
    new ``hold_until`` is announced again when that one passes; a resumed case leaves the query.

    1. lock up to ``batch_size`` held cases whose ``hold_until`` has passed and that were not announced for this
       hold (the partial index ``case_sweep_hold_due_idx``), SKIP LOCKED;
    2. one conditional UPDATE ``SET hold_due_warned_at = now WHERE id IN (…) AND hold_due_warned_at IS NULL``
       through ``cases.services.case_mark_hold_due_warned``, so they no longer match;
    3. one query for their active dispatches (the departments at work, the centres that dispatched them), and one
       bulk INSERT of notices keyed ``hold-due:<case>:<hold_until>`` (``notices.hold_due_specs``).
    """
    now = now or timezone.now()
    batch_size = batch_size or settings.SWEEP_BATCH_SIZE
    with transaction.atomic():
        qs = Case.objects.filter(
            status=Status.ON_HOLD, hold_until__isnull=False, hold_due_warned_at__isnull=True, hold_until__lte=now
        ).order_by("hold_until")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        rows = list(qs.values(*CASE_NOTICE_FIELDS, "hold_until")[:batch_size])
        if not rows:
            return 0
        ids = [r["id"] for r in rows]
        marked = case_mark_hold_due_warned(case_ids=ids, now=now)
        departments: dict[int, list[int]] = {}
        deciders: dict[int, set[int]] = {}
        for cid, dept, dispatcher in CaseDispatch.objects.filter(case_id__in=ids, active=True).values_list(
            "case_id", "department_id", "dispatcher_region_id"
        ):
            if dept is not None:
                departments.setdefault(cid, []).append(dept)
            if dispatcher is not None:
                deciders.setdefault(cid, set()).add(dispatcher)
        notices_write(specs=hold_due_specs(rows, departments, deciders), now=now)
    return marked


Counts = dict[str, int] | int


def _add(total: Counts, got: Counts) -> Counts:
    if isinstance(got, dict):
        base = total if isinstance(total, dict) else {}
        return {k: base.get(k, 0) + got.get(k, 0) for k in {*base, *got}}
    return (total if isinstance(total, int) else 0) + got


def _repeat(step: Callable[..., Counts], **kwargs: Any) -> Counts:
    """Run ``step`` batch after batch until one finds nothing to do; returns the summed counts."""
    total: Counts = 0
    while True:
        got = step(**kwargs)
        total = _add(total, got)
        if not (sum(got.values()) if isinstance(got, dict) else got):
            return total


def _repeat_on_own_connection(step: Callable[..., Counts], **kwargs: Any) -> Counts:
    try:
        return _repeat(step, **kwargs)
    finally:
        connection.close()  # this thread's connection (Django's are per thread)


def _repeat_parallel(step: Callable[..., Counts], workers: int, **kwargs: Any) -> Counts:
    """``_repeat`` on ``workers`` connections at once: each thread takes its own batches (SKIP LOCKED keeps them
    disjoint) and stops when it finds nothing. One after another instead where rows can't be shared between
    connections: without SKIP LOCKED (SQLite), or inside a transaction (other connections wouldn't see it)."""
    if workers <= 1 or not connection.features.has_select_for_update_skip_locked or connection.in_atomic_block:
        return _repeat(step, **kwargs)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sweep") as pool:
        futures = [pool.submit(_repeat_on_own_connection, step, **kwargs) for _ in range(workers)]
        total: Counts = 0
        for future in futures:
            total = _add(total, future.result())
    return total


def shard_districts(shard: int, shards: int) -> list[int]:
    """The districts of shard ``shard`` of ``shards``: every district id, in order, dealt round-robin. Stable
    while the region tree is, and every district is in exactly one shard."""
    if not 0 <= shard < shards:
        raise ValueError(f"shard {shard} of {shards}")
    ids = sorted(Region.objects.filter(level=RegionLevel.DISTRICT).values_list("id", flat=True))
    return ids[shard::shards]


def sweep(
    *,
    now: datetime | None = None,
    batch_size: int | None = None,
    workers: int | None = None,
    shard: tuple[int, int] | None = None,
) -> dict[str, int]:
    """One sweep: escalate what is overdue, warn what turned yellow, run the registered steps; returns counts.

    ``shard=(i, n)``: only the cases of shard i's districts (``shard_districts``) — n Celery workers each take one
    (``escalation.tasks.sweep_shard``, fanned out by the ``sweep`` task when ``SWEEP_SHARDS`` > 1); the registered
    steps (summonses, few rows) run in shard 0 only. Exactly once either way: each batch locks its rows
    (SKIP LOCKED) and changes them so that they no longer match.
    """
    now = now or timezone.now()
    batch_size = batch_size or settings.SWEEP_BATCH_SIZE
    workers = workers or settings.SWEEP_WORKERS
    started = timezone.now()
    scope = {} if shard is None else {"district_ids": shard_districts(*shard)}
    red = _repeat_parallel(case_escalate_overdue_batch, workers, now=now, batch_size=batch_size, **scope)
    counts = {"escalated": 0, "supervised": 0, **(red if isinstance(red, dict) else {})}
    # supervised cases below the top climb too, and those supervised below that ran out of time at the top are
    # supervised there (few: one after another is enough)
    watched = _repeat(case_escalate_overdue_batch, now=now, batch_size=batch_size, supervised=True, **scope)
    for key in ("escalated", "supervised"):
        counts[key] += watched.get(key, 0) if isinstance(watched, dict) else 0
    yellow = _repeat_parallel(warn_yellow_batch, workers, now=now, batch_size=batch_size, **scope)
    counts["yellow"] = yellow if isinstance(yellow, int) else sum(yellow.values())
    for step in list(SWEEP_STEPS) if shard is None or shard[0] == 0 else []:
        got = _repeat_parallel(step, workers, now=now, batch_size=batch_size)
        name = step.__name__.removesuffix("_batch")
        counts[name] = got if isinstance(got, int) else sum(got.values())
    seconds = (timezone.now() - started).total_seconds()
    log.info("sweep at %s%s: %s in %.2fs", now.isoformat(), f" shard {shard}" if shard else "", counts, seconds)
    return counts
