"""Texts the command centre's pages show for times and clocks."""

from __future__ import annotations

from django.utils.translation import gettext as _


def left_text(seconds: float) -> str:
    """ "还剩 3 小时" / "超时 2 天" — minutes under an hour, hours under two days, else days."""
    minutes = int(abs(seconds) // 60)
    if minutes < 60:
        span = _("%(n)s 分钟") % {"n": max(minutes, 1)}
    elif minutes < 48 * 60:
        span = _("%(n)s 小时") % {"n": minutes // 60}
    else:
        span = _("%(n)s 天") % {"n": minutes // (24 * 60)}
    return (_("还剩 %(span)s") if seconds >= 0 else _("超时 %(span)s")) % {"span": span}
