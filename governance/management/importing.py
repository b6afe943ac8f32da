"""The shape every ``import_*`` command shares: one file argument, progress, all errors or one summary line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance.importers import PROGRESS_EVERY, ImportRejected, ImportReport

PHASES = {"validate": "校验", "apply": "导入"}


class ImportCommand(BaseCommand):
    """Subclasses set ``help`` and ``run``: a keyword-only importer taking ``source``, ``progress`` and ``every``."""

    run: Callable[..., ImportReport]
    file_help = "path of the file to import"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help=self.file_help)
        parser.add_argument(
            "--every", type=int, default=PROGRESS_EVERY, help=f"print progress every N rows (default {PROGRESS_EVERY})"
        )

    def handle(self, *args, path: Path, every: int, **options) -> None:
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")

        def progress(phase: str, done: int, total: int) -> None:
            self.stdout.write(f"{PHASES.get(phase, phase)} {done}/{total}")

        try:
            report = type(self).run(source=path, progress=progress, every=max(every, 1))
        except ImportRejected as exc:
            raise CommandError(exc.message) from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"文件不是 UTF-8 编码：{exc}") from exc
        for note in report.notes:
            self.stdout.write(note)
        self.stdout.write(self.style.SUCCESS(f"导入完成：{report}"))
