"""Notices of 微心愿 deadlines, through the project's notice outbox (``escalation.services.notices``): in-app, and
email after commit. Written in the sweep's transaction, so a notice exists exactly when its cause was committed;
each carries a key — (recipient, key) is unique in the database — so a notice is written once whatever runs again.

Texts are written in the default language (Chinese) from the templates below and shown in the reader's language
(``escalation.notice_text``, to which ``MobilisationConfig.ready()`` adds them).
"""

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

WISH_WARN = N_("【心愿临期】您认领的心愿「%(title)s」将于%(due)s到期，请及时完成并上传照片")
WISH_RETURNED_CLAIMER = N_("【心愿退回】您认领的心愿「%(title)s」逾期未完成（%(due)s到期），已退回待认领")
WISH_RETURNED_COMMUNITY = N_("【心愿退回】心愿「%(title)s」认领后逾期未完成（%(due)s到期），已退回待认领，请关注")

TEMPLATES = [WISH_WARN, WISH_RETURNED_CLAIMER, WISH_RETURNED_COMMUNITY]


def _due(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())


def wish_warn_notices(rows: Iterable[tuple[Any, ...]], *, now: datetime) -> int:
    """Rows of (wish id, title, claimer id, claimed at, due at): the claimer is warned, once per claim."""
    with source_language():
        text = _(WISH_WARN)
        specs = [
            NoticeSpec(
                kind=NoticeKind.YELLOW,
                title=text % {"title": title, "due": _due(due)},
                targets=[person(uid)],
                url=reverse_pk("mobilisation:wish", wid),
                dedupe_key=f"wish-warn:{wid}:{_stamp(claimed)}",
            )
            for wid, title, uid, claimed, due in rows
            if uid
        ]
    return notices_write(specs=specs, now=now)


def wish_returned_notices(rows: Iterable[tuple[Any, ...]], *, now: datetime) -> int:
    """Rows of (wish id, title, community id, claimer id, due at): the claimer and the community's staff are told
    the wish went back to the pool, once per missed deadline."""
    with source_language():
        to_claimer, to_community = _(WISH_RETURNED_CLAIMER), _(WISH_RETURNED_COMMUNITY)
        specs = []
        for wid, title, cid, uid, due in rows:
            params = {"title": title, "due": _due(due)}
            key = f"wish-return:{wid}:{_stamp(due)}"
            url = reverse_pk("mobilisation:wish", wid)
            if uid:
                specs.append(
                    NoticeSpec(
                        kind=NoticeKind.RED, title=to_claimer % params, targets=[person(uid)], url=url, dedupe_key=key
                    )
                )
            specs.append(
                NoticeSpec(
                    kind=NoticeKind.RED,
                    title=to_community % params,
                    targets=[centre(cid)],
                    url=url,
                    dedupe_key=key,
                    exclude=frozenset({uid}) if uid else frozenset(),
                )
            )
    return notices_write(specs=specs, now=now)
