"""manage.py staffing_report [--region CODE]: grids that are not fully staffed (1+1+N), and what each lacks."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance.models import Region
from grids.selectors import staffing_report


class Command(BaseCommand):
    help = "List active grids that lack a grid leader, a full-time worker or any part-time worker."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="region code (district, street or community) to limit the report to")

    def handle(self, *args, region: str | None = None, **options) -> None:
        scope = None
        if region:
            scope = Region.objects.filter(code=region).first()
            if scope is None:
                raise CommandError(f"区域编码不存在：{region}")
        gaps = staffing_report(region=scope)
        for gap in gaps:
            grid = gap.grid
            self.stdout.write(
                f"{grid.code}\t{grid.name}\t{grid.community.name}\t"
                f"网格长 {gap.leaders} / 专职 {gap.full_time} / 兼职 {gap.part_time}\t{'、'.join(gap.missing)}"
            )
        self.stdout.write(f"未配齐网格：{len(gaps)}")
