"""Statements written around the ORM's filters, for the pages where compiling a queryset costs
more than running it.

Measured on the package page at 10,000 packages (tests/benchmarks/test_bench_package_page.py):
Django took about 0.5 ms to compile each of the page's querysets, more than PostgreSQL took to
run them, and its psycopg loader for `timestamptz` is pure Python (it subclasses psycopg's Python
loader to set the time zone), 4.5 microseconds a value. Here `where_sql` takes the WHERE clause
Django compiles for a queryset's filters, so what is selected stays the ORM's business, in one
place; `select_rows` runs a statement and converts each value as the ORM would for its field.
"""

from collections.abc import Sequence

import psycopg
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Field, Model, QuerySet
from psycopg.pq import Format

# psycopg's own loader, in C: the same instants as Django's loader, in the session's time zone,
# which Django sets to UTC (the values compare and print the same).
_TIMESTAMPTZ_LOADER = psycopg.adapters.get_loader(psycopg.postgres.types["timestamptz"].oid, Format.TEXT)


def where_sql(queryset: QuerySet) -> tuple[str, list]:
    """The WHERE clause Django writes for `queryset`'s filters, with its parameters; columns are
    named by table (`"console_package"."owner_id"`). A filter that can match nothing (an empty
    `__in`) gives a clause that is never true."""
    query = queryset.query
    try:
        sql, params = query.get_compiler(queryset.db).compile(query.where)
    except EmptyResultSet:
        return "0 = 1", []
    return sql, list(params)


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], field_name: str) -> str:
    """`"table"."column"` for a model field (a foreign key's `_id` column by its field's name)."""
    return f"{table(model)}.{connection.ops.quote_name(model._meta.get_field(field_name).column)}"


def select_rows(sql: str, params: Sequence, fields: Sequence[Field] = ()) -> list[list]:
    """Run `sql` and return its rows. When its columns are model `fields`, in order, each value is
    converted as the ORM converts it for that field (SQLite returns text and floats where
    PostgreSQL has types); counts need no fields."""
    columns = [field.get_col(field.model._meta.db_table) for field in fields]
    converters = [
        (index, converters)
        for index, col in enumerate(columns)
        if (converters := connection.ops.get_db_converters(col) + col.get_db_converters(connection))
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.cursor.adapters.register_loader("timestamptz", _TIMESTAMPTZ_LOADER)
        cursor.execute(sql, params)
        rows = [list(row) for row in cursor.fetchall()]
    for row in rows if converters else ():
        for index, functions in converters:
            for convert in functions:
                row[index] = convert(row[index], columns[index], connection)
    return rows
