"""Benchmark: case-filing API throughput under gunicorn, as a ratio to a bare Django view (DESIGN §8).

    .venv/bin/python bench/intake.py                      # SQLite (a fresh file under var/bench/)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridcase .venv/bin/python bench/intake.py
    (options: --requests 400 (interleaved rounds of 50)  --concurrency 4  --workers 2  --max-seconds 120  --keep)

What it does, step by step:
1. makes a fresh database — on PostgreSQL ``gridcase_bench_intake`` next to the one DATABASE_URL names
   (dropped at the end unless --keep), else a new SQLite file — migrates it, builds the test street
   (tests/factories/world.py) and creates an API token for grid worker wangge01;
2. starts gunicorn (2 sync workers, DEBUG off, BENCH=1 so ``/api/v1/bench/bare`` exists) on a free
   loopback port and waits until it answers;
3. warms up, then fires N ``GET /api/v1/bench/bare`` (a Django view that returns "ok": URL routing,
   middleware, no database) and N ``POST /api/v1/cases/`` (JSON, token auth: serializer → ``case_file``:
   number sequence row lock, clock, report event, commit) from a bounded thread pool over http.client;
4. checks every filing answered 201 and the database holds exactly those cases, prints requests/s,
   p50/p95 latency for both and the ratio filing / bare; stops gunicorn (its own process group only).
Everything is bounded: N requests, and a wall-clock limit after which no new request is sent.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
BENCH_DB = "gridcase_bench_intake"
HOST = "127.0.0.1"

SEED = """
from rest_framework.authtoken.models import Token
from tests.factories.world import build_world
w = build_world()
print("SEED", Token.objects.create(user=w.grid_worker).key, w.grid_a.id)
"""
COUNT = "from cases.models import Case; print('COUNT', Case.objects.count())"


def bench_db() -> str:
    """``<the database DATABASE_URL names>_intake``: two people benchmarking on one server do not collide."""
    name = urlsplit(os.environ.get("DATABASE_URL", "")).path.strip("/")
    return f"{name}_intake" if name else BENCH_DB


def database_url(work: Path) -> tuple[str, str | None]:
    """(DATABASE_URL for the run, the admin URL to drop the PostgreSQL database afterwards or None)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        p = urlsplit(url)
        admin = urlunsplit((p.scheme, p.netloc, "/postgres", p.query, p.fragment))
        admin_sql(admin, f'DROP DATABASE IF EXISTS "{bench_db()}"', f'CREATE DATABASE "{bench_db()}"')
        return urlunsplit((p.scheme, p.netloc, f"/{bench_db()}", p.query, p.fragment)), admin
    return f"sqlite:///{work / 'intake.sqlite3'}", None


def admin_sql(admin_url: str, *statements: str) -> None:
    import psycopg2

    conn = psycopg2.connect(admin_url)
    conn.autocommit = True
    with conn.cursor() as cur:
        for sql in statements:
            cur.execute(sql)
    conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    out = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=300
    )
    return out.stdout


