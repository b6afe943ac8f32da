from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "interop"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("对外接口")

    def ready(self) -> None:
        """Connect the receiver that writes outbox messages (12345 callbacks, webhooks) for case events, and show a
        hotline case's order (urgency, the hotline's deadlines, 待分类) on the case page (``cases.hooks``)."""
        from cases.hooks import register_case_panel

        from . import receivers  # noqa: F401
        from .case_panel import hotline_panel

        register_case_panel(hotline_panel)
