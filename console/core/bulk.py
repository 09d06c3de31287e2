"""Set-based writes from plain values: many rows inserted, or one column of many rows set, in one
statement however many rows there are; and `any_of`, a filter on a long list of ids.

For the billing run (console.billing.run) and the ledger's bulk posting (console.ledger.services),
which write thousands of rows per batch while holding their locks.

On PostgreSQL rows go in through COPY and values are set with one `UPDATE ... FROM unnest(...)`:
Django's bulk_create builds a model instance per row and quotes every value on the client, which
was most of the billing run's time in the benchmark (docs/benchmarks-billing.md), and
bulk_update writes a `CASE WHEN pk = ...` with a branch per row, which PostgreSQL evaluates for
every row (quadratic in the batch). Elsewhere (SQLite, in development and tests) each is one
prepared statement run over all the rows (`executemany`): no network, no parameter limit to
split around, and one query as Django counts them.

The values are written exactly as given: callers compute new totals in Python with Decimal, so
no sum is ever left to a database that adds decimals as binary floats (SQLite).
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import F, JSONField, Lookup, Model


class _AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return list(self.rhs)

    def as_sql(self, compiler, connection):
        if not self.rhs:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*lhs_params, *self.rhs)


def any_of(field: str, values: Iterable) -> Lookup:
    """A filter, `field` is one of `values`, for lists of hundreds of ids: on PostgreSQL
    `field = ANY(%s)` with the list as one array parameter, where Django's `__in` prepares each
    value and sends a placeholder per value (about 10 ms more per query for 500 ids, several
    queries per billing batch). Elsewhere an ordinary IN. Use it as `.filter(any_of("pk", ids))`.
    """
    return _AnyOf(F(field), values)


def bulk_insert(model: type[Model], fields: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Insert `rows`, each a tuple of values for `fields` (attribute names, e.g. "package_id").

    No model instance is built and no `save()` runs (so `AppendOnlyModel` rows may be written
    this way): the caller gives every column that has no database default. Returns the number of
    rows written.
    """
    rows = list(rows)
    if not rows:
        return 0
    meta = {f.attname: f for f in model._meta.concrete_fields}
    columns = [meta[name] for name in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(field.column) for field in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            json_at = [i for i, field in enumerate(columns) if isinstance(field, JSONField)]
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    if json_at:
                        row = list(row)
                        for i in json_at:
                            row[i] = json.dumps(row[i], cls=columns[i].encoder or DjangoJSONEncoder)
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({placeholders})",
                [[field.get_db_prep_save(value, connection) for field, value in zip(columns, row, strict=True)] for row in rows],
            )
    return len(rows)


def bulk_set(model: type[Model], field_name: str, values: Mapping[int, Any]) -> int:
    """Set `field_name` of each row whose primary key is a key of `values` to its value.

    One statement for all the rows; the caller holds them locked. Returns the number of rows
    asked for.
    """
    if not values:
        return 0
    field = model._meta.get_field(field_name)
    quote = connection.ops.quote_name
    table, column, pk = quote(model._meta.db_table), quote(field.column), quote(model._meta.pk.column)
    ids = list(values)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            new = list(values.values())  # psycopg adapts Decimal, int, str and datetime as they are
            pk_type = model._meta.pk.rel_db_type(connection)
            cursor.execute(
                f"UPDATE {table} SET {column} = v.value "
                f"FROM unnest(%s::{pk_type}[], %s::{field.cast_db_type(connection)}[]) AS v(id, value) "
                f"WHERE {table}.{pk} = v.id",
                [ids, new],
            )
        else:
            new = [field.get_db_prep_save(values[i], connection) for i in ids]
            cursor.executemany(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", list(zip(new, ids, strict=True)))
    return len(ids)
