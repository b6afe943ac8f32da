"""Statements the ORM compiles once: a one-row lookup (``PreparedGet(queryset, "field").get(value)``) and a model's
single-row INSERT (``PreparedInsert``, an abstract base model; see its docstring).

``queryset.get(field=value)`` builds and compiles a new query every call: for a token with its user, or a grid
with its community, street and district (``select_related``), that is 0.5–1 ms of Python before the statement
leaves — more than the statement itself. ``PreparedGet`` compiles ``queryset.filter(field=<value>)`` once per
database connection (the ORM's own compiler, so the SQL, the columns and the joined models are exactly what the
queryset would run) and each ``get`` sends that SQL with the new value and builds the instances as the ORM's
``ModelIterable`` does (``from_db``, the ``select_related`` chain, the fields' converters).

It answers like ``QuerySet.get``: the value is prepared by the field (``ValueError`` / ``TypeError`` for a value
the field cannot take, an integer outside the column's range matches nothing), ``Model.DoesNotExist`` when no
row matches, ``MultipleObjectsReturned`` when several do; the read goes where the router sends the model's reads.
Only querysets that filter, join and order (no annotations, no ``only``/``defer``) are accepted.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

from django.db import connections, models, router
from django.db.models.query import get_related_populators
from django.db.models.sql import InsertQuery

M = TypeVar("M", bound=models.Model)

#: Stand for the looked-up value while the SQL is compiled (found among the parameters, then replaced by the
#: real value at each ``get``): one for integer keys (inside every integer column's range), one for text keys.
_INT_MARK = -2_123_456_789
_TEXT_MARK = "\x1fprepared-get\x1f"


class _Compiled:
    """The SQL of one connection, the value's place among its parameters, and how a row becomes instances."""

    def __init__(self, queryset: models.QuerySet[Any], field: models.Field[Any, Any], connection: Any) -> None:
        mark = _INT_MARK if isinstance(field, models.IntegerField) else _TEXT_MARK
        query = queryset.filter(**{field.name: mark}).order_by()[:2].query
        compiler = query.get_compiler(using=connection.alias)
        sql, params = compiler.as_sql()
        params = list(params)
        if params.count(mark) != 1 or compiler.annotation_col_map or query.deferred_loading[0]:
            raise ValueError(f"PreparedGet cannot run {queryset.query!s}")
        self.connection = connection
        self.sql = sql
        self.params = params
        self.at = params.index(mark)
        select, klass_info = compiler.select, compiler.klass_info
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        # Django 5.2's signature (the stubs describe a later one with a fetch mode).
        self.populators = get_related_populators(klass_info, select, connection.alias)  # type: ignore[call-arg]
        self.converters = list(compiler.get_converters([column[0] for column in select]).items())


class PreparedGet(Generic[M]):
    """``queryset.get(<field>=value)`` with the SQL compiled once per connection (see the module docstring)."""

    def __init__(self, queryset: models.QuerySet[M], field: str) -> None:
        self.queryset = queryset
        self.model: type[M] = queryset.model
        found = self.model._meta.pk if field == "pk" else self.model._meta.get_field(field)
        if not isinstance(found, models.Field):
            raise ValueError(f"PreparedGet looks up by a concrete field, not {field!r}")
        self.field: models.Field[Any, Any] = found
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, alias: str) -> _Compiled:
        connection = connections[alias]
        compiled = self._compiled.get(alias)
        if compiled is None or compiled.connection is not connection:  # a connection per thread
            compiled = self._compiled[alias] = _Compiled(self.queryset, self.field, connection)
        return compiled

    def get(self, value: Any) -> M:
        field, model = self.field, cast(Any, self.model)  # the model's own DoesNotExist / MultipleObjectsReturned
        value = field.get_prep_value(value)  # ValueError / TypeError as the ORM raises them
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        if isinstance(value, int) and isinstance(field, models.IntegerField):
            low, high = connection.ops.integer_field_range(field.get_internal_type())
            if (low is not None and value < low) or (high is not None and value > high):
                raise model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
        compiled = self._for(alias)
        params = list(compiled.params)
        params[compiled.at] = field.get_db_prep_value(value, connection, prepared=True)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchmany(2)
        if not rows:
            raise model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
        if len(rows) > 1:
            raise model.MultipleObjectsReturned(f"get() returned more than one {self.model._meta.object_name}")
        row = list(rows[0])
        for position, (converters, expression) in compiled.converters:
            for convert in converters:
                row[position] = convert(row[position], expression, connection)
        obj = self.model.from_db(alias, compiled.init_list, row[compiled.start : compiled.end])
        for populator in compiled.populators:
            populator.populate(row, obj)
        return obj


class _CompiledInsert:
    """The INSERT of one connection and column list, as the ORM's compiler wrote it for the first instance."""

    def __init__(self, obj: models.Model, fields: tuple[Any, ...], returning: tuple[Any, ...], connection: Any):
        query = InsertQuery(type(obj))
        query.insert_values(list(fields), [obj])
        compiler = query.get_compiler(using=connection.alias)
        compiler.returning_fields = list(returning)
        [(self.sql, _params)] = compiler.as_sql()
        self.returning_params = compiler.returning_params
        self.connection = connection
        self.fields = fields
        self.returning = returning
        table = type(obj)._meta.db_table
        columns = [field.get_col(table) for field in returning]
        self.converters = list(compiler.get_converters(columns).items())


class PreparedInsert(models.Model):
    """A model whose single-row INSERT (``save()`` of a new instance) is compiled once per connection.

    ``Model.save`` builds and compiles an ``InsertQuery`` for every new row — a case's 53 columns cost more Python
    to write out than the values themselves. This base class keeps everything ``save`` does (signals, related
    checks, the instance's state, the returned id) and replaces only ``_do_insert``: the SQL the ORM's compiler
    wrote for the first row of a column list is reused, the values are prepared as the compiler prepares them
    (``pre_save`` then ``get_db_prep_save``). A value that is an expression, a field with its own placeholder or
    a raw save takes the ORM's path."""

    class Meta:
        abstract = True

    _prepared_inserts: dict[tuple[str, tuple[Any, ...], tuple[Any, ...]], _CompiledInsert]

    def _do_insert(self, manager, using, fields, returning_fields, raw):  # type: ignore[no-untyped-def]
        connection = connections[using]
        if (
            raw
            or not fields
            or (returning_fields and not connection.features.can_return_columns_from_insert)
            or any(
                hasattr(field, "get_placeholder") or hasattr(getattr(self, field.attname), "resolve_expression")
                for field in fields
            )
        ):
            return super()._do_insert(manager, using, fields, returning_fields, raw)  # type: ignore[misc]
        cls = type(self)
        key = (using, tuple(fields), tuple(returning_fields or ()))
        cache = cls.__dict__.get("_prepared_inserts")
        if cache is None:
            cache = {}
            cls._prepared_inserts = cache
        compiled = cache.get(key)
        if compiled is None or compiled.connection is not connection:  # a connection per thread
            compiled = cache[key] = _CompiledInsert(self, key[1], key[2], connection)
        params = [field.get_db_prep_save(field.pre_save(self, True), connection=connection) for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params + list(compiled.returning_params))
            if not compiled.returning:
                return []
            ops: Any = connection.ops  # the backends that return columns define it (the base class does not)
            row = list(ops.fetch_returned_insert_columns(cursor, compiled.returning_params))
        for position, (converters, expression) in compiled.converters:
            for convert in converters:
                row[position] = convert(row[position], expression, connection)
        return [tuple(row)]
