"""Generate the benchmarks' city (or province) into a dedicated PostgreSQL database.

    createdb -h 127.0.0.1 -U postgres gridcase_bench_dash
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridcase_bench_dash .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridcase_bench_dash .venv/bin/python bench/generate_city.py
    # a province (10,000 grids, 10M cases over 5 years), or a slice of one:
    … bench/generate_city.py --scale province
    … bench/generate_city.py --scale province --cases 2000000

Options: ``--scale city|province`` (presets: 1,000 grids / 1M cases / 2 years; 10,000 / 10M / 5), each of
``--grids --cases --years`` overrides its preset; ``--seed``, ``--end YYYY-MM-DD`` (last day of the data),
``--allow-existing``. What it builds and how: ``bench/city.py``. About 3 minutes per million cases on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["city", "province"], default="city")
    parser.add_argument("--grids", type=int)
    parser.add_argument("--cases", type=int)
    parser.add_argument("--years", type=float)
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--end", default="", help="last day of the data (YYYY-MM-DD; default today)")
    parser.add_argument("--allow-existing", action="store_true", help="add to a database that holds cases")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error("needs PostgreSQL: DATABASE_URL=postgres://user@host:port/<a dedicated database>")
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"  # DEBUG keeps every SQL string: memory
    import django

    django.setup()
    from bench.city import SCALES, GenerateError, generate

    preset = SCALES[args.scale]
    try:
        generate(
            grids=args.grids if args.grids is not None else preset["grids"],
            cases=args.cases if args.cases is not None else preset["cases"],
            years=args.years if args.years is not None else preset["years"],
            seed=args.seed,
            end=args.end,
            allow_existing=args.allow_existing,
            log=lambda line: print(line, flush=True),
        )
    except GenerateError as exc:
        print(f"generate_city: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
