"""Benchmark: the dashboard, the queue and the assessment at 1,000,000 cases (DESIGN §8: p95 < 200 ms, a constant
number of SQL queries per page).

    # once: a dedicated database with the generated city (about 3 minutes for 1M cases on 2 cores)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridcase_bench_dash .venv/bin/python bench/dashboard.py --setup
    # then, any number of times
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridcase_bench_dash .venv/bin/python bench/dashboard.py

Options: ``--requests 30`` (timed requests per page), ``--grids 1000 --cases 1000000`` (with --setup),
``--explain`` (EXPLAIN ANALYZE every query slower than 20 ms on each page), ``--only <substring>``, ``--no-refresh``
(skip step 3's refresh when the kept figures are fresh from a run minutes ago).

What it measures, step by step:
1. ``--setup`` creates the database if it is missing (with ``random_page_cost = 1.1``, the usual setting on SSD
   storage — the default 4.0 models spinning disks), migrates it and runs ``bench/generate_city.py``;
2. the process settles as a gunicorn worker does (``core.serving.settle``: code and templates loaded, the
   survivors frozen out of the garbage collector's full sweeps); then, for a street officer (``sim_s001``) and a
   district officer (``sim_d01``), each page is requested in-process with Django's test ``Client`` (server-side
   time: URL routing, middleware, session, views, SQL, templates — no network, no browser): 3 warm-up requests,
   then ``--requests`` timed ones;
3. the assessment's kept figures are refreshed as beat does (``assessment.services.figures_refresh``, timed): a
   district's fixed periods are then read from them, and the same pages are measured counted live (``live=1``);
4. the SQL query count of each page is taken from one more request under ``CaptureQueriesContext``;
5. prints p50 / p95 / max in milliseconds and the query count per page, as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DB_NAME = "gridcase_bench_dash"


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"bench/dashboard.py needs PostgreSQL: DATABASE_URL=postgres://user@host:port/{DB_NAME}")
    if not urlsplit(url).path.strip("/"):
        sys.exit("DATABASE_URL must name the database")
    return url


def setup(url: str, grids: int, cases: int) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.strip("/")
    admin = psycopg2.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", "", "")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{name}"')
        # SSD storage: PostgreSQL's default random_page_cost (4.0) assumes spinning disks and makes the planner
        # hash-join a whole district's cases instead of probing the period's rows by index.
        cur.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')
    admin.close()
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.local"}
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "bench/generate_city.py", "--grids", str(grids), "--cases", str(cases)],
        cwd=ROOT,
        env=env,
        check=True,
    )


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test Client's host is allowed, mail stays in memory
    from core.serving import settle

    settle()  # what each gunicorn worker does before its first request (gunicorn.conf.py)


def pages_for(user) -> list[tuple[str, str, dict]]:
    """(label, url, extra headers) for one user: the dashboard parts, the queue with filters and deep pages,
    the assessment and its charts."""
    from django.utils import timezone

    from assessment.selectors import figures_key
    from assessment.services import fixed_periods
    from cases.models import Case, CaseDispatch
    from cases.selectors import case_queryset_for, scope_for
    from escalation.paging import Cursor
    from escalation.selectors.triage import scope_grids

    hx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "queue"}
    days = fixed_periods(timezone.localdate())["last_30_days"]
    last_30 = urlencode({"from": days.date_from.isoformat(), "to": days.date_to.isoformat()})
    scope = case_queryset_for(user)
    total = scope.count()
    depth = min(1999 * 50, max(total - 50, 0))
    deep = scope.order_by("-reported_at", "-id").values_list("reported_at", "id")[depth]
    cursor = Cursor(deep[0], deep[1]).encode()
    grid = scope_grids(user)[len(scope_grids(user)) // 2]["id"]
    dept = (
        CaseDispatch.objects.filter(case__in=scope.filter(status="in_progress").values("pk")[:1000])
        .values_list("department_id", flat=True)
        .exclude(department_id=None)
        .first()
    )
    sample = Case.objects.filter(pk__in=scope.values("pk")[:1]).values_list("number", flat=True).first() or "x"
    deep_page = depth // 50 + 1
    api_deep = api_cursor(scope.order_by("-reported_at", "-id"), deep)
    api_last = api_cursor(scope.order_by("-reported_at", "-id"), None)
    busy = scope.order_by("-escalation_count", "-id").values_list("pk", flat=True).first() or 0
    pages = [
        ("dashboard (full page)", "/dashboard/", {}),
        ("counters fragment", "/dashboard/counters/", {}),
        ("map fragment", "/dashboard/map/", {}),
        ("whistles fragment", "/dashboard/whistles/", {}),
        ("queue: open, page 1", "/dashboard/", hx),
        ("queue: all, page 1", "/dashboard/?view=all", hx),
        ("queue: all, page 50 (offset)", "/dashboard/?view=all&page=50", hx),
        (
            f"queue: all, page {deep_page} (keyset)",
            "/dashboard/?" + urlencode({"view": "all", "after": cursor, "pn": deep_page}),
            hx,
        ),
        ("queue: red", "/dashboard/?view=red", hx),
        ("queue: by due time", "/dashboard/?sort=due_at", hx),
        ("queue: one grid, all", f"/dashboard/?view=all&grid={grid}", hx),
        ("queue: category 0202", "/dashboard/?category=0202", hx),
        ("queue: department", f"/dashboard/?department={dept or 0}", hx),
        (
            "queue: closed in a month",
            "/dashboard/?status=closed&reported_at_after=2026-06-01&reported_at_before=2026-06-30",
            hx,
        ),
        ("queue: text search", "/dashboard/?" + urlencode({"view": "all", "q": sample}), hx),
        ("case list page 1 (/cases/)", "/cases/", {}),
        (f"case list page {depth // 20 + 1} (/cases/, cursor)", "/cases/?" + urlencode({"cursor": api_deep}), {}),
        ("case list last page (/cases/, cursor)", "/cases/?" + urlencode({"cursor": api_last}), {}),
        (
            "case list by due time, last page",
            "/cases/?" + urlencode({"sort": "due", "cursor": api_cursor(scope.order_by("due_at", "id"), None)}),
            {},
        ),
        ("API cases: page 1", "/api/v1/cases/", {}),
        (f"API cases: page {deep_page} (cursor)", "/api/v1/cases/?" + urlencode({"cursor": api_deep}), {}),
        ("API cases: last page (cursor)", "/api/v1/cases/?" + urlencode({"cursor": api_last}), {}),
        ("API cases: red, page 1", "/api/v1/cases/?light=red", {}),
        (
            "API cases: by due time, last page",
            "/api/v1/cases/?" + urlencode({"ordering": "due_at", "cursor": api_cursor(scope.order_by("due_at"), None)}),
            {},
        ),
        ("API a case's events", f"/api/v1/cases/{busy}/events/", {}),
        ("API notices", "/api/v1/notices/", {}),
        ("API summonses", "/api/v1/summonses/", {}),
        ("assessment: week, by grid", "/assessment/?by=grid", {}),
        ("assessment: week, by department", "/assessment/?by=department", {}),
        ("assessment: 30 days, by street", f"/assessment/?by=street&{last_30}", {}),
        ("chart: daily (30 days)", "/dashboard/charts/daily.svg?from=2026-10-22&to=2026-11-20", {}),
        ("chart: 8 weeks of 三率", "/dashboard/charts/weekly.svg", {}),
    ]
    if figures_key(scope_for(user)) is not None:  # a district-wide scope: the same pages counted live too
        pages += [
            ("assessment: week, by grid (live)", "/assessment/?by=grid&live=1", {}),
            ("assessment: week, by department (live)", "/assessment/?by=department&live=1", {}),
            ("assessment: 30 days, by street (live)", f"/assessment/?by=street&{last_30}&live=1", {}),
        ]
    return pages


def api_cursor(qs, row) -> str:
    """The API's cursor (``core.pagination``) just after ``row`` (sort values, id) — or of the last page."""
    from core.pagination import Cursor as KeysetCursor
    from core.pagination import keyset_keys

    _qs, keys = keyset_keys(qs)
    signature = ",".join(("-" if k.descending else "") + k.expr for k in keys)
    if row is None:
        return KeysetCursor(signature, None, True).encode()
    return KeysetCursor(signature, [v.isoformat() if hasattr(v, "isoformat") else v for v in row], False).encode()


