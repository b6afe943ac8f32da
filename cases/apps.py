from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("事件")

    def ready(self) -> None:
        """Hook into residents (below): the household map's open-case dots come from cases."""
        from residents.selectors import HOUSE_CASE_COUNTERS

        from .selectors import open_case_counts_by_house

        if open_case_counts_by_house not in HOUSE_CASE_COUNTERS:
            HOUSE_CASE_COUNTERS.append(open_case_counts_by_house)
