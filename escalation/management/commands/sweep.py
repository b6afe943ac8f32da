"""``manage.py sweep``: run one escalation sweep now (what beat runs every minute) and print its counts."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from escalation.services.sweep import sweep


class Command(BaseCommand):
    help = "运行一次超时上报扫描（升级超时事件、发出黄灯预警、处理超时报到），并输出数量"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-size", type=int, default=None, help="每批处理的事件数")

    def handle(self, *args, **options) -> None:
        counts = sweep(batch_size=options["batch_size"])
        for name, value in counts.items():
            self.stdout.write(f"{name}: {value}")