def measure(client, url: str, headers: dict, n: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url, **headers).status_code == 200, url
    times = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(url, **headers)
        if response.streaming:
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as ctx:
        client.get(url, **headers)
    return times, len(ctx)


def explain(client, url: str, headers: dict) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(url, **headers)
    for q in ctx.captured_queries:
        if float(q["time"]) * 1000 < 20 or not q["sql"].lstrip().upper().startswith("SELECT"):
            continue
        print(f"\n-- {float(q['time']) * 1000:.0f} ms: {q['sql'][:300]}")
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + q["sql"])
            print("\n".join(r[0] for r in cur.fetchall()))


def calibration() -> str:
    """The machine's single-core speed, to compare runs across machines: a pure-Python loop of 10M additions (the
    best of three; about 0.5 s on a fast core, 1.2 s on the slower machines these figures were taken on)."""
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        total = 0
        for i in range(10_000_000):
            total += i
        best = min(best, time.perf_counter() - t)
    return f"calibration: 10M-addition Python loop {best:.2f} s"


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = (len(values) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--setup", action="store_true")
    parser.add_argument("--grids", type=int, default=1000)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--only", default="")
    parser.add_argument(
        "--no-refresh",
        action="store_true",
        help="keep the kept figures as they are (fresh for ASSESSMENT_FIGURES_MAX_AGE)",
    )
    args = parser.parse_args()
    url = database_url()
    if args.setup:
        setup(url, args.grids, args.cases)
    django_setup()
    from django.test import Client

    from cases.models import Case
    from governance.models import User

    n_cases = Case.objects.count()
    if not n_cases:
        sys.exit("no cases: run with --setup first")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW random_page_cost")
        rpc = cur.fetchone()[0]
    db = urlsplit(url).path.strip("/")
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"# {n_cases:,} cases in {db} (random_page_cost {rpc}); {args.requests} timed requests per page")
    print(f"# load average before: {load} (1 / 5 / 15 min), {os.cpu_count()} cores; {calibration()}")
    from assessment.services import figures_refresh

    if args.no_refresh:
        print("# kept assessment figures not refreshed (--no-refresh): pages older than their max age count live\n")
    else:
        t = time.perf_counter()
        rows = figures_refresh()  # what beat's "assessment-figures" task does every ASSESSMENT_FIGURES_INTERVAL
        print(f"# kept assessment figures refreshed as beat does: {rows} rows in {time.perf_counter() - t:.1f} s\n")
    print("| user | page | p50 ms | p95 ms | max ms | queries |")
    print("|---|---|---:|---:|---:|---:|")
    worst = 0.0
    for username, label in [("sim_s001", "street officer"), ("sim_d01", "district officer")]:
        user = User.objects.select_related("region").get(username=username)
        client = Client()
        client.force_login(user)
        for page, path, headers in pages_for(user):
            if args.only and args.only not in page:
                continue
            times, queries = measure(client, path, headers, args.requests)
            p95 = pct(times, 0.95)
            worst = max(worst, p95)
            print(
                f"| {label} | {page} | {statistics.median(times):.1f} | {p95:.1f} | {max(times):.1f} | {queries} |",
                flush=True,
            )
            if args.explain:
                explain(client, path, headers)
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nworst p95: {worst:.1f} ms (target ≤ 100 ms at 1M, ≤ 200 ms at a province); load average after: {load}")


if __name__ == "__main__":
    main()
