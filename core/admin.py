"""Admin pieces every app uses, and django-axes' attempts in the admin (登录锁定 → 登录尝试).

``words_filter``: a list filter over a column of codes (an event's ``action``) that lists the values present by
name. Axes' attempts get a status column that reads in the admin's language:

Axes names the column after its method ("Status", untranslatable) and glues the number before its words
("3 剩余尝试次数"); here it is "状态" and "剩余 3 次" / "已锁定". Registered in place of axes' own admin, which
``admin.autodiscover`` has loaded before (axes comes before core in ``INSTALLED_APPS``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class WordsFilter(admin.SimpleListFilter):
    """A list filter on the column ``parameter_name`` offering the codes it can hold (``codes``), each named by
    ``words(code)``; ``words_filter`` makes one. The codes are the application's, not read from the table: Django's
    own filter on a column without choices runs ``SELECT DISTINCT`` over it on every list page, a scan of the
    whole audit trail (millions of rows)."""

    words: Callable[[str], str] = staticmethod(str)
    codes: Callable[[], Iterable[str]] = staticmethod(tuple)

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, str]]:
        return sorted(((code, self.words(code)) for code in set(self.codes())), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{self.parameter_name or "": value}) if value else queryset


def words_filter(
    field: str, title: Any, words: Callable[[str], str], codes: Callable[[], Iterable[str]]
) -> type[WordsFilter]:
    """The filter on ``field`` titled ``title`` over ``codes()``, each named by ``words``."""
    return type(
        f"{field.title()}WordsFilter",
        (WordsFilter,),
        {"parameter_name": field, "title": title, "words": staticmethod(words), "codes": staticmethod(codes)},
    )


class EventWordsMixin:
    """Columns of an app's event log whose model names its own action and actor (``label``, ``actor_label``)."""

    @admin.display(description=gettext_lazy("动作"))
    def action_words(self, obj: Any) -> str:
        return str(obj.label)

    @admin.display(description=gettext_lazy("操作人"))
    def actor_words(self, obj: Any) -> str:
        return str(obj.actor_label)


class LockoutAttemptAdmin(AccessAttemptAdmin):
    @admin.display(description=gettext_lazy("状态"))
    def status(self, obj: AccessAttempt) -> str:
        left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return _("剩余 %(n)s 次") % {"n": left} if left > 0 else _("已锁定")


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, LockoutAttemptAdmin)
