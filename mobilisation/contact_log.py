"""Who read which member's phone, unit's contact or wish's resident (PIPL) — the mobilisation side of the shared
access log (``residents.services.access_log_record_many``; one bulk insert per read, with the street so that its
leads read their street's log).

Who sees what in full:
- a wish's resident (name, phone, address): staff who manage the wish's community (and admins); masked for
  everyone else (grid workers, members who claim it);
- a member's registration phone: the member themselves (their own data: not logged) and staff who manage the
  registration's community; masked for everyone else;
- a unit's contact persons (their logins' names and phones): the staff who manage the unit (the units page).
Each unmasked read of someone else's data writes one row per record shown (page, API, admin); masked reads write
nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from residents.choices import AccessSubject
from residents.services import access_log_record, access_log_record_many

from .models import RegisteredUnit, Registration, Wish
from .permissions import manages_community


def _street_of(community) -> int | None:
    return community.parent_id if community is not None else None


def wish_residents_read(*, user: Any, wishes: Iterable[Wish], channel: str, path: str = "") -> set[int]:
    """The ids of ``wishes`` whose resident ``user`` may see in full; one access-log row for each of them."""
    shown = [w for w in wishes if manages_community(user, w.community)]
    logged = [w for w in shown if w.resident_name or w.resident_phone or w.resident_address]
    if logged:
        access_log_record_many(
            user=user,
            subject=AccessSubject.WISH_RESIDENT,
            rows=[{"object_id": w.pk, "street_id": _street_of(w.community)} for w in logged],
            channel=channel,
            path=path,
        )
    return {w.pk for w in shown}


def registration_phones_read(
    *, user: Any, registrations: Iterable[Registration], channel: str, path: str = ""
) -> set[int]:
    """The ids of ``registrations`` whose phone ``user`` may see in full; a row for each one not their own."""
    shown, logged = set(), []
    for reg in registrations:
        own = reg.member_id is not None and reg.member_id == getattr(user, "pk", None)
        if own or manages_community(user, reg.community):
            shown.add(reg.pk)
            if not own and reg.phone:
                logged.append(reg)
    if logged:
        access_log_record_many(
            user=user,
            subject=AccessSubject.PARTY_MEMBER,
            rows=[{"object_id": r.pk, "street_id": _street_of(r.community)} for r in logged],
            channel=channel,
            path=path,
        )
    return shown


def unit_contacts_read(*, user: Any, accounts: Iterable[Any], channel: str, path: str = "") -> int:
    """Staff read the contact persons (name, phone) of the units they manage: one row per unit whose contact's
    phone is shown (``UnitAccount`` rows with their ``user`` and ``unit``). Returns the rows written."""
    units = {a.unit_id: a.unit for a in accounts if getattr(a.user, "phone", "")}
    if not units:
        return 0
    return access_log_record_many(
        user=user,
        subject=AccessSubject.PARTY_UNIT,
        rows=[{"object_id": pk, "street_id": unit.street_id} for pk, unit in sorted(units.items())],
        channel=channel,
        path=path,
    )


def admin_read(*, user: Any, obj: Registration | Wish | RegisteredUnit, path: str) -> None:
    """An administrator opened a record with contacts in the admin: one row (nothing if it holds none)."""
    if isinstance(obj, Registration):
        subject, street_id, has = AccessSubject.PARTY_MEMBER, _street_of(obj.community), bool(obj.phone)
    elif isinstance(obj, Wish):
        subject, street_id = AccessSubject.WISH_RESIDENT, _street_of(obj.community)
        has = bool(obj.resident_name or obj.resident_phone or obj.resident_address)
    else:
        subject, street_id, has = AccessSubject.PARTY_UNIT, obj.street_id, bool(obj.contact_name or obj.contact_phone)
    if has:
        access_log_record(user=user, subject=subject, object_id=obj.pk, channel="admin", path=path, street_id=street_id)
