from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    """The 三率 and the 数字城管 indicators, weight schemes as data, their pages, API, charts and exports.

    It reads cases, dispatches, ratings and summonses (``cases``, ``escalation``) and writes only its schemes;
    nothing below it imports it, so it registers no hook."""

    name = "assessment"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("考核")
