from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "interop"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("对外接口")

    def ready(self) -> None:
        """Connect the receiver that writes outbox messages (12345 callbacks, webhooks) for case events."""
        from . import receivers  # noqa: F401
