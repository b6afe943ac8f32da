"""Keyset ("cursor") pagination for every API list that can grow: cases, events, notices, summonses, residents.

Why not offset: ``OFFSET 100000`` makes the database build and throw away 100,000 rows (with every join and
annotation of the list) before the page; a keyset page seeks to the row after the previous page's last row
through the ordering's index and reads ``page_size`` rows, so page 2,000 and the last page cost what the first
does. And the count: ``COUNT(*)`` over a district's scope reads every case of it on every page; here the count is
exact up to ``LIST_COUNT_CAP`` rows (read at most that far) and above it is shown as capped, with the planner's
estimate (PostgreSQL ``EXPLAIN``: no rows read) — the response says which it is.

The order is the queryset's own ``order_by`` (set by the view or by its ordering filter): each term a field
name, a lookup through relations (``whistle__blown_at``) or an annotation, ``-`` for descending; the primary
key is appended as the tie-breaker when it is not there, in the direction of the last term. NULLs sort as the
largest value on every backend (last ascending, first descending — PostgreSQL's default, so its b-tree indexes
serve the order).

Response body::

    {"count": 1000, "count_capped": true, "count_estimate": 125300,
     "next": url | null, "previous": url | null, "first": url, "last": url, "results": [...]}

``?cursor=`` is opaque (URL-safe base64 of the sort values of a boundary row and the direction); a cursor that is
malformed, or was made for another ordering, answers 400. ``?page=`` is refused with 400 (offset pages are gone).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import F, Model, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils.translation import gettext as _
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from core.errors import InvalidInput
from core.hostile_input import whole_number

#: Rows a count reads at most; above it the list says "more than this" (and PostgreSQL's estimate).
DEFAULT_COUNT_CAP = 1000


@dataclass(frozen=True)
class Key:
    """One sort key: what the queryset orders by, how to read it from a row, and whether it may be NULL."""

    expr: str  # a field, a lookup through relations or an annotation (as in order_by)
    attr: str  # the attribute of a fetched row that holds the value (an annotation for lookups)
    descending: bool
    nullable: bool
    field: Any  # the model or output field that turns a cursor's JSON back into a value

    def order(self, reverse: bool = False) -> OrderBy:
        desc = self.descending != reverse
        if not self.nullable:
            return F(self.attr).desc() if desc else F(self.attr).asc()
        return F(self.attr).desc(nulls_first=True) if desc else F(self.attr).asc(nulls_last=True)


def _resolve(model: type[Model], qs: QuerySet[Any], path: str) -> tuple[Any, bool]:
    """The field at the end of ``path`` (``a__b__c`` through relations, or an annotation) and whether it can be NULL."""
    if path in qs.query.annotations:
        out = qs.query.annotations[path].output_field
        return out, bool(getattr(out, "null", True))
    nullable = False
    field: Any = None
    current = model
    for part in path.split("__"):
        if part == "pk":
            field = current._meta.pk
            continue
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            raise InvalidInput(_("无法按此字段排序：%(f)s") % {"f": path}, code="ordering") from None
        nullable = nullable or bool(getattr(field, "null", False))
        if field.is_relation and part != path.split("__")[-1]:
            current = field.related_model
    if field is not None and field.is_relation:  # ordering by a foreign key orders by its id
        field = field.target_field
    return field, nullable


def keyset_keys(qs: QuerySet[Any]) -> tuple[QuerySet[Any], list[Key]]:
    """The queryset's ordering as keyset keys (primary key appended), annotating lookups through relations."""
    model = qs.model
    terms = list(qs.query.order_by) or list(model._meta.ordering) or ["-pk"]
    keys: list[Key] = []
    annotations: dict[str, F] = {}
    pk_name = model._meta.pk.name
    for i, term in enumerate(terms):
        if not isinstance(term, str):
            raise InvalidInput(_("此列表的排序无法翻页"), code="ordering")
        descending = term.startswith("-")
        path = term.lstrip("-")
        if path in ("pk", pk_name):
            keys.append(Key(pk_name, pk_name, descending, False, model._meta.pk))
            break  # the primary key is unique: later terms never decide
        field, nullable = _resolve(model, qs, path)
        attr = path
        if "__" in path and path not in qs.query.annotations:
            attr = f"keyset_{i}"
            annotations[attr] = F(path)
        keys.append(Key(path, attr, descending, nullable, field))
    if keys[-1].attr != pk_name:
        keys.append(Key(pk_name, pk_name, keys[-1].descending, False, model._meta.pk))
    if annotations:
        qs = qs.annotate(**annotations)
    return qs, keys


