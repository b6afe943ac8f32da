from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilisationConfig(AppConfig):
    """双报到 registrations and points, service tasks, 微心愿, 大党委 duties and 民主测评, 三色研判, 居民议事."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mobilisation"
    verbose_name = _("党建引领与动员")

    def ready(self) -> None:
        """The wish-deadline notices' texts are shown in the reader's language by the outbox's reader; a unit's
        account lands on its unit's page (``core.views.home``)."""
        from escalation.notice_text import register_templates

        from .services.notices import TEMPLATES

        register_templates(TEMPLATES)

        from core.views import register_home_resolver

        register_home_resolver(unit_home_url)


def unit_home_url(user) -> str | None:
    """A unit's account lands on its unit's page."""
    from django.urls import reverse

    from .selectors import acting_unit

    return reverse("mobilisation:unit") if acting_unit(user) is not None else None
