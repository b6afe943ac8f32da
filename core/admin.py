"""Admin pieces every app uses, and django-axes' attempts in the admin (登录锁定 → 登录尝试).

``words_filter``: a list filter over a column of codes (an event's ``action``) that lists the values present by
name. Axes' attempts get a status column that reads in the admin's language:

Axes names the column after its method ("Status", untranslatable) and glues the number before its words
("3 剩余尝试次数"); here it is "状态" and "剩余 3 次" / "已锁定". Registered in place of axes' own admin, which
``admin.autodiscover`` has loaded before (axes comes before core in ``INSTALLED_APPS``)."""

from __future__ import annotations

from collections.abc import Callable
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
    """A list filter on the column ``parameter_name`` whose choices are the values present, each named by
    ``words(value)``; ``words_filter`` makes one."""

    words: Callable[[str], str] = staticmethod(str)

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]) -> list[tuple[str, str]]:
        field = self.parameter_name or ""
        values = model_admin.model.objects.order_by().values_list(field, flat=True).distinct()
        return sorted(((v, self.words(v)) for v in values if v), key=lambda pair: pair[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        return queryset.filter(**{self.parameter_name or "": value}) if value else queryset


def words_filter(field: str, title: Any, words: Callable[[str], str]) -> type[WordsFilter]:
    """The filter on ``field`` titled ``title``, its values named by ``words``."""
    return type(
        f"{field.title()}WordsFilter",
        (WordsFilter,),
        {"parameter_name": field, "title": title, "words": staticmethod(words)},
    )


class LockoutAttemptAdmin(AccessAttemptAdmin):
    @admin.display(description=gettext_lazy("状态"))
    def status(self, obj: AccessAttempt) -> str:
        left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return _("剩余 %(n)s 次") % {"n": left} if left > 0 else _("已锁定")


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, LockoutAttemptAdmin)
