"""The audit trail and evidence of a transition: who acted (name and role kept), the event row, the files."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from core.roles import is_centre_staff
from core.stored_text import kept, source_language
from governance.choices import Role
from governance.models import User

from ..evidence import CheckedFile
from ..models import Case, CaseEvent, Evidence

SYSTEM = "system"


def _actor_name(actor: User | None) -> str:
    return actor.display_name if actor else SYSTEM


@source_language()
def _actor_role(actor: User | None) -> str:
    """Kept in the message ids' language (``core.stored_text``), shown in the reader's."""
    if actor is None:
        return _("系统")
    if is_centre_staff(actor) and actor.region is not None:
        return _("%(region)s综治中心") % {"region": actor.region.name}
    if actor.role == Role.LIAISON and actor.department is not None:
        return _("%(dept)s联络员") % {"dept": actor.department.name}
    return str(Role(actor.role).label) if actor.role in Role.values else ""


def store_evidence(
    case: Case, files: Sequence[CheckedFile], *, stage: str, event: CaseEvent | None, user: User | None
) -> list[Evidence]:
    """Write checked files under MEDIA_ROOT by content hash (one copy per content) and link them to the event."""
    stored = []
    for f in files:
        ev = Evidence(
            case=case,
            event=event,
            stage=stage,
            original_name=f.name,
            content_type=f.content_type,
            size=len(f.content),
            sha256=f.sha256,
            uploaded_by=user,
        )
        path = ev.file.field.generate_filename(ev, f"x.{f.extension}")
        storage = ev.file.storage
        if storage.exists(path):
            ev.file.name = path
        else:
            ev.file.save(f"x.{f.extension}", ContentFile(f.content), save=False)
        ev.save()
        stored.append(ev)
    return stored


def record_event(
    case: Case,
    *,
    action: str,
    actor: User | None,
    before: tuple[str, str],
    note: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
    public: bool = True,
    now: datetime,
    citizen: bool = False,
) -> CaseEvent:
    """One audit line. ``citizen``: the reporter acting without an account (web report, follow-up link) —
    recorded as 群众, never as "system" (which marks the sweep)."""
    return CaseEvent.objects.create(
        case=case,
        action=action,
        actor=actor,
        actor_name=kept("群众") if citizen else _actor_name(actor),
        actor_role=kept("群众") if citizen else _actor_role(actor),
        from_status=before[0],
        to_status=case.status,
        from_level=before[1],
        to_level=case.level,
        reason=reason,
        note=note,
        data=data or {},
        public=public,
        at=now,
    )
