"""Bulk inserts for the billing run, from plain tuples.

On PostgreSQL rows go in through COPY: Django's bulk_create builds a model instance per row and
quotes every value on the client, which was most of the run's time in the benchmark
(docs/benchmarks-billing.md). Elsewhere (SQLite in development and tests) bulk_create does it.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import JSONField, Model


def bulk_insert(model: type[Model], fields: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert `rows`, each a tuple of values for `fields` (attribute names, e.g. "package_id")."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=2000)
        return
    meta = {f.attname: f for f in model._meta.concrete_fields}
    json_at = [i for i, name in enumerate(fields) if isinstance(meta[name], JSONField)]
    columns = ", ".join(connection.ops.quote_name(meta[name].column) for name in fields)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = json.dumps(row[i], cls=DjangoJSONEncoder)
                copy.write_row(row)
