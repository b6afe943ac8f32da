from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo street of DEMO.md: one module per app (``demo/<app>.py``) and the ``load_demo`` command.

    It sits above every other app (it files cases, blows whistles, seats staff through their services),
    and nothing imports it except the benchmark tools that reuse its catalogue.
    """

    name = "demo"
    verbose_name = _("演示数据")
