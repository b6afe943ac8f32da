from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    """三调联动: disputes (矛盾纠纷), their parties, mediation sessions under three tracks, track time limits."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mediation"
    verbose_name = _("矛盾纠纷调解")

    def ready(self) -> None:
        """The deadline notices' texts are shown in the reader's language by the outbox's reader."""
        from escalation.notice_text import register_templates

        from .notices import TEMPLATES, WORDS

        register_templates(TEMPLATES, words=WORDS)
