"""Escalation listens to what ``cases`` announces (``cases`` never imports ``escalation``).

``events_recorded`` arrives inside the transaction that wrote the events, so the notices (the
outbox rows) commit or roll back with the change that caused them; their email leaves only after
commit (see ``services.notices.schedule_delivery``).
"""

from __future__ import annotations

from .services.notices import notices_for_events


def write_notices(sender, *, events, actor=None, batch: bool = False, **kwargs) -> None:
    """One transition or a whole sweep batch: the notices are written set-wise either way."""
    notices_for_events(events=events, actor=actor)