def _encode_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _seek(keys: list[Key], values: list[Any], reverse: bool) -> Q:
    """Rows strictly beyond ``values`` in the order of ``keys`` (run backwards when ``reverse``).

    Expanded as ``k1 > v1 OR (k1 = v1 AND k2 > v2) OR …`` with NULL as the largest value, plus a redundant
    range on the first key (``k1 >= v1``) so the database can seek through an index on it.
    """

    def beyond(key: Key, v: Any) -> Q:
        desc = key.descending != reverse
        if v is None:  # NULL is the largest value
            return Q(**{f"{key.attr}__isnull": False}) if desc else Q(pk__in=[])
        q = Q(**{f"{key.attr}__lt" if desc else f"{key.attr}__gt": v})
        return q | Q(**{f"{key.attr}__isnull": True}) if key.nullable and not desc else q

    def equal(key: Key, v: Any) -> Q:
        return Q(**{f"{key.attr}__isnull": True}) if v is None else Q(**{key.attr: v})

    cond = Q(pk__in=[])
    prefix = Q()
    for key, v in zip(keys, values, strict=True):
        cond |= prefix & beyond(key, v)
        prefix &= equal(key, v)
    first, v0 = keys[0], values[0]
    if v0 is not None:
        desc = first.descending != reverse
        rng = Q(**{f"{first.attr}__lte" if desc else f"{first.attr}__gte": v0})
        if first.nullable and not desc:
            rng |= Q(**{f"{first.attr}__isnull": True})
        cond = rng & cond
    return cond


@dataclass
class Cursor:
    """A page boundary: the sort values of a row and whether the page lies before it (``reverse``).

    ``end`` is the cursor of the last page (read backwards from the end, no boundary row)."""

    signature: str
    values: list[Any] | None
    reverse: bool

    def encode(self) -> str:
        raw = json.dumps({"o": self.signature, "v": self.values, "r": int(self.reverse)}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, raw: str, keys: list[Key], signature: str) -> Cursor:
        bad = InvalidInput(_("翻页参数无效，请回到第一页"), code="cursor")
        try:
            data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode())
            if not isinstance(data, dict) or data.get("o") != signature:
                raise bad
            values = data.get("v")
            if values is not None:
                if not isinstance(values, list) or len(values) != len(keys):
                    raise bad
                values = [None if v is None else k.field.to_python(v) for k, v in zip(keys, values, strict=True)]
            return cls(signature, values, bool(data.get("r")))
        except (ValueError, TypeError, ValidationError, binascii.Error, UnicodeDecodeError):
            raise bad from None


@dataclass
class KeysetPage:
    """One keyset page: its rows, and the cursors (encoded) of the pages around it; None where there is none."""

    rows: list[Any]
    next_cursor: str | None
    previous_cursor: str | None
    last_cursor: str


