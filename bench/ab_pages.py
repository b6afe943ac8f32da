"""Before / after: time a few pages with the code of a given source tree, on the same database, so that two trees
can be measured alternately in the same minutes (a machine's speed moves between runs; compare runs side by side).

    git worktree add /tmp/before <commit>            # the tree to compare with (it uses this checkout's .venv)
    for tree in /tmp/before . /tmp/before .; do
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/gc_city .venv/bin/python bench/ab_pages.py --tree $tree
    done

Each page as ``bench/dashboard.py`` measures it (its ``measure``: 3 warm-up requests, then ``--requests`` timed
ones, in-process, server-side time), with the tree's own code and settings. Kept assessment figures are used as
they are in the database (refresh them with ``bench/dashboard.py`` or beat first). Prints p50 / p95 ms and queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

PAGES = [
    ("sim_s001", "street dashboard", "/dashboard/", {}),
    ("sim_d01", "district dashboard", "/dashboard/", {}),
    ("sim_d01", "district counters", "/dashboard/counters/", {}),
    ("sim_d01", "district map", "/dashboard/map/", {}),
    ("sim_d01", "district queue, all", "/dashboard/?view=all", {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "queue"}),
    ("sim_s001", "street /cases/", "/cases/", {}),
    ("sim_d01", "district /cases/", "/cases/", {}),
    ("sim_d01", "district queue, red", "/dashboard/?view=red", {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "queue"}),
    ("sim_d01", "district 8-week chart", "/dashboard/charts/weekly.svg", {}),
    ("sim_d01", "district daily chart", "/dashboard/charts/daily.svg?from=2026-10-22&to=2026-11-20", {}),
    ("sim_s001", "street assessment by department", "/assessment/?by=department", {}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", default=str(Path(__file__).resolve().parents[1]), help="the source tree to run")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    tree = Path(args.tree).resolve()
    sys.path[:0] = [str(tree / "bench"), str(tree)]  # the tree's code first, and its bench/dashboard.py
    # … and the tree as the working directory: Celery's Django fix-up puts the working directory first on the path
    # when the app is created, so run from another checkout every module imported after it came from that checkout
    # (found 2026-12-01: before this, a "before" tree ran the current checkout's views and selectors).
    os.chdir(tree)
    from dashboard import django_setup, measure, pct  # type: ignore[import-not-found]

    django_setup()
    import escalation.selectors.triage

    if not Path(escalation.selectors.triage.__file__).resolve().is_relative_to(tree):
        sys.exit(f"the code imported is not the tree's: {escalation.selectors.triage.__file__}")
    from django.test import Client

    from governance.models import User

    print(f"# {tree} (load average {os.getloadavg()[0]:.2f})")
    print("| page | p50 ms | p95 ms | queries |\n|---|---:|---:|---:|")
    clients: dict[str, Client] = {}
    for username, label, path, headers in PAGES:
        if args.only and args.only not in label:
            continue
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        times, queries = measure(clients[username], path, headers, args.requests)
        print(f"| {label} | {statistics.median(times):.1f} | {pct(times, 0.95):.1f} | {queries} |", flush=True)


if __name__ == "__main__":
    main()
