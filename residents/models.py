"""People, places and the grid worker's day (人·地·物·情) — and the shared access log of personal-data reads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AccessChannel, AccessSubject

APPEND_ONLY = "AccessLog is append-only"


class AccessLogQuerySet(models.QuerySet):
    """No bulk update or delete through the ORM (the database refuses them too: see migration 0002)."""

    def update(self, **kwargs):
        raise PermissionError(APPEND_ONLY)

    def delete(self):
        raise PermissionError(APPEND_ONLY)


class AccessLog(models.Model):
    """One read of personal data (a citizen's contact, a resident's record, a special-population tag …).

    Append-only: the application never changes or deletes a row, and the database refuses it too
    (a trigger on PostgreSQL and on SQLite). The one change the triggers let through is the
    database's own ``ON DELETE SET NULL`` of ``user`` when a user is deleted: ``username`` keeps
    who it was. ``case_id`` is a plain number, not a foreign key: residents sits below cases.
    ``street`` lets a street's leads read their street's log. Write through
    ``residents.services.access_log_record`` / ``access_log_record_many``.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查看人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    username = models.CharField(_("查看人账号"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)
    subject = models.CharField(_("数据类型"), max_length=32, choices=AccessSubject.choices)
    object_id = models.CharField(_("记录编号"), max_length=64)
    case_id = models.BigIntegerField(_("案件ID"), null=True, blank=True)
    street = models.ForeignKey(
        "governance.Region",
        verbose_name=_("所属街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    channel = models.CharField(_("渠道"), max_length=12, choices=AccessChannel.choices)
    path = models.CharField(_("页面或接口"), max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["street", "at"], name="accesslog_street_at_idx"),
            models.Index(fields=["user", "at"], name="accesslog_user_at_idx"),
            models.Index(fields=["subject", "object_id"], name="accesslog_subject_obj_idx"),
            models.Index(fields=["case_id"], name="accesslog_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.subject}:{self.object_id} @ {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PermissionError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(APPEND_ONLY)