def wait_ready(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, _ = request(port, "GET", "/api/v1/bench/bare")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def fire(port: int, n: int, concurrency: int, deadline: float, make) -> tuple[list[float], list[int], float]:
    """Send up to ``n`` requests (``make(i)`` → method, path, body, headers) from ``concurrency`` threads.

    Returns per-request latencies (s), status codes and the wall time. No request starts after ``deadline``.
    """

    def one(i: int):
        if time.monotonic() > deadline:
            return None
        method, path, body, headers = make(i)
        t0 = time.perf_counter()
        status, _ = request(port, method, path, body, headers)
        return time.perf_counter() - t0, status

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = [r for r in pool.map(one, range(n)) if r is not None]
    wall = time.perf_counter() - start
    return [r[0] for r in results], [r[1] for r in results], wall


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--requests", type=int, default=400, help="requests per kind (bare and filing)")
    ap.add_argument("--concurrency", type=int, default=4, help="client threads")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    ap.add_argument("--max-seconds", type=float, default=120.0, help="no new request after this many seconds")
    ap.add_argument("--keep", action="store_true", help="keep the bench database")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-intake-", dir=ROOT / "var" if (ROOT / "var").exists() else None))
    db_url, admin_url = database_url(work)
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "0",
        "BENCH": "1",
        "MEDIA_ROOT": str(work / "media"),
        "CELERY_BROKER_URL": "memory://",
        "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": "60",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)  # locmem cache; the broker is in-memory: nothing leaves the process
    engine = "PostgreSQL" if admin_url else "SQLite"
    gunicorn = None
    try:
        manage(env, "migrate", "--verbosity", "0")
        seed = next(line for line in manage(env, "shell", "-c", SEED).splitlines() if line.startswith("SEED"))
        _tag, token, grid_id = seed.split()
        port = free_port()
        gunicorn = subprocess.Popen(
            [GUNICORN, "config.wsgi:application", "--workers", str(args.workers), "--bind", f"{HOST}:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # its own process group: we stop exactly what we started
        )
        wait_ready(port)

        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

        def filing(i: int):
            body = {
                "category": "0101",
                "title": f"暴露垃圾 {i}",
                "description": "小区门口有暴露垃圾（压测）",
                "address": "雄关一网格 3 号楼",
                "grid": int(grid_id),
            }
            return "POST", "/api/v1/cases/", json.dumps(body).encode(), headers

        def bare(_i: int):
            return "GET", "/api/v1/bench/bare", None, {}

        deadline = time.monotonic() + args.max_seconds
        warm = 20
        fire(port, warm, args.concurrency, deadline, bare)
        _lat, warm_codes, _wall = fire(port, warm, args.concurrency, deadline, filing)
        # Interleaved rounds (bare, filing, bare, …) so both see the same machine: the load here changes by the minute.
        bare_lat, bare_codes, bare_wall, file_lat, file_codes, file_wall = [], [], 0.0, [], [], 0.0
        rounds = max(1, args.requests // 50)
        for r in range(rounds):
            size = args.requests // rounds + (1 if r < args.requests % rounds else 0)
            lat, codes, wall = fire(port, size, args.concurrency, deadline, bare)
            bare_lat, bare_codes, bare_wall = bare_lat + lat, bare_codes + codes, bare_wall + wall
            lat, codes, wall = fire(port, size, args.concurrency, deadline, filing)
            file_lat, file_codes, file_wall = file_lat + lat, file_codes + codes, file_wall + wall

        counted = next(line for line in manage(env, "shell", "-c", COUNT).splitlines() if line.startswith("COUNT"))
        filed = int(counted.split()[1])
        ok = [c for c in file_codes if c == 201]
        if len(ok) != len(file_codes) or any(c != 200 for c in bare_codes) or filed != len(ok) + warm_codes.count(201):
            raise SystemExit(
                f"unexpected answers: filing {sorted(set(file_codes))}, bare {sorted(set(bare_codes))}, db {filed}"
            )

        bare_rps = len(bare_lat) / bare_wall
        file_rps = len(file_lat) / file_wall
        print(
            f"Intake under gunicorn ({args.workers} sync workers, {args.concurrency} client threads, "
            f"{engine}, DEBUG off)"
        )
        print(f"{'':24}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p95 ms':>10}")
        for label, lat, rps in (("bare Django view", bare_lat, bare_rps), ("POST /api/v1/cases/", file_lat, file_rps)):
            print(f"{label:24}{len(lat):>10}{rps:>10.1f}{pct(lat, 0.5) * 1000:>10.1f}{pct(lat, 0.95) * 1000:>10.1f}")
        print(
            f"ratio filing / bare: {file_rps / bare_rps:.3f}  (bare is {bare_rps / file_rps:.1f}x faster; "
            f"target ≥ 0.15)"
        )
        print(f"filed {filed} cases ({len(ok)} measured + {warm_codes.count(201)} warm-up), all 201")
        print(f"mean filing latency {statistics.mean(file_lat) * 1000:.1f} ms")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"machine: {os.cpu_count()} CPUs, load average {load} (other work on the machine skews both figures)")
    finally:
        if gunicorn is not None:
            try:
                os.killpg(gunicorn.pid, signal.SIGTERM)
                gunicorn.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(gunicorn.pid, signal.SIGKILL)
        if admin_url and not args.keep:
            admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{bench_db()}" WITH (FORCE)')
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
