from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("基础设施")

    def ready(self) -> None:
        from .pgarray import register_lookups

        register_lookups()
