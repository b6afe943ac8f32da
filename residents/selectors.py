"""Reads of the residents app, each scoped to the user who asks."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from governance.choices import RegionLevel, Role
from governance.selectors import region_descendant_ids

from .models import AccessLog


def access_log_for(*, user: Any) -> QuerySet[AccessLog]:
    """The access-log rows ``user`` may read.

    - admins: every row;
    - centre staff whose region is a street, district or city: rows whose street is that region
      or lies below it ("a street's leads see their street's log");
    - everyone else (grid workers, community staff, liaisons, citizens): none — the log is for
      oversight, and it would itself reveal whose records were looked at.
    """
    qs = AccessLog.objects.select_related("street")
    if user is None or not user.is_authenticated:
        return qs.none()
    if user.is_admin:
        return qs
    if user.role == Role.CENTRE_STAFF and user.region_id and user.region.level != RegionLevel.COMMUNITY:
        return qs.filter(street_id__in=region_descendant_ids(user.region))
    return qs.none()