def keyset_page(queryset: QuerySet[Any], raw_cursor: str | None, size: int) -> KeysetPage:
    """The page of ``queryset`` (in its own ``order_by``) that ``raw_cursor`` points at (the first when empty).

    Reads ``size + 1`` rows through the ordering's index whatever the page. A cursor that is malformed or was
    made for another ordering raises ``InvalidInput`` (code ``cursor``): a 400 on the API, a message on a page.
    """
    qs, keys = keyset_keys(queryset)
    signature = ",".join(("-" if k.descending else "") + k.expr for k in keys)
    cursor = Cursor.decode(raw_cursor, keys, signature) if raw_cursor else None
    reverse = bool(cursor and cursor.reverse)
    if cursor and cursor.values is not None:
        qs = qs.filter(_seek(keys, cursor.values, reverse))
    rows = list(qs.order_by(*(k.order(reverse) for k in keys))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if reverse:
        rows.reverse()
        has_prev, has_next = more, cursor is not None and cursor.values is not None
    else:
        has_next, has_prev = more, cursor is not None

    def values_of(row: Any) -> list[Any]:
        return [_encode_value(getattr(row, k.attr)) for k in keys]

    return KeysetPage(
        rows=rows,
        next_cursor=Cursor(signature, values_of(rows[-1]), False).encode() if has_next and rows else None,
        previous_cursor=Cursor(signature, values_of(rows[0]), True).encode() if has_prev and rows else None,
        last_cursor=Cursor(signature, None, True).encode(),
    )


@dataclass(frozen=True)
class CappedCount:
    """A list's size without scanning it: exact up to the cap, else the cap (``capped``) and the planner's estimate."""

    count: int
    capped: bool
    estimate: int | None


def capped_count(queryset: QuerySet[Any]) -> CappedCount:
    """Count at most ``LIST_COUNT_CAP`` + 1 rows; above the cap add PostgreSQL's estimate (EXPLAIN, no rows read)."""
    cap = int(getattr(settings, "LIST_COUNT_CAP", DEFAULT_COUNT_CAP))
    bare = queryset.order_by().values("pk")
    n = bare[: cap + 1].count()
    capped = n > cap
    return CappedCount(min(n, cap), capped, estimate_rows(bare) if capped else None)


class KeysetPagination(BasePagination):
    """DRF pagination by keyset; see the module docstring. Subclass to change the page size."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"

    def __init__(self) -> None:
        self.count = 0
        self.count_capped = False
        self.count_estimate: int | None = None
        self.next_url: str | None = None
        self.previous_url: str | None = None
        self.first_url = ""
        self.last_url = ""

    # --- request parameters ----------------------------------------------------------------------------

    def get_page_size(self, request: Request) -> int:
        raw = (request.query_params.get(self.page_size_query_param) or "").strip()
        if not raw:
            return self.page_size
        size = whole_number(raw)
        if size is None or size < 1:
            raise InvalidInput(_("每页条数必须是正整数"), code="page_size")
        return min(size, self.max_page_size)

    # --- the page ----------------------------------------------------------------------------------------

    def paginate_queryset(  # type: ignore[override]  # a queryset only: keyset paging needs its ordering
        self, queryset: QuerySet[Any], request: Request, view: Any = None
    ) -> list[Any]:
        if request.query_params.get("page"):
            raise InvalidInput(
                _("列表按游标翻页：请使用 next / previous 链接（cursor 参数），不支持 page 参数"), code="page"
            )
        size = self.get_page_size(request)
        self.request = request
        page = keyset_page(queryset, request.query_params.get(self.cursor_query_param), size)
        self._count(queryset)
        url = remove_query_param(request.build_absolute_uri(), "page")

        def link(raw: str | None) -> str:
            return (
                replace_query_param(url, self.cursor_query_param, raw)
                if raw
                else remove_query_param(url, self.cursor_query_param)
            )

        self.first_url = link(None)
        self.last_url = link(page.last_cursor)
        self.next_url = link(page.next_cursor) if page.next_cursor else None
        self.previous_url = link(page.previous_cursor) if page.previous_cursor else None
        return page.rows

    def _count(self, queryset: QuerySet[Any]) -> None:
        """Exact up to the cap (reads at most cap + 1 index entries), else capped plus the planner's estimate."""
        counted = capped_count(queryset)
        self.count, self.count_capped, self.count_estimate = counted.count, counted.capped, counted.estimate

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "count_capped": self.count_capped,
                "count_estimate": self.count_estimate,
                "next": self.next_url,
                "previous": self.previous_url,
                "first": self.first_url,
                "last": self.last_url,
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        url = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["count", "count_capped", "results"],
            "properties": {
                "count": {"type": "integer", "description": "exact when count_capped is false, else the cap"},
                "count_capped": {"type": "boolean"},
                "count_estimate": {"type": "integer", "nullable": True, "description": "planner's estimate if capped"},
                "next": url,
                "previous": url,
                "first": {"type": "string", "format": "uri"},
                "last": {"type": "string", "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "翻页游标（取自 next / previous / last 链接）",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"每页条数（最多 {self.max_page_size}）",
                "schema": {"type": "integer"},
            },
        ]


def estimate_rows(qs: QuerySet[Any]) -> int | None:
    """The planner's row estimate for ``qs`` (PostgreSQL ``EXPLAIN``, no rows read); None elsewhere."""
    conn = connections[qs.db]
    if conn.vendor != "postgresql":
        return None
    sql, params = qs.query.sql_with_params()
    with conn.cursor() as cur:
        cur.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cur.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
