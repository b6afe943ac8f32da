from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    name = "interop"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("对外接口")

    def ready(self) -> None:
        """Connect the receiver that writes outbox messages (12345 callbacks, webhooks) for case events, and show a
        hotline case's order (urgency, the hotline's deadlines, 待分类) on the case page, and keep 不予受理 of an order
        the hotline's decision, applicable when it comes (``cases.hooks``, ``interop.guards``)."""
        from cases.hooks import register_case_panel, register_guard
        from core.stored_text import register_templates

        from . import receivers, texts  # noqa: F401
        from .case_panel import hotline_panel
        from .guards import (
            hotline_decides_its_extension,
            hotline_decides_rejection,
            hotline_follows_up,
            return_pending_holds_the_case,
        )

        register_templates(texts.NOTE_TEMPLATES, words=texts.NOTE_WORDS, kind="note")
        register_templates([texts.HOTLINE_ACCOUNT], kind="role")
        register_case_panel(hotline_panel)
        register_guard(hotline_decides_rejection)
        register_guard(return_pending_holds_the_case)
        register_guard(hotline_decides_its_extension)
        register_guard(hotline_follows_up)
