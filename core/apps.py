from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("基础设施")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from .filters import use_bounded_numbers, use_strict_booleans
        from .lockout import log_lockout
        from .pgarray import register_lookups

        user_locked_out.connect(log_lockout, dispatch_uid="core.log_lockout")

        register_lookups()
        use_strict_booleans()
        use_bounded_numbers()
