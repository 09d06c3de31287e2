"""Statements written once per database connection, for the few per-request reads where the ORM's
compiling of the same query on every call cost more than running it (the API's key lookup and
its package list: see docs/benchmarks.md). Their rows are converted as the ORM converts them: each
column by its field's database converters (SQLite stores times as text, booleans as 0 and 1;
PostgreSQL needs none)."""

from __future__ import annotations

import weakref
from collections.abc import Sequence

from django.db import models
from django.db.models.expressions import Value

Converters = list[tuple[object, list]]


def column_converters(connection, columns: Sequence[tuple[str, models.Field]]) -> Converters:
    """For each (table alias, field) a statement selects, in order: its expression and converters.
    A column that is not a model field's (an EXISTS, a count) is passed as a bare field instance,
    and gets the database's converters only (SQLite's 0 and 1 to booleans), not the Python type
    coercion an ORM expression adds (`int()` of a count both databases already answer as int)."""
    converters = []
    for alias, field in columns:
        if getattr(field, "model", None) is not None:
            expression = field.get_col(alias)
            functions = connection.ops.get_db_converters(expression) + expression.get_db_converters(connection)
        else:
            expression = Value(None, output_field=field)
            functions = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
        converters.append((expression, functions))
    return converters


def row_converted(row: Sequence, converters: Converters, connection) -> list:
    values = []
    for value, (expression, functions) in zip(row, converters, strict=True):
        for function in functions:
            value = function(value, expression, connection)
        values.append(value)
    return values


# Per connection object (each thread has its own), forgotten with it: a statement keeps no
# reference to its connection, which is passed to each call.
_WRITTEN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def written_once(statement_class: type, connection):
    """`statement_class(connection)`, made once per connection (its SQL is in that database's
    dialect) and kept while the connection object lives."""
    statements = _WRITTEN.setdefault(connection, {})
    found = statements.get(statement_class)
    if found is None:
        found = statements[statement_class] = statement_class(connection)
    return found
