"""What the cases app announces. ``escalation`` listens; ``cases`` never imports ``escalation``.

``events_recorded`` is sent INSIDE the transaction that wrote the events, so listeners can write
their own rows (the notice outbox) atomically with the state change; anything that leaves the
process (mail, tasks) must be deferred by the listener with ``transaction.on_commit``.
"""

from django.dispatch import Signal

#: kwargs: events (list[CaseEvent], saved, with .case loaded), actor (User | None)
events_recorded = Signal()
