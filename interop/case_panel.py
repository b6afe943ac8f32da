"""The 12345 order of a case on the case page (registered with ``cases.hooks`` in ``InteropConfig.ready``): its order
id, request type, urgency, the hotline's deadlines, the 待分类 reasons — for whoever may see the street's orders."""

from __future__ import annotations

from datetime import datetime

from .selectors import orders_for
from .services.orders import triage_reason_text


def hotline_panel(*, user, case, now: datetime) -> dict | None:
    if case.channel != "hotline":
        return None
    order = orders_for(user).filter(case_id=case.pk).first()
    if order is None:
        return None
    reasons = [triage_reason_text(r) for r in order.triage_reasons] if order.in_triage else []
    return {"template": "interop/case_hotline.html", "order": order, "reasons": reasons}
