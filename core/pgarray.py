"""PostgreSQL array literals for bulk statements (``unnest(%s::bigint[])``, ``id = ANY(%s::bigint[])``).

psycopg2 sends a Python list as ``ARRAY[1, 2, …]``: an expression of one constant per element, which the
server parses and plans node by node — for the sweep's batches (tens of thousands of values per statement)
that costs more than the rows' writes. Sent as one text literal (``'{1,2,…}'``) the array is read by
``array_in`` in one go. Values travel as a parameter, so nothing is interpolated into the SQL.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Lookup

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.models.sql.compiler import SQLCompiler


def _element(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(value)
    return _quoted(str(value))


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def pg_array(values: Iterable[Any]) -> str:
    """The text form of a one-dimensional array of ``values`` (ints, bools, strings or None); cast it in SQL."""
    values = list(values)
    if all(type(v) is int for v in values):  # the common cases first: ids, then texts
        return "{" + ",".join(map(str, values)) + "}"
    if all(type(v) is str for v in values):
        return "{" + ",".join(map(_quoted, values)) + "}"
    return "{" + ",".join(map(_element, values)) + "}"


class AnyOf(Lookup):
    """``id__any_of=[…]`` / ``case__any_of=[…]``: membership in a list of ids given as one array parameter.

    On PostgreSQL ``col = ANY(%s::bigint[])`` with the text literal above — for the sweep's thousands of
    ids, cheaper to build, send and plan than ``IN (%s, %s, …)``; elsewhere the plain ``IN`` list.
    Registered on the integer key fields (``GovernanceConfig.ready``).
    """

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        return [int(v) for v in self.rhs]

    def as_sql(  # type: ignore[override]  # params as a list, as Django passes them on
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, list[Any]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, pg_array(self.rhs)]
        if not self.rhs:
            raise EmptyResultSet
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*lhs_params, *self.rhs]


def register_lookups() -> None:
    for field in (models.AutoField, models.BigAutoField, models.ForeignKey):
        field.register_lookup(AnyOf)
