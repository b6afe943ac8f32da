"""What citizens do through their private follow-up link."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.stored_text import kept

from ..choices import RatingResult
from ..models import Case
from .workflow import case_transition


def case_rate_by_citizen(*, token: str, result: str, comment: str = "", now: datetime | None = None) -> Case:
    """The reporter rates through the private follow-up link; an unsatisfied rating reopens the case when
    policy says so (REOPEN_ON_UNSATISFIED) — a second transition with its own event."""
    case = Case.objects.filter(follow_up_token=token).only("pk").first()
    if case is None:
        raise NotFound(_("事件不存在"))
    with transaction.atomic():
        case = case_transition(
            case_id=case.pk, action="rate", actor=None, note=comment, now=now, citizen_token=token, result=result
        )
        if result == RatingResult.UNSATISFIED and settings.REOPEN_ON_UNSATISFIED:
            case = case_transition(
                case_id=case.pk,
                action="reopen",
                actor=None,
                system=True,
                now=now,
                note=kept("群众评价不满意，自动重办"),
            )
    return case
