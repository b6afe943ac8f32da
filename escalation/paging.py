"""Keyset ("seek") paging over cases: a page starts after (or before) a cursor row in the order (column, id).

Used by the triage queue (``selectors.triage.queue``): page 2000 costs what page 1 costs, because the
condition is a range the column's index seeks to instead of an offset that reads every row before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from cases.models import Case
from core.errors import InvalidInput
from core.hostile_input import whole_number


@dataclass
class Cursor:
    """Where a keyset page starts: the sort value and the id of the row just before (or after) it."""

    value: datetime | None
    pk: int

    def encode(self) -> str:
        return f"{self.value.isoformat() if self.value else 'null'}~{self.pk}"

    @classmethod
    def decode(cls, raw: str | None) -> Cursor | None:
        if not raw:
            return None
        value, sep, pk = raw.rpartition("~")
        last_pk = whole_number(pk)
        if not sep or last_pk is None:
            raise InvalidInput(_("翻页参数无效，请回到第一页"), code="cursor")
        if value == "null":
            return cls(None, last_pk)
        when = parse_datetime(value)
        if when is None:
            raise InvalidInput(_("翻页参数无效，请回到第一页"), code="cursor")
        return cls(when if timezone.is_aware(when) else timezone.make_aware(when), last_pk)


def is_nullable(field_name: str) -> bool:
    return Case._meta.get_field(field_name).null


def seek_after(field_name: str, descending: bool, cursor: Cursor) -> Q:
    """Rows strictly after ``cursor`` in the order (field, id), both ascending or both descending.

    NULL sorts as +infinity (last ascending, first descending: PostgreSQL's default, so its b-tree indexes
    serve the order). The redundant ``field <= v`` / ``field >= v`` conjunct makes the condition a range the
    index can seek to, so a deep page reads ``page_size`` rows, not every row before it.
    """
    f, v, pk = field_name, cursor.value, cursor.pk
    nullable = is_nullable(f)
    if v is None:  # the cursor sits among the NULLs
        among_nulls = Q(**{f"{f}__isnull": True, "pk__lt" if descending else "pk__gt": pk})
        return (among_nulls | Q(**{f"{f}__isnull": False})) if descending else among_nulls
    if descending:
        q = Q(**{f"{f}__lte": v}) & (Q(**{f"{f}__lt": v}) | Q(pk__lt=pk))
        return q
    q = Q(**{f"{f}__gte": v}) & (Q(**{f"{f}__gt": v}) | Q(pk__gt=pk))
    return (q | Q(**{f"{f}__isnull": True})) if nullable else q


def order_by_key(field_name: str, descending: bool) -> list:
    if descending:
        return [F(field_name).desc(nulls_first=True) if is_nullable(field_name) else F(field_name).desc(), "-pk"]
    return [F(field_name).asc(nulls_last=True) if is_nullable(field_name) else F(field_name).asc(), "pk"]
