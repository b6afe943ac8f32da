from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("组织与规则")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the receivers)
