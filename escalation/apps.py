from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "escalation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("预警与吹哨报到")

    def ready(self) -> None:
        """Every hook escalation puts into a lower app, in one place (``cases`` never imports ``escalation``):

        1. notices for case events: ``receivers.write_notices`` listens to ``cases.signals.events_recorded``;
        2. a closing case finishes its responded summonses (same signal, same transaction);
        3. the close guard: no closing while a summons still waits for its department (``cases.hooks``);
        4. the sweep's extra steps: summonses late to report in or respond are supervised; holds past their expected
           end are announced to the handler and the deciding centre (not resumed: ``warn_hold_due_batch``);
        5. residents' visit plans turning yellow/red and expiring permits become notices;
        6. a reopened case (重办) opens the round's summonses again, and a resumed one (恢复办理) moves their clocks on
           by the held time (same signal);
        7. the case page shows the case's whistles (``cases.hooks.register_case_panel``);
        8. notices and summons records are shown in the reader's language (``notice_text`` → ``core.stored_text``).
        """
        from cases.hooks import register_case_panel, register_guard
        from cases.models import Case
        from cases.signals import events_recorded
        from residents.models import Resident, VisitPlan
        from residents.signals import permits_expiring, visit_plans_turned

        from . import notice_text
        from .case_panel import whistles_panel
        from .receivers import write_notices, write_permit_notices, write_visit_notices
        from .services.sweep import register_sweep_step, warn_hold_due_batch
        from .services.whistles import (
            finish_summonses_on_close,
            hold_summonses,
            reopen_summonses,
            resume_summonses,
            summons_close_guard,
            summons_escalate_overdue_batch,
        )

        events_recorded.connect(write_notices, sender=Case, dispatch_uid="escalation.notices_for_events")
        events_recorded.connect(finish_summonses_on_close, dispatch_uid="escalation.whistles.finish_summonses_on_close")
        visit_plans_turned.connect(write_visit_notices, sender=VisitPlan, dispatch_uid="escalation.visit_plan_notices")
        permits_expiring.connect(write_permit_notices, sender=Resident, dispatch_uid="escalation.permit_notices")
        events_recorded.connect(reopen_summonses, dispatch_uid="escalation.whistles.reopen_summonses")
        events_recorded.connect(resume_summonses, dispatch_uid="escalation.whistles.resume_summonses")
        events_recorded.connect(hold_summonses, dispatch_uid="escalation.whistles.hold_summonses")
        register_guard(summons_close_guard)
        register_case_panel(whistles_panel)
        register_sweep_step(summons_escalate_overdue_batch)
        register_sweep_step(warn_hold_due_batch)
        notice_text.register()
