"""Who may act on a dispute, and who sees its parties' contact data.

Scope (may the user see the dispute) is ``selectors.disputes_for``. Here: managing (assign, start, transfer, turn
into a case, refer) is for centre staff whose region covers the dispute's community (and admins); recording a
session is for them and for the dispute's handler. Parties' names and phones are shown in full to the handler and to
staff of the dispute's street and above — masked for everyone else, like citizens' contact on a case.
"""

from __future__ import annotations

from core.roles import is_admin, staff_level

from .models import Dispute


def covers(user, dispute: Dispute) -> bool:
    level = staff_level(user)
    if level is None:
        return False
    community = dispute.community
    street = community.parent
    return user.region_id in {community.id, street.id, street.parent_id} or (
        level == "city" and street.parent.parent_id == user.region_id
    )


def may_manage(user, dispute: Dispute) -> bool:
    return is_admin(user) or covers(user, dispute)


def may_mediate(user, dispute: Dispute) -> bool:
    return may_manage(user, dispute) or (dispute.handler_id is not None and dispute.handler_id == user.pk)


def sees_party_contact(user, dispute: Dispute) -> bool:
    if is_admin(user) or (dispute.handler_id is not None and dispute.handler_id == user.pk):
        return True
    return staff_level(user) in ("street", "district", "city") and covers(user, dispute)


def level_of(user) -> str:
    """The place a user works at, for "where was it found / resolved": their centre's level, else the grid."""
    level = staff_level(user)
    if level in ("community", "street"):
        return level
    if level in ("district", "city"):
        return "district"
    return "grid"
