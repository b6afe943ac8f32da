"""Writes of the residents app. Every function: keyword-only arguments, one transaction, a clear error on bad input."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .choices import AccessChannel, AccessSubject
from .models import AccessLog

PATH_MAX = AccessLog._meta.get_field("path").max_length


def _check_vocabulary(*, subject: str, channel: str) -> None:
    if subject not in AccessSubject.values:
        raise ValueError(f"unknown access-log subject {subject!r}; one of {AccessSubject.values}")
    if channel not in AccessChannel.values:
        raise ValueError(f"unknown access-log channel {channel!r}; one of {AccessChannel.values}")


def _who(user: Any) -> tuple[int | None, str]:
    if user is None or not getattr(user, "is_authenticated", False):
        return None, ""
    return user.pk, user.get_username()


def access_log_record(
    *,
    user: Any,
    subject: str,
    object_id: str | int,
    channel: str,
    path: str = "",
    case_id: int | None = None,
    street_id: int | None = None,
) -> AccessLog:
    """Write one access-log row: ``user`` read ``subject`` #``object_id`` through ``channel`` at ``path``.

    ``user`` may be None or anonymous (e.g. an Open311 client): the row then has no user and no
    username. Unknown ``subject`` or ``channel`` raises ValueError and writes nothing.
    """
    _check_vocabulary(subject=subject, channel=channel)
    user_id, username = _who(user)
    return AccessLog.objects.create(
        user_id=user_id,
        username=username,
        subject=subject,
        object_id=str(object_id),
        channel=channel,
        path=(path or "")[:PATH_MAX],
        case_id=case_id,
        street_id=street_id,
    )


def access_log_record_many(
    *,
    user: Any,
    subject: str,
    rows: Iterable[Mapping[str, Any] | str | int],
    channel: str,
    path: str = "",
) -> int:
    """Write one row per item of ``rows`` in one bulk insert (for exports and lists of many people).

    Each item is an object id, or a mapping with ``object_id`` and optionally ``case_id`` and
    ``street_id``. Returns the number of rows written. Bad vocabulary or an item without an
    ``object_id`` raises ValueError and writes nothing.
    """
    _check_vocabulary(subject=subject, channel=channel)
    user_id, username = _who(user)
    path = (path or "")[:PATH_MAX]
    objs = []
    for item in rows:
        if isinstance(item, Mapping):
            if item.get("object_id") in (None, ""):
                raise ValueError("every access-log row needs an object_id")
            object_id, case_id, street_id = item["object_id"], item.get("case_id"), item.get("street_id")
        else:
            object_id, case_id, street_id = item, None, None
        objs.append(
            AccessLog(
                user_id=user_id,
                username=username,
                subject=subject,
                object_id=str(object_id),
                channel=channel,
                path=path,
                case_id=case_id,
                street_id=street_id,
            )
        )
    AccessLog.objects.bulk_create(objs, batch_size=1000)
    return len(objs)
