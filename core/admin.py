"""django-axes' attempts in the admin (登录锁定 → 登录尝试), with a status column that reads in the admin's language.

Axes names the column after its method ("Status", untranslatable) and glues the number before its words
("3 剩余尝试次数"); here it is "状态" and "剩余 3 次" / "已锁定". Registered in place of axes' own admin, which
``admin.autodiscover`` has loaded before (axes comes before core in ``INSTALLED_APPS``)."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class LockoutAttemptAdmin(AccessAttemptAdmin):
    @admin.display(description=gettext_lazy("状态"))
    def status(self, obj: AccessAttempt) -> str:
        left = settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return _("剩余 %(n)s 次") % {"n": left} if left > 0 else _("已锁定")


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
    admin.site.register(AccessAttempt, LockoutAttemptAdmin)
