"""Reporting periods: ``2026`` (a year), ``2026-H1``/``H2`` (half years), ``2026-Q1``…``Q4`` (quarters)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.utils.translation import gettext as _

from core.errors import InvalidInput

PERIOD = re.compile(r"^(\d{4})(?:-(Q[1-4]|H[12]))?$")


def period_bounds(period: str) -> tuple[date, date]:
    """First and last day of a period; bad input → ``InvalidInput``."""
    m = PERIOD.match((period or "").strip())
    if not m or not (2000 <= int(m.group(1)) <= 2100):
        raise InvalidInput(_("期间格式应为 2026、2026-H2 或 2026-Q4"), code="period")
    year, part = int(m.group(1)), m.group(2)
    if part is None:
        return date(year, 1, 1), date(year, 12, 31)
    if part[0] == "H":
        return (date(year, 1, 1), date(year, 6, 30)) if part == "H1" else (date(year, 7, 1), date(year, 12, 31))
    q = int(part[1])
    first = date(year, 3 * q - 2, 1)
    last = date(year, 12, 31) if q == 4 else date(year, 3 * q + 1, 1) - timedelta(days=1)
    return first, last
