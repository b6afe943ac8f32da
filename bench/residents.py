"""Benchmark: the residents pages at city scale and the visit sweep (issue 12; DESIGN §8 style).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridcase .venv/bin/python bench/residents.py
    # (or: make bench BENCH=residents)

It works in its own database ``<DATABASE_URL's name>_residents_bench`` (``--db`` to choose) on the same server
(created, migrated and generated the first
time — about 3 minutes for 1,000 grids on 2 cores — and reused afterwards; drop it to generate again, e.g.
with another ``--grids``).

Options: ``--grids 1000`` (with --setup; each grid gets a 200-house and a 104-house building, 1–5 people per
occupied home: ≈ 870 residents per grid), ``--requests 30``, ``--sweep 100000`` (due visits for the sweep).

What it does, step by step:
1. Creates the database if missing (``random_page_cost = 1.1``), migrates, and (first time) generates set-wise in
   SQL (INSERT … SELECT generate_series): regions (one street per 185 grids, one community per 8 grids), the
   grids, 2 buildings per grid, their houses, residents, ≈ 1 tagged person per 100 with a visit plan, and
   two users — the full-time worker of the first grid (``bench_worker``) and the first street's officer
   (``bench_street``). ID numbers and phones of generated people are placeholder ciphertext with distinct
   keyed-hash stand-ins (the pages never decrypt; encrypting a million values in Python would only time
   Fernet). Then ANALYZE.
2. Pages, requested in-process with Django's test Client (server time: routing, middleware, session, view, SQL,
   template): 3 warm-up requests, then ``--requests`` timed ones; p50 / p95 / max in ms, and the SQL query count
   of one more request. "Constant" is shown by pairs: the household map of the 200-house and of the 104-house
   building, the list's first and 20th page, the day page with few and with many due visits.
3. The sweep: every grid gets a full-time worker (so each overdue plan has one reader to tell), a first sweep
   takes what the generated data already has due; then ``--sweep`` hand-added plans due yesterday are inserted;
   ``visits_sweep`` turns them yellow with
   their notices (timed, peak Python memory by tracemalloc), next to the raw-SQL reference (one UPDATE of the
   same rows, rolled back) — the figure is the ratio; the same at a fifth of the size shows memory is flat.
   The plans and notices are deleted afterwards, so the script can run again.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or not urlsplit(url).path.strip("/"):
        sys.exit("bench/residents.py needs PostgreSQL: DATABASE_URL=postgres://user@host:port/<name>")
    return url


def create_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.strip("/")
    admin = psycopg2.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
        cur.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')
    admin.close()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()


def generate(grids: int) -> None:
    """Regions, grids, buildings, houses, residents, tags and plans — set-wise in SQL."""
    from django.db import connection, transaction

    from governance.choices import RegionLevel, Role
    from governance.models import Region, User
    from grids.choices import StaffRole
    from grids.models import Grid
    from grids.services import staff_assign
    from residents.builtin import builtin_categories_ensure
    from residents.models import TagCategory

    if Grid.objects.filter(code__startswith="RB-").exists():
        print("already generated")
        return
    t0 = time.perf_counter()
    with transaction.atomic():
        builtin_categories_ensure(TagCategory)
        city = Region.objects.create(name="基准市", code="RB", level=RegionLevel.CITY)
        district = Region.objects.create(name="基准区", code="RB01", level=RegionLevel.DISTRICT, parent=city)
        n_streets = max(1, grids // 185)
        streets = [
            Region.objects.create(name=f"基准街道{s}", code=f"RB01{s:03d}", level=RegionLevel.STREET, parent=district)
            for s in range(n_streets)
        ]
        communities = [
            Region.objects.create(
                name=f"基准社区{c}", code=f"RB01C{c:04d}", level=RegionLevel.COMMUNITY, parent=streets[c % n_streets]
            )
            for c in range(max(1, grids // 8))
        ]
        Grid.objects.bulk_create(
            Grid(code=f"RB-{g:05d}", name=f"基准网格{g}", community=communities[g % len(communities)])
            for g in range(grids)
        )
        first = Grid.objects.get(code="RB-00000")
        worker = User.objects.create_user(username="bench_worker", password="x", role=Role.GRID_WORKER)
        staff_assign(grid=first, user=worker, role=StaffRole.FULL_TIME_WORKER)
        User.objects.create_user(
            username="bench_street", password="x", role=Role.CENTRE_STAFF, region=first.community.parent
        )
        with connection.cursor() as cur:
            cur.execute(
                """INSERT INTO residents_building (grid_id, name, address, floors, units, lat, lng)
                SELECT g.id, b || '号楼', g.name || b || '号楼', CASE b WHEN 1 THEN 25 ELSE 13 END, 2, NULL, NULL
                FROM grids_grid g CROSS JOIN generate_series(1, 2) b WHERE g.code LIKE 'RB-%%'""",
                [],
            )
            cur.execute(
                """INSERT INTO residents_house (grid_id, building_id, unit, floor, number, address, use, lat, lng)
                SELECT b.grid_id, b.id, u, f, (f * 100 + k)::text, b.address || u || '单元' || (f * 100 + k),
                       CASE WHEN (b.id * 31 + f * 7 + k) %% 10 < 2 THEN 'rented'
                            WHEN (b.id * 31 + f * 7 + k) %% 20 = 3 THEN 'vacant' ELSE 'owner' END, NULL, NULL
                FROM residents_building b
                JOIN grids_grid g ON g.id = b.grid_id AND g.code LIKE 'RB-%%'
                CROSS JOIN generate_series(1, 2) u
                CROSS JOIN LATERAL generate_series(1, b.floors) f
                CROSS JOIN generate_series(1, 4) k""",
                [],
            )
            cur.execute(
                """INSERT INTO residents_resident (name, former_name, sex, birth_date, ethnicity, id_number_enc,
                    id_number_hmac, id_number_masked, phone_enc, phone_hmac, phone_masked, kind, status, hukou_place,
                    hukou_address, grid_id, house_id, household_number, relation, hukou_matches, inflow_reason,
                    permit_type, registered_on, permit_expires_on, residence_type, key_attention, native_place,
                    marital_status, political_status, education, occupation, employer, created_at, updated_at)
                SELECT '基准' || h.id || '-' || m, '', CASE WHEN m %% 2 = 0 THEN 'F' ELSE 'M' END,
                    DATE '1950-01-01' + ((h.id * 13 + m * 977) %% 20000)::int, '汉族', 'gAAAA-bench',
                    md5(h.id || ':' || m), '620201********0000', '', md5('p' || h.id || ':' || m), '139****0000',
                    CASE WHEN h.use = 'rented' THEN 'floating' ELSE 'registered' END, 'living', '', '', h.grid_id,
                    h.id, '', CASE WHEN m = 1 THEN 'head' ELSE 'child' END, true, '', '', NULL,
                    CASE WHEN h.use = 'rented' THEN CURRENT_DATE + ((h.id %% 400) - 20)::int END, '', false, '', '', '',
                    '', '', '', now(), now()
                FROM residents_house h
                JOIN grids_grid g ON g.id = h.grid_id AND g.code LIKE 'RB-%%'
                CROSS JOIN LATERAL generate_series(1, 1 + (h.id * 7) %% 5) m
                WHERE h.use <> 'vacant'""",
                [],
            )
            cur.execute(
                """INSERT INTO residents_residenttag (resident_id, category_id, since, ended_on, note, created_by_id)
                SELECT r.id, (SELECT id FROM residents_tagcategory WHERE builtin ORDER BY id
                                OFFSET (r.id %% 6) LIMIT 1), CURRENT_DATE - 100, NULL, '', NULL
                FROM residents_resident r WHERE r.id %% 100 = 0""",
                [],
            )
            cur.execute(
                """INSERT INTO residents_visitplan (resident_id, tag_id, grid_id, reason, every_days, due_on,
                    yellow_on, red_on, light, active, last_visited_on)
                SELECT t.resident_id, t.id, r.grid_id, c.name, c.visit_every_days,
                       CURRENT_DATE + (t.id %% 40)::int - 10, CURRENT_DATE + (t.id %% 40)::int - 9,
                       CURRENT_DATE + (t.id %% 40)::int - 3,
                       CASE WHEN (t.id %% 40) < 3 THEN 'red' WHEN (t.id %% 40) < 9 THEN 'yellow' ELSE 'green' END,
                       true, NULL
                FROM residents_residenttag t JOIN residents_resident r ON r.id = t.resident_id
                JOIN residents_tagcategory c ON c.id = t.category_id""",
                [],
            )
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        cur.execute("SELECT count(*) FROM residents_resident")
        people = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM residents_house")
        houses = cur.fetchone()[0]
    print(f"generated {grids} grids, {houses:,} houses, {people:,} residents in {time.perf_counter() - t0:.0f} s")


def measure(client, url: str, n: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    times = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, url
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return times, len(ctx)


def pages(requests: int) -> None:
    from django.db import connection
    from django.test import Client

    from governance.models import User
    from residents.models import Building, Resident, VisitPlan

    worker = User.objects.get(username="bench_worker")
    street = User.objects.get(username="bench_street")
    grid_id = worker.grid_assignments.get().grid_id
    big, small = Building.objects.filter(grid_id=grid_id).order_by("-floors")[:2]
    rows = []

    def run(label: str, user, url: str) -> None:
        client = Client()
        client.force_login(user)
        times, queries = measure(client, url, requests)
        q = statistics.quantiles(times, n=20)
        rows.append((label, statistics.median(times), q[18], max(times), queries))

    houses_big = big.houses.count()
    run(f"household map, {houses_big}-house building (worker)", worker, f"/residents/buildings/{big.pk}/")
    run(f"household map, {small.houses.count()}-house building", worker, f"/residents/buildings/{small.pk}/")
    run("My grid today (few due visits)", worker, "/today/")
    plan_ids = []
    people = list(Resident.objects.filter(grid_id=grid_id).values_list("id", flat=True)[:200])
    from django.utils import timezone

    today = timezone.localdate()
    made = VisitPlan.objects.bulk_create(
        VisitPlan(resident_id=r, grid_id=grid_id, reason="bench", every_days=30, due_on=today, yellow_on=today,
                  red_on=today + timedelta(days=7)) for r in people
    )  # fmt: skip
    plan_ids = [p.pk for p in made]
    run("My grid today (200 more due visits)", worker, "/today/")
    VisitPlan.objects.filter(pk__in=plan_ids).delete()
    run("residents list, page 1 (grid worker)", worker, "/residents/")
    run("residents list, page 20 (worker)", worker, "/residents/?page=20")
    run("residents list, page 1 (street officer)", street, "/residents/")
    run("residents list, page 20 (street)", street, "/residents/?page=20")
    run("residents list, exact ID search (street)", street, "/residents/?q=110105194912310021")
    run("API residents, page 1 (street)", street, "/api/v1/residents/")
    print(f"\nPostgreSQL {connection.pg_version}; {Resident.objects.count():,} residents; {requests} timed requests\n")
    print("| page | p50 ms | p95 ms | max ms | queries |\n|---|---:|---:|---:|---:|")
    for label, p50, p95, mx, queries in rows:
        print(f"| {label} | {p50:.0f} | {p95:.0f} | {mx:.0f} | {queries} |")


def seat_workers() -> None:
    """A full-time worker on every generated grid (bulk; idempotent), so each overdue plan has one reader."""
    from governance.choices import Role
    from governance.models import User
    from grids.choices import StaffRole
    from grids.models import Grid, GridAssignment

    seated = set(GridAssignment.objects.filter(ended_on__isnull=True).values_list("grid_id", flat=True))
    grids = list(Grid.objects.filter(code__startswith="RB-").exclude(pk__in=seated).values_list("pk", flat=True))
    if not grids:
        return
    users = User.objects.bulk_create(
        User(username=f"bench_w{g}", role=Role.GRID_WORKER, password="!", email=f"w{g}@bench.invalid") for g in grids
    )
    GridAssignment.objects.bulk_create(
        GridAssignment(grid_id=g, user=u, role=StaffRole.FULL_TIME_WORKER) for g, u in zip(grids, users, strict=True)
    )


def sweep(n: int) -> None:
    """Time visits_sweep over ``n`` due plans (and n/5), next to the raw UPDATE reference; clean up after."""
    from django.db import connection, transaction
    from django.utils import timezone

    from escalation.models import Notice
    from residents.services import visits_sweep

    today = timezone.localdate()
    seat_workers()
    visits_sweep(today=today)  # first: what the generated data already has due (tags' plans, permit reminders)
    # (a small set has fewer people than due plans: a person may have up to three hand-added plans)
    print("\n| due plans | sweep s | raw UPDATE s | ratio | peak Python memory MB | notices |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in (n // 5, n):
        with connection.cursor() as cur:
            cur.execute(
                """INSERT INTO residents_visitplan (resident_id, tag_id, grid_id, reason, every_days, due_on,
                    yellow_on, red_on, light, active, last_visited_on)
                SELECT id, NULL, grid_id, 'bench-sweep', 30, %s, %s, %s, 'green', true, NULL
                FROM residents_resident CROSS JOIN generate_series(1, 3) AS copy ORDER BY copy, id LIMIT %s""",
                [today - timedelta(days=1), today - timedelta(days=1), today + timedelta(days=6), size],
            )
            cur.execute("ANALYZE residents_visitplan")
        # the reference: one UPDATE of the same rows, rolled back
        with transaction.atomic():
            t = time.perf_counter()
            with connection.cursor() as cur:
                cur.execute(
                    "UPDATE residents_visitplan SET light = 'yellow' WHERE active AND light = 'green'"
                    " AND yellow_on <= %s AND reason = 'bench-sweep'",
                    [today],
                )
            raw = time.perf_counter() - t
            transaction.set_rollback(True)
        notices_before = Notice.objects.count()
        tracemalloc.start()
        t = time.perf_counter()
        result = visits_sweep(today=today)
        took = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        notices = Notice.objects.count() - notices_before
        print(f"| {size:,} | {took:.1f} | {raw:.2f} | {took / raw:.1f} | {peak:.0f} | {notices:,} |")
        assert result.yellow >= size
        with connection.cursor() as cur:
            cur.execute("DELETE FROM escalation_notice WHERE dedupe_key LIKE 'visit:%%'", [])
            cur.execute("DELETE FROM residents_visitplan WHERE reason = 'bench-sweep'")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setup", action="store_true", help="generate now (skipped when the data is already there)")
    parser.add_argument("--grids", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--sweep", type=int, default=100_000)
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--db", default="", help="database to work in (default: <DATABASE_URL's name>_residents_bench)")
    args = parser.parse_args()
    # Its own database beside the one named (``make bench`` passes the project's): never the working data.
    parts = urlsplit(database_url())
    name = args.db or f"{parts.path.strip('/')}_residents_bench"
    url = urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))
    os.environ["DATABASE_URL"] = url
    create_database(url)
    django_setup()
    from grids.models import Grid

    if args.setup or not Grid.objects.filter(code__startswith="RB-").exists():
        generate(args.grids)
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if not args.skip_pages:
        pages(args.requests)
    if args.sweep:
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        sweep(args.sweep)
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
