"""``manage.py load_demo``: build (or complete) the demo street of DEMO.md, idempotently.

``STEPS`` below is the whole demo, in dependency order. Each step is the ``build()`` of one module
``demo/<app>.py``; it finds rows by their natural keys and creates only what is missing, so the command
runs on every ``make run`` and a second run adds nothing (``tests/demo/test_load_demo.py`` holds that).

To give a new app demo data: write ``demo/<app>.py`` with a ``build()`` that is idempotent in the same way,
import it here and add one line to ``STEPS`` after the apps whose rows it looks up.

The command prints, per model, how many rows there are and how many this run added, then the demo logins.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand

from demo import assessment as assessment_demo
from demo import cases as cases_demo
from demo import escalation as escalation_demo
from demo import governance as governance_demo
from demo import grids as grids_demo
from demo import interop as interop_demo
from demo import mediation as mediation_demo
from demo import mobilisation as mobilisation_demo
from demo import residents as residents_demo

#: The demo, in the order it is built: (name shown in the output, build function).
STEPS: list[tuple[str, Callable[[], object]]] = [
    ("governance", governance_demo.build),
    ("grids", grids_demo.build),
    ("cases", cases_demo.build),
    ("residents", residents_demo.build),
    ("escalation", escalation_demo.build),
    ("assessment", assessment_demo.build),
    ("mobilisation", mobilisation_demo.build),
    ("mediation", mediation_demo.build),
    ("interop", interop_demo.build),
]


def project_app_labels() -> list[str]:
    """Labels of the project's own apps (those whose package sits at the top of the repository)."""
    base = Path(settings.BASE_DIR).resolve()
    return [a.label for a in apps.get_app_configs() if Path(a.path).resolve().parent == base]


def model_counts() -> dict[str, int]:
    """Row counts of every model of the project's apps, plus auth groups and guardian's object permissions."""
    models = [m for label in project_app_labels() for m in apps.get_app_config(label).get_models()]
    models += [
        apps.get_model("auth", "Group"),
        apps.get_model("guardian", "UserObjectPermission"),
        apps.get_model("guardian", "GroupObjectPermission"),
    ]
    return {m._meta.label: m._default_manager.count() for m in models}


class Command(BaseCommand):
    help = "Load the demo street (regions, grids, staffing, catalogue, calendar, accounts…); safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-counts", action="store_true", help="print only the totals, not per model")

    def handle(self, *args, **options):
        before = model_counts()
        for name, build in STEPS:
            started = time.monotonic()
            build()
            self.stdout.write(f"  step {name}: {time.monotonic() - started:.1f}s")
        after = model_counts()
        added = sum(after[k] - before.get(k, 0) for k in after)
        if not options["quiet_counts"]:
            for label, count in after.items():
                if count or before.get(label):
                    delta = count - before.get(label, 0)
                    self.stdout.write(f"  {label:<36} {count:>6}" + (f"  (+{delta})" if delta else ""))
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {sum(after.values())} rows, {added} added by this run."))
        self.stdout.write(f"Demo logins (password: {governance_demo.demo_password()}):")
        for username, what in governance_demo.DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<12} {what}")
