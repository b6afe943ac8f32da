from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("实有人口与房屋")

    def ready(self) -> None:
        from core.stored_text import register_templates

        from . import importers, validators

        # an import job's errors are kept in the message ids' language and shown in the reader's
        register_templates([*importers.TEMPLATES, *validators.TEMPLATES], kind="import")
