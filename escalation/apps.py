from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "escalation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("预警与吹哨报到")

    def ready(self) -> None:
        """Connect the receivers (notices for case events) and load the modules that register themselves:
        the whistle service registers its case guard (no closing while a summons is open) and its sweep step;
        the case page shows the case's whistles (``cases.hooks.register_case_panel``)."""
        from cases.hooks import register_case_panel

        from . import receivers  # noqa: F401
        from .case_panel import whistles_panel

        register_case_panel(whistles_panel)

        for module in ("escalation.services.whistles",):
            if find_spec(module) is not None:
                import_module(module)
