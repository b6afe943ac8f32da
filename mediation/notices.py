"""Notices of dispute deadlines, through the project's notice outbox (``escalation.services.notices``): in-app, and
email after commit, written in the sweep's transaction. A dispute past its track's time limit tells its handler, the
community's centre and the street's centre, once per track run (the key holds it in the database: (recipient, key)
is unique). Texts are written in the default language from the templates below and shown in the reader's language
(``escalation.notice_text``, to which ``MediationConfig.ready()`` adds them)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from core.links import reverse_pk
from core.stored_text import source_language
from escalation.choices import NoticeKind
from escalation.services.notices import NoticeSpec, centre, notices_write, person

from .choices import Track

DISPUTE_OVERDUE = N_("【调解超期】纠纷「%(title)s」的%(track)s已超过调解期限（%(due)s到期），请及时处理")

TEMPLATES = [DISPUTE_OVERDUE]
#: Template parameters that are words of the application (translated when shown), not data.
WORDS = ("track",)


def dispute_overdue_notices(rows: Iterable[tuple[Any, ...]], *, now: datetime) -> int:
    """Rows of (dispute id, title, track, due at, handler id, community id, street id)."""
    with source_language():
        text = _(DISPUTE_OVERDUE)
        tracks = {str(v): str(label) for v, label in Track.choices}
        specs = []
        for pk, title, track, due, handler_id, community_id, street_id in rows:
            targets = [centre(community_id), centre(street_id)]
            if handler_id:
                targets.insert(0, person(handler_id))
            specs.append(
                NoticeSpec(
                    kind=NoticeKind.RED,
                    title=text
                    % {
                        "title": title,
                        "track": tracks.get(track, track),
                        "due": timezone.localtime(due).strftime("%m-%d %H:%M"),
                    },
                    targets=targets,
                    url=reverse_pk("mediation:detail", pk),
                    dedupe_key=f"dispute-overdue:{pk}:{int(due.timestamp())}",
                )
            )
    return notices_write(specs=specs, now=now)
