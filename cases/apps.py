from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("事件")

    def ready(self) -> None:
        """Hook into residents (below): the household map's open-case dots come from cases. And the roles an event
        records (``services.records``: "…综治中心", "…联络员") are shown in the reader's language
        (``core.stored_text``)."""
        from django.utils.translation import gettext_noop as N_

        from core.stored_text import register_templates

        register_templates([N_("%(region)s综治中心"), N_("%(dept)s联络员")], kind="role")
        from residents.selectors import HOUSE_CASE_COUNTERS

        from .selectors import open_case_counts_by_house

        if open_case_counts_by_house not in HOUSE_CASE_COUNTERS:
            HOUSE_CASE_COUNTERS.append(open_case_counts_by_house)
