"""Who read which citizen's unmasked name or phone (PIPL): one access-log row per case shown unmasked.

Called by the case page, the case API (detail, list, the answer after a change) and exports with unmasked
contacts. Rows go to the shared access log (``residents.services.access_log_record_many``, one bulk insert),
with the case's street so that street leads read their street's log. Cases without a name or phone, and
masked views, write nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from residents.services import access_log_record_many

from .models import Case

SUBJECT = "citizen_contact"


def log_unmasked_contacts(*, user: Any, cases: Iterable[Case], channel: str, path: str = "") -> int:
    rows = [
        {"object_id": case.pk, "case_id": case.pk, "street_id": case.street_id}
        for case in cases
        if case.citizen_name or case.citizen_phone
    ]
    if not rows:
        return 0
    return access_log_record_many(user=user, subject=SUBJECT, rows=rows, channel=channel, path=path)


def log_unmasked_contact_rows(*, user: Any, rows: Iterable[tuple[int, int | None]], channel: str, path: str) -> int:
    """The same from ``(case_id, street_id)`` pairs (exports read values, not objects)."""
    items = [{"object_id": pk, "case_id": pk, "street_id": street_id} for pk, street_id in rows]
    if not items:
        return 0
    return access_log_record_many(user=user, subject=SUBJECT, rows=items, channel=channel, path=path)
