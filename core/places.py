"""The one map from a region level to the case column that holds the case's region at that level.

A case (and every row that copies its place: dispatches, ratings) stores its community, street and
district; the city is the district's parent. Scopes, the sweep's holder assignment and the notices'
recipients all ask "which column is the place at this level" — here, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: level → the lookup on a case (or a row copying its place) that names the region at that level.
PLACE_COLUMN: Mapping[str, str] = {
    "community": "community_id",
    "street": "street_id",
    "district": "district_id",
    "city": "district__parent_id",
}


def place_column(level: str) -> str | None:
    """The lookup for ``level`` (``"street"`` → ``"street_id"``), or None for a level a case has no place at."""
    return PLACE_COLUMN.get(str(level))


def place_at(row: Mapping[str, Any], level: str) -> Any:
    """The region id at ``level`` in a ``values()`` row that carries the ``PLACE_COLUMN`` columns, or None."""
    column = place_column(level)
    return row.get(column) if column else None
