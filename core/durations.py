"""The one wording of a countdown on every page, in both languages: "剩 1 天 3 小时" before a deadline,
"超时 2 小时" after it ("1 d 3 h left", "2 h overdue"). The two largest units, the smaller left out when zero;
under an hour, minutes (at least 1). The pages' tickers (``countdown_words``) write the same text."""

from __future__ import annotations

from django.utils.translation import gettext as _


def span_text(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return _("%(d)s 天 %(h)s 小时") % {"d": days, "h": hours} if hours else _("%(d)s 天") % {"d": days}
    if hours:
        return _("%(h)s 小时 %(m)s 分钟") % {"h": hours, "m": mins} if mins else _("%(h)s 小时") % {"h": hours}
    return _("%(n)s 分钟") % {"n": max(mins, 1)}


def countdown_text(seconds: float) -> str:
    if seconds >= 0:
        return _("剩 %(span)s") % {"span": span_text(seconds)}
    return _("超时 %(span)s") % {"span": span_text(seconds)}


def countdown_words() -> dict[str, str]:
    """The translated patterns, for the JavaScript tickers (``static/js/countdown.js``)."""
    return {
        "dh": _("%(d)s 天 %(h)s 小时"),
        "d": _("%(d)s 天"),
        "hm": _("%(h)s 小时 %(m)s 分钟"),
        "h": _("%(h)s 小时"),
        "m": _("%(n)s 分钟"),
        "left": _("剩 %(span)s"),
        "over": _("超时 %(span)s"),
    }
