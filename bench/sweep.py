"""Benchmark: the escalation sweep on PostgreSQL (DESIGN §8) — cases/s, peak memory, and the SQL limit.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridcase .venv/bin/python bench/sweep.py
    (options: --sizes 10000,100000,1000000  --overdue-share 0.1  --batch-size 5000)

What it does, step by step:
1. creates a dedicated database ``<name>_sweep`` (next to the one DATABASE_URL names), migrates it and
   builds the test street (tests/factories/world.py: grid teams of three, centres, rules, calendar);
2. for each size N: fills ``cases_case`` with N open cases, 10 % of them overdue, with one
   ``INSERT … SELECT generate_series`` (no ORM), then ANALYZE;
3. for each variant, on a fresh copy of that database (``CREATE DATABASE … TEMPLATE``), in a fresh
   process (so its peak RSS is the variant's own):
   - ``sweep``: ``escalation.services.sweep.sweep()`` as beat runs it — batches of
     ``case_escalate_overdue_batch`` with the notices (4 per case: grid team + community centre);
     the measuring process settles before its clock as a worker process does when it starts
     (``core.serving.settle``): the URLconf loaded (the first ``reverse`` imports every view) and the
     startup heap frozen (``gc.freeze``);
   - ``sweep, heap not frozen`` (only when asked for, ``--variants sweep,sweep_unfrozen``): the same without
     ``gc.freeze`` — what full collections walking the startup heap cost;
   - ``narrow + readers' indexes`` (only when named, ``narrow_readers``): the best case of moving the hot
     deadline state to a table of its own (docs/scaling.md, "The sweep", (a)) — the columns an escalation
     changes and the scope columns, with **every index of ``cases_case`` that an escalation must rewrite**
     (read from ``pg_indexes`` at run time: each index naming a column the escalation sets — in its key, its
     ``INCLUDE`` or its ``WHERE``), since the pages that read through those indexes would have to read them
     there; timed, the limit's two statements on it (events into a table without index, one UPDATE);
   - ``… + 2 group notices`` (``narrow_readers_groups``): the same plus notices addressed to groups
     (docs/scaling.md, (c)): one ``INSERT … SELECT`` of two rows per case (the grid team, the community
     centre) into a notice table with a primary key and two indexes (case; group and time), no foreign keys —
     the best case of (a) + (b) + (c), what no Python in the sweep can go below;
   - ``sweep indexes + groups`` (``narrow_sweep_groups``): the same with only the sweep's own indexes on the
     narrow table (``case_sweep_*``: due, yellow, supervised, hold) — what is left if no page read the hot
     state through an index (pages on rollups): the floor of any design that keeps the sweep's finders;
   - ``sweep, no notices``: the same with the notice receiver disconnected (what the notices cost);
   - ``hand SQL``: the same writes by hand — one INSERT … SELECT of the events and one UPDATE of the
     cases — on the product's own (wide, many-indexed) tables;
   - ``limit`` (DESIGN §8's reference): the statement shape on narrow tables — the hot deadline columns of the
     same N cases copied (before the clock starts) into ``bench_deadline`` (id, level, status, due times,
     counters; ONE partial index, on due_at of open cases), then timed: one INSERT … SELECT of an event row per
     overdue case into ``bench_deadline_event`` (no index) and one UPDATE of ``bench_deadline``. No
     implementation that keeps the case table and an audit trail can beat it; the sweep's bar is 5× this;
4. checks every run escalated exactly the overdue cases and prints a table; "× limit" is seconds over the
   limit's seconds of the same N in the same run (their mean when it was named more than once), with the load
   average it ran under.
Peak RSS is ``ru_maxrss`` of the measuring process; "growth" is its rise during the run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: ``<the database DATABASE_URL names>_sweep`` and ``…_sweep_run``: two people benchmarking on one server do not
#: collide (``gridcase_bench`` when the URL names none).
_NAME = urlsplit(os.environ.get("DATABASE_URL", "")).path.strip("/")
TEMPLATE_DB = f"{_NAME}_sweep" if _NAME else "gridcase_bench"
RUN_DB = f"{TEMPLATE_DB}_run"
VARIANTS = ("sweep", "sweep_no_notices", "hand_sql", "limit")
#: not run unless named in --variants
EXTRA_VARIANTS = ("sweep_unfrozen", "narrow_readers", "narrow_readers_groups", "narrow_sweep_groups")
HAND_VARIANTS = ("hand_sql", "limit", "narrow_readers", "narrow_readers_groups", "narrow_sweep_groups")
GROUP_VARIANTS = ("narrow_readers_groups", "narrow_sweep_groups")
LABELS = {
    "sweep": "sweep()",
    "sweep_unfrozen": "sweep(), heap not frozen",
    "sweep_no_notices": "sweep(), no notices",
    "hand_sql": "hand SQL, wide table",
    "limit": "limit (narrow table)",
    "narrow_readers": "narrow + reader indexes",
    "narrow_readers_groups": "… + 2 group notices",
    "narrow_sweep_groups": "sweep indexes + groups",
}


def base_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/sweep.py needs PostgreSQL: set DATABASE_URL=postgres://user@host:port/any_db")
    return url


def url_for(db: str) -> str:
    p = urlsplit(base_url())
    return urlunsplit((p.scheme, p.netloc, f"/{db}", p.query, p.fragment))


def admin_sql(*statements: str) -> None:
    """Run statements on the server's ``postgres`` database (CREATE/DROP DATABASE need autocommit)."""
    import psycopg2

    conn = psycopg2.connect(url_for("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
    conn.close()


def setup_django(db: str) -> None:
    os.environ["DATABASE_URL"] = url_for(db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["CELERY_BROKER_URL"] = "memory://"  # the after-commit delivery task goes nowhere
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DB_CONN_MAX_AGE"] = "0"
    os.environ["DJANGO_DEBUG"] = "0"  # DEBUG keeps every SQL string (a batch's are megabytes): not what production does
    import django

    django.setup()


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- step 1 and 2: the template database ---------------------------------------------------------------------


def prepare(size: int, overdue_share: float) -> dict:
    """(Re)build the template database with ``size`` open cases, ``overdue_share`` of them overdue."""
    admin_sql(
        f"DROP DATABASE IF EXISTS {RUN_DB}", f"DROP DATABASE IF EXISTS {TEMPLATE_DB}", f"CREATE DATABASE {TEMPLATE_DB}"
    )
    setup_django(TEMPLATE_DB)
    from django.core.management import call_command
    from django.db import connection

    from tests.factories.world import build_world

    call_command("migrate", verbosity=0)
    world = build_world()
    cat = world.categories["0101"]
    from governance.selectors import rule_for

    rule = rule_for(category=cat, level="grid")
    every = max(1, round(1 / overdue_share))
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO cases_case (
                number, title, description, category_id, grade, channel, reporter_id, citizen_name, citizen_phone,
                follow_up_token, lat, lng, address, grid_id, community_id, street_id, district_id, level, status,
                handler_kind, handler_region_id, rule_id, arrived_at, accept_due_at, due_at, yellow_at,
                warned_yellow, response_due_at, responded_at, held_at, held_from_status, supervised_at,
                return_blocked, escalation_count, rework_count, return_count, dispatch_count, extension_count,
                reported_at, accepted_at, dispatched_at, signed_at, resolved_at, resolved_on_time, resolved_by_id,
                closed_at, merged_into_id, updated_at)
            SELECT
                'BX-' || lpad(i::text, 8, '0'), '暴露垃圾 #' || i, '基准测试事件', %(cat)s, 'A', 'patrol', NULL, '', '',
                md5('bench' || i::text), NULL, NULL, '基准地址 ' || i,
                CASE WHEN i %% 2 = 0 THEN %(grid_a)s ELSE %(grid_b)s END,
                CASE WHEN i %% 2 = 0 THEN %(community)s ELSE %(community_b)s END,
                %(street)s, %(district)s, 'grid', 'reported', 'grid_team', NULL, %(rule)s,
                now() - interval '3 days', now() - interval '2 days',
                CASE WHEN i %% %(every)s = 0 THEN now() - interval '1 hour' - (i %% 3600) * interval '1 second'
                     ELSE now() + interval '30 days' END,
                CASE WHEN i %% %(every)s = 0 THEN now() - interval '2 hours' ELSE now() + interval '20 days' END,
                true, now() - interval '2 days', NULL, NULL, '', NULL,
                false, 0, 0, 0, 0, 0,
                now() - interval '3 days', NULL, NULL, NULL, NULL, NULL, NULL,
                NULL, NULL, now()
            FROM generate_series(1, %(n)s) AS i
            """,
            {
                "cat": cat.id,
                "grid_a": world.grid_a.id,
                "grid_b": world.grid_b.id,
                "community": world.community.id,
                "community_b": world.community_b.id,
                "street": world.street.id,
                "district": world.district.id,
                "rule": rule.id,
                "every": every,
                "n": size,
            },
        )
        cur.execute("ANALYZE")
        cur.execute("SELECT count(*) FROM cases_case WHERE due_at <= now()")
        overdue = cur.fetchone()[0]
    connection.close()
    return {"size": size, "overdue": overdue, "fill_s": time.perf_counter() - started}


# --- step 3: one measurement in its own process ----------------------------------------------------------------


def measure(variant: str, batch_size: int | None) -> dict:
    setup_django(RUN_DB)
    from django.db import connection, transaction
    from django.utils import timezone

    from cases.models import Case, CaseEvent
    from escalation.models import Notice

    with connection.cursor() as cur:  # warm the connection and the catalogue before the baseline
        cur.execute("SELECT count(*) FROM cases_case WHERE due_at <= now()")
        overdue = cur.fetchone()[0]
    now = timezone.now()
    if variant in HAND_VARIANTS:
        params = _hand_sql_params(now)
        if variant == "limit":
            with connection.cursor() as cur:  # setup, not timed: the narrow table holds the same N cases
                for sql in LIMIT_SETUP:
                    cur.execute(sql)
        elif variant != "hand_sql":
            readers_indexes = narrow_readers_setup(
                groups=variant in GROUP_VARIANTS, only_sweep=variant == "narrow_sweep_groups"
            )
    else:
        from core.links import load_urlconf
        from core.serving import settle
        from escalation.services import sweep as sweep_module

        if variant == "sweep_unfrozen":
            load_urlconf()
        else:
            settle(templates=False)  # as a worker process starts (config/celery_app.py): URLconf loaded, heap frozen

        if variant == "sweep_no_notices":
            from cases.signals import events_recorded

            assert events_recorded.disconnect(sender=Case, dispatch_uid="escalation.notices_for_events")
    before = rss_mb()
    started = time.perf_counter()
    if variant == "hand_sql":
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(HAND_EVENTS, params)
            cur.execute(HAND_UPDATE, params)
            escalated = cur.rowcount
    elif variant == "limit":
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(LIMIT_EVENTS, params)
            cur.execute(LIMIT_UPDATE, params)
            escalated = cur.rowcount
    elif variant in HAND_VARIANTS:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(HOT_EVENTS, params)
            if variant in GROUP_VARIANTS:
                cur.execute(HOT_GROUP_NOTICES, params)
            cur.execute(HOT_UPDATE, params)
            escalated = cur.rowcount
    else:
        escalated = sweep_module.sweep(now=now, batch_size=batch_size)["escalated"]
    seconds = time.perf_counter() - started
    peak = rss_mb()
    events = CaseEvent.objects.filter(action="escalate").count()
    left = Case.objects.filter(level="grid", due_at__lte=now).count()
    notices = Notice.objects.count()
    extra = {}
    if variant in HAND_VARIANTS and variant != "hand_sql":
        table = "bench_deadline" if variant == "limit" else "bench_hot"
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {table}_event")
            events = cur.fetchone()[0]
            cur.execute(f"SELECT count(*) FROM {table} WHERE level = 'grid' AND due_at <= %s", [now])
            left = cur.fetchone()[0]
            if variant in GROUP_VARIANTS:
                cur.execute("SELECT count(*) FROM bench_group_notice")
                notices = cur.fetchone()[0]
        if variant != "limit":
            extra["indexes"] = readers_indexes
    return {
        **extra,
        "variant": variant,
        "overdue": overdue,
        "escalated": escalated,
        "events": events,
        "notices": notices,
        "left_overdue": left,
        "seconds": seconds,
        "rss_before_mb": before,
        "rss_peak_mb": peak,
    }


def _hand_sql_params(now) -> dict:
    """The community level's due times (computed once, as the sweep does) and ``now``."""
    from cases.services import Deadlines
    from governance.models import Category

    cat = Category.objects.get(code="0101")
    arrival = Deadlines(now).arrival(cat, "community")
    return {"now": now, **{k: arrival[k] for k in ("accept_due_at", "due_at", "yellow_at", "rule_id")}}


_OVERDUE = (
    "status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND supervised_at IS NULL AND due_at <= %(now)s"
)
HAND_EVENTS = f"""
    INSERT INTO cases_caseevent (case_id, action, actor_id, actor_name, actor_role, from_status, to_status, from_level,
                                 to_level, reason, note, data, public, at)
    SELECT id, 'escalate', NULL, 'system', '系统', status, 'accepted', level, 'community', 'overdue',
           '超过本级办理时限，系统自动上报',
           jsonb_build_object('overdue_due_at', due_at, 'from_handler',
                              jsonb_build_object('kind', handler_kind, 'region', handler_region_id)),
           true, %(now)s
    FROM cases_case WHERE {_OVERDUE}
"""
HAND_UPDATE = f"""
    UPDATE cases_case SET level = 'community', status = 'accepted', handler_kind = 'centre',
           handler_region_id = community_id, arrived_at = %(now)s, accept_due_at = %(accept_due_at)s,
           due_at = %(due_at)s, yellow_at = %(yellow_at)s, rule_id = %(rule_id)s, warned_yellow = false,
           escalation_count = escalation_count + 1, updated_at = %(now)s
    WHERE {_OVERDUE}
"""


LIMIT_SETUP = [
    """CREATE TABLE bench_deadline (id bigint PRIMARY KEY, level varchar(12) NOT NULL, status varchar(16) NOT NULL,
       due_at timestamptz, accept_due_at timestamptz, yellow_at timestamptz, supervised_at timestamptz,
       escalation_count int NOT NULL)""",
    """INSERT INTO bench_deadline SELECT id, level, status, due_at, accept_due_at, yellow_at, supervised_at,
       escalation_count FROM cases_case""",
    """CREATE INDEX bench_deadline_due ON bench_deadline (due_at)
       WHERE status IN ('reported', 'accepted', 'dispatched', 'in_progress') AND supervised_at IS NULL""",
    """CREATE TABLE bench_deadline_event (case_id bigint NOT NULL, at timestamptz NOT NULL,
       from_level varchar(12) NOT NULL, to_level varchar(12) NOT NULL, reason varchar(40) NOT NULL)""",
    "VACUUM ANALYZE bench_deadline",
]
LIMIT_EVENTS = f"""
    INSERT INTO bench_deadline_event (case_id, at, from_level, to_level, reason)
    SELECT id, %(now)s, level, 'community', 'overdue' FROM bench_deadline WHERE {_OVERDUE}
"""
LIMIT_UPDATE = f"""
    UPDATE bench_deadline SET level = 'community', status = 'accepted', accept_due_at = %(accept_due_at)s,
           due_at = %(due_at)s, yellow_at = %(yellow_at)s, escalation_count = escalation_count + 1
    WHERE {_OVERDUE}
"""


#: What an escalation sets (HAND_UPDATE's columns): an index naming any of them is rewritten by every escalation.
HOT_COLUMNS = (
    "level",
    "status",
    "handler_kind",
    "handler_region_id",
    "arrived_at",
    "accept_due_at",
    "due_at",
    "yellow_at",
    "rule_id",
    "warned_yellow",
    "escalation_count",
    "updated_at",
)
#: The narrow table: the hot columns, and what the indexes that name them also name (scope, report time, …).
HOT_TABLE_COLUMNS = (
    "id, grid_id, community_id, street_id, district_id, house_id, reported_at, supervised_at, return_count, "
    "hold_until, hold_due_warned_at, " + ", ".join(HOT_COLUMNS)
)


def narrow_readers_setup(*, groups: bool, only_sweep: bool) -> list[str]:
    """Untimed: ``bench_hot`` with the same N cases and a copy of every ``cases_case`` index naming a hot column
    (key, ``INCLUDE`` or ``WHERE``) — what the pages would read through if the hot state lived there. Returns the
    names of the indexes copied. ``only_sweep``: only the sweep's own (``case_sweep_*``)."""
    import re

    from django.db import connection

    hot = re.compile(r"\b(" + "|".join(HOT_COLUMNS) + r")\b")
    with connection.cursor() as cur:
        cur.execute(f"CREATE TABLE bench_hot AS SELECT {HOT_TABLE_COLUMNS} FROM cases_case")
        cur.execute("ALTER TABLE bench_hot ADD PRIMARY KEY (id)")
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases_case' AND indexname <> "
            "'cases_case_pkey' ORDER BY indexname"
        )
        copied = []
        for name, definition in cur.fetchall():
            if only_sweep and not name.startswith("case_sweep_"):
                continue
            if hot.search(definition.split(" USING ", 1)[1]):
                cur.execute(
                    definition.replace(f"INDEX {name} ON", f"INDEX bench_hot_{name} ON", 1).replace(
                        "public.cases_case ", "public.bench_hot ", 1
                    )
                )
                copied.append(name)
        cur.execute(
            """CREATE TABLE bench_hot_event (case_id bigint NOT NULL, at timestamptz NOT NULL,
               from_level varchar(12) NOT NULL, to_level varchar(12) NOT NULL, reason varchar(40) NOT NULL)"""
        )
        if groups:
            cur.execute(
                """CREATE TABLE bench_group_notice (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
                   case_id bigint NOT NULL, group_kind varchar(12) NOT NULL, group_id bigint NOT NULL,
                   kind varchar(20) NOT NULL, title varchar(200) NOT NULL, url varchar(200) NOT NULL,
                   created_at timestamptz NOT NULL)"""
            )
            cur.execute("CREATE INDEX bench_group_notice_case ON bench_group_notice (case_id)")
            cur.execute(
                "CREATE INDEX bench_group_notice_inbox ON bench_group_notice (group_kind, group_id, created_at)"
            )
        cur.execute("VACUUM ANALYZE bench_hot")
    return copied


HOT_EVENTS = f"""
    INSERT INTO bench_hot_event (case_id, at, from_level, to_level, reason)
    SELECT id, %(now)s, level, 'community', 'overdue' FROM bench_hot WHERE {_OVERDUE}
"""
HOT_GROUP_NOTICES = f"""
    INSERT INTO bench_group_notice (case_id, group_kind, group_id, kind, title, url, created_at)
    SELECT c.id, g.kind, CASE WHEN g.kind = 'grid' THEN c.grid_id ELSE c.community_id END, 'escalated',
           '事件超时上报', '/cases/' || c.id || '/', %(now)s
    FROM bench_hot c CROSS JOIN (VALUES ('grid'), ('centre')) AS g(kind) WHERE {_OVERDUE}
"""
HOT_UPDATE = f"""
    UPDATE bench_hot SET level = 'community', status = 'accepted', handler_kind = 'centre',
           handler_region_id = community_id, arrived_at = %(now)s, accept_due_at = %(accept_due_at)s,
           due_at = %(due_at)s, yellow_at = %(yellow_at)s, rule_id = %(rule_id)s, warned_yellow = false,
           escalation_count = escalation_count + 1, updated_at = %(now)s
    WHERE {_OVERDUE}
"""


# --- step 4: orchestration and the table ---------------------------------------------------------------------


def run_variant(variant: str, batch_size: int | None) -> dict:
    admin_sql(f"DROP DATABASE IF EXISTS {RUN_DB}", f"CREATE DATABASE {RUN_DB} TEMPLATE {TEMPLATE_DB}")
    try:
        args = [sys.executable, __file__, "--measure", variant]
        if batch_size:
            args += ["--batch-size", str(batch_size)]
        out = subprocess.run(args, check=True, capture_output=True, text=True, env=os.environ.copy()).stdout
        return json.loads(out.strip().splitlines()[-1])
    finally:
        admin_sql(f"DROP DATABASE IF EXISTS {RUN_DB}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="open cases per run (comma-separated)")
    parser.add_argument("--overdue-share", type=float, default=0.1)
    parser.add_argument("--batch-size", type=int, default=None, help="sweep batch (default SWEEP_BATCH_SIZE)")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--measure", choices=VARIANTS + EXTRA_VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    base_url()
    if args.measure:
        print(json.dumps(measure(args.measure, args.batch_size)))
        return
    if args.prepare:
        print(json.dumps(prepare(args.prepare, args.overdue_share)))
        return

    rows = []
    for size in [int(s) for s in args.sizes.split(",")]:
        out = subprocess.run(
            [sys.executable, __file__, "--prepare", str(size), "--overdue-share", str(args.overdue_share)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        prepared = json.loads(out.strip().splitlines()[-1])
        print(
            f"prepared {size:,} open cases ({prepared['overdue']:,} overdue) in {prepared['fill_s']:.1f}s", flush=True
        )
        results: dict[str, list[dict]] = {}
        for variant in args.variants.split(","):
            r = run_variant(variant, args.batch_size)
            ok = r["escalated"] == r["overdue"] == r["events"] and r["left_overdue"] == 0
            results.setdefault(variant, []).append(r)
            rows.append((size, variant, r, ok))
            print(f"  {LABELS[variant]:<24} {r['seconds']:7.2f}s  {'ok' if ok else 'MISMATCH'}", flush=True)
        reference = "limit" if "limit" in results else "hand_sql" if "hand_sql" in results else None
        if reference:  # every run of this size, a variant named twice included; a reference named twice: its mean
            runs = results[reference]
            mean = sum(r["seconds"] for r in runs) / len(runs)
            for row_size, _variant, r, _ok in rows:
                if row_size == size:
                    r["vs_sql"] = r["seconds"] / mean
    admin_sql(f"DROP DATABASE IF EXISTS {TEMPLATE_DB}")

    print()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"PostgreSQL, {os.cpu_count()} cores, load average {load}; batch {args.batch_size or 'SWEEP_BATCH_SIZE'}")
    print(
        "× limit: seconds over the limit variant's (same N, same run; the mean of its runs when named more than once);"
        " the bar is the full sweep ≤ 5×"
    )
    head = (
        f"| {'open cases':>10} | {'overdue':>8} | {'variant':<24} | {'seconds':>8} | {'cases/s':>8} | "
        f"{'× limit':>7} | {'notices':>8} | {'peak RSS':>9} | {'growth':>8} | check |"
    )
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for size, variant, r, ok in rows:
        rate = r["escalated"] / r["seconds"] if r["seconds"] else 0
        ratio = f"{r['vs_sql']:.1f}" if "vs_sql" in r else "—"
        ratio = f"{ratio:>7}"
        print(
            f"| {size:>10,} | {r['overdue']:>8,} | {LABELS[variant]:<24} | {r['seconds']:>8.2f} | {rate:>8,.0f} | "
            f"{ratio} | {r['notices']:>8,} | {r['rss_peak_mb']:>6.0f} MB | "
            f"{r['rss_peak_mb'] - r['rss_before_mb']:>5.0f} MB | {'ok' if ok else 'FAIL':<5} |"
        )
    for size, variant, r, _ok in rows:
        if "indexes" in r:
            print(
                f"{LABELS[variant]} ({size:,}): the primary key and {len(r['indexes'])} indexes of cases_case that an "
                f"escalation rewrites: {', '.join(r['indexes'])}"
            )


if __name__ == "__main__":
    main()
