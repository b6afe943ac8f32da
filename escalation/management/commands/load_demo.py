"""``manage.py load_demo``: build (or complete) the demo street of DEMO.md, idempotently.

Each step is a dotted path to a ``build()`` function that takes no arguments, finds rows by
their natural keys and creates only what is missing, so the command can run on every
``make run``. Apps add their own steps by appending to ``DEMO_STEPS`` (in dependency order:
governance ← grids ← cases ← escalation); a step that is listed must exist.

The command prints, per model, how many rows there are and how many this run added, then the
demo logins.
"""

from __future__ import annotations

import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

DEMO_STEPS = [
    "governance.demo.build",
    "grids.demo.build",
    "cases.demo.build",
    "escalation.demo.build",
    "mobilisation.demo.build",
]

COUNTED_APPS = ("governance", "grids", "cases", "escalation", "mobilisation")


def model_counts() -> dict[str, int]:
    """Row counts of every model of the four apps, plus auth groups and guardian's object permissions."""
    models = [m for label in COUNTED_APPS for m in apps.get_app_config(label).get_models()]
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
        from governance.demo import DEMO_ACCOUNTS, demo_password

        before = model_counts()
        for dotted in DEMO_STEPS:
            started = time.monotonic()
            import_string(dotted)()
            self.stdout.write(f"  step {dotted}: {time.monotonic() - started:.1f}s")
        after = model_counts()
        added = sum(after[k] - before.get(k, 0) for k in after)
        if not options["quiet_counts"]:
            for label, count in after.items():
                if count or before.get(label):
                    delta = count - before.get(label, 0)
                    self.stdout.write(f"  {label:<36} {count:>6}" + (f"  (+{delta})" if delta else ""))
        self.stdout.write(self.style.SUCCESS(f"Demo loaded: {sum(after.values())} rows, {added} added by this run."))
        self.stdout.write(f"Demo logins (password: {demo_password()}):")
        for username, what in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<12} {what}")
