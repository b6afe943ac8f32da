"""Escalation listens to what ``cases`` and ``residents`` announce (neither imports ``escalation``).

``events_recorded`` arrives inside the transaction that wrote the events, so the notices (the
outbox rows) commit or roll back with the change that caused them; their email leaves only after
commit (see ``services.notices.schedule_delivery``).
"""

from __future__ import annotations

from core.links import reverse_pk
from core.stored_text import kept

from .choices import NoticeKind
from .services.notices import NoticeSpec, grid_team, notices_for_events, notices_write, person


def write_notices(sender, *, events, actor=None, batch: bool = False, **kwargs) -> None:
    """One transition or a whole sweep batch: the notices are written set-wise either way."""
    notices_for_events(events=events, actor=actor)


# --- residents: overdue visits and expiring permits become notices through the same outbox ------------------


def write_visit_notices(sender, *, light: str, rows, **kwargs) -> None:
    """A visit plan turned yellow (overdue) or red (seriously overdue): tell the people residents named (the
    seats that may see the plan's tag), once per plan, light and due date (also the dedupe key)."""
    title = kept("走访逾期：应走访日期 %(date)s") if light == "yellow" else kept("走访严重逾期：应走访日期 %(date)s")
    notices_write(
        specs=[
            NoticeSpec(
                kind=NoticeKind.OTHER,
                title=title % {"date": due_on.isoformat()},
                targets=[person(uid) for uid in user_ids],
                dedupe_key=f"visit:{plan_id}:{light}:{due_on:%Y%m%d}",
                url=reverse_pk("residents:detail", resident_id),
            )
            for plan_id, resident_id, _grid_id, due_on, user_ids in rows
            if user_ids
        ]
    )


def write_permit_notices(sender, *, rows, **kwargs) -> None:
    """A floating resident's permit expires soon: a task for the grid's team, once per expiry date."""
    notices_write(
        specs=[
            NoticeSpec(
                kind=NoticeKind.OTHER,
                title=kept("居住证即将到期：%(date)s") % {"date": f"{expires:%Y-%m-%d}"},
                targets=[grid_team(grid_id)],
                dedupe_key=f"permit:{resident_id}:{expires:%Y%m%d}",
                url=reverse_pk("residents:detail", resident_id),
            )
            for resident_id, grid_id, expires in rows
        ]
    )
