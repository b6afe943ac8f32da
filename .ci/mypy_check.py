#!/usr/bin/env python3
"""mypy with a baseline that only shrinks.

Runs mypy (configured in pyproject.toml: strict on core/, cases/services/, cases/transitions.py,
governance/clock.py and escalation/services/sweep.py) and counts its errors per file. Fails when
- a file under the strict modules has any error (they are never in the baseline), or
- any other file has more errors than ``.ci/mypy_baseline.json`` allows (a new file is allowed none).
When a file has fewer errors than its baseline, it says so: run with ``--update`` to lower the
baseline (``--update`` never raises a count), and commit the file. ``--init`` writes today's counts
(once, when the check is introduced). Counts per file, not per line, so
an edit that moves lines does not break the check; fixing errors is what changes it.

Usage: .venv/bin/python .ci/mypy_check.py [--update]
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "mypy_baseline.json"
STRICT = ("core/", "cases/services/", "cases/transitions.py", "governance/clock.py", "escalation/services/sweep.py")
ERROR = re.compile(r"^(?P<file>[^:\s]+\.py):\d+: error: ")


def run_mypy() -> tuple[Counter[str], list[str]]:
    proc = subprocess.run([sys.executable, "-m", "mypy", "."], cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode not in (0, 1):  # 2: mypy itself failed (bad config, crash)
        sys.stdout.write(proc.stdout + proc.stderr)
        raise SystemExit(f"mypy did not run (exit {proc.returncode})")
    lines = proc.stdout.splitlines()
    counts: Counter[str] = Counter()
    for line in lines:
        m = ERROR.match(line)
        if m:
            counts[m["file"]] += 1
    return counts, lines


def main(argv: list[str]) -> int:
    update = "--update" in argv
    if "--init" in argv:
        counts, _lines = run_mypy()
        start = {p: n for p, n in sorted(counts.items()) if not p.startswith(STRICT)}
        BASELINE.write_text(json.dumps(start, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"baseline written: {sum(start.values())} errors in {len(start)} files")
        return 0
    baseline: dict[str, int] = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}
    counts, lines = run_mypy()
    problems, shrunk = [], []
    for path, n in sorted(counts.items()):
        allowed = 0 if path.startswith(STRICT) else baseline.get(path, 0)
        if n > allowed:
            problems.append(f"{path}: {n} errors, allowed {allowed}")
    for path, allowed in sorted(baseline.items()):
        if counts.get(path, 0) < allowed:
            shrunk.append(f"{path}: {counts.get(path, 0)} errors, baseline {allowed}")
    if problems:
        print("\n".join(line for line in lines if any(line.startswith(p.split(":")[0] + ":") for p in problems)))
        print("\nmypy: more errors than the baseline allows:\n  " + "\n  ".join(problems))
    if update:
        lowered = {p: min(n, counts.get(p, 0)) for p, n in baseline.items() if counts.get(p, 0)}
        BASELINE.write_text(json.dumps(lowered, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"baseline written: {sum(lowered.values())} errors in {len(lowered)} files")
    elif shrunk:  # a notice, not a failure: fixing an error must never break the build
        print("mypy: fewer errors than the baseline — lower it with `.venv/bin/python .ci/mypy_check.py --update`:")
        print("  " + "\n  ".join(shrunk))
    if problems:
        return 1
    print(f"mypy: {sum(counts.values())} errors, all within the baseline ({len(counts)} files); strict modules clean")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
