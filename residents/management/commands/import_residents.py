"""``manage.py import_residents {houses,residents} FILE [--as USERNAME]`` — a 网格采集 sheet from the shell, with
progress for large files. Same rules as the page: every bad row reported with its line, nothing imported if one
is bad, idempotent."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from governance.models import User
from residents.importers import IMPORTERS, ImportFailed, read_rows


class Command(BaseCommand):
    help = "Import buildings and homes, or residents, from a CSV/XLSX 网格采集 sheet (all or nothing, idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(IMPORTERS))
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", default="admin", help="whose scope the rows must be in")

    def handle(self, *args, kind: str, file: str, username: str, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"{file}: no such file")
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"no user {username!r}")

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"  {done:,} / {total:,} rows")

        try:
            rows = read_rows(name=path.name, data=path.read_bytes())
            self.stdout.write(f"{len(rows):,} rows read, checking …")
            result = IMPORTERS[kind](actor=actor, rows=rows, progress=progress)
        except ImportFailed as exc:
            for error in exc.errors:
                self.stderr.write(f"line {error.line}: {error.message}")
            raise CommandError(f"{len(exc.errors)} bad rows: nothing was imported") from exc
        self.stdout.write(
            self.style.SUCCESS(f"created {result.created}, updated {result.updated}, unchanged {result.unchanged}")
        )
