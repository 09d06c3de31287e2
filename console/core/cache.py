"""The default cache: a table in the console's own database, shared by every worker.

Rate-limit counters (django-ratelimit) must be shared by all workers, or each worker counts on
its own and N workers let N times the limit through. Redis does that in production
(`CACHE_URL=redis://...`); without it, this table does, so the embedded setup (the README's two
commands) is right too. Django's DatabaseCache increments by reading and writing back, so two
workers incrementing at once could both write the same count; here `incr` holds the counter's
row locked from the read to the write (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the console's
transactions begin IMMEDIATE, which takes the database's write lock), and keeps the counter's
expiry, so a window longer than the default timeout is not cut short.

`migrate` creates the table (`cache_tables_create`, connected to post_migrate in
console/apps.py), so nothing has to be run by hand.
"""

import base64
import pickle

from django.conf import settings
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.core.management import call_command
from django.db import connections, models, router, transaction
from django.utils.timezone import now as tz_now


class DatabaseCache(DjangoDatabaseCache):
    def __init__(self, table, params):
        # Django counts the rows on every write and, above MAX_ENTRIES (300 by default), deletes
        # the expired ones and then a third of the live ones. Counters live about a minute: 10,000
        # is every person active in one minute with room to spare, and a cheap count. Beyond that,
        # use Redis (CACHE_URL).
        params = {**params, "OPTIONS": {"MAX_ENTRIES": 10_000, **params.get("OPTIONS", {})}}
        super().__init__(table, params)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        quote_name = connection.ops.quote_name
        table, cache_key = quote_name(self._table), quote_name("cache_key")
        value_column, expires_column = quote_name("value"), quote_name("expires")
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=db), connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                # Take SQLite's write lock before reading, even when this runs inside a
                # transaction that has only read so far (a write that changes nothing).
                cursor.execute(f"UPDATE {table} SET {cache_key} = {cache_key} WHERE {cache_key} = %s", [key])
            cursor.execute(f"SELECT {value_column}, {expires_column} FROM {table} WHERE {cache_key} = %s{lock}", [key])
            row = cursor.fetchone()
            if row is None or self._expired(connection, row[1]):
                raise ValueError(f"Key '{key}' not found.")
            value = pickle.loads(base64.b64decode(connection.ops.process_clob(row[0]).encode()))
            new_value = value + delta
            pickled = base64.b64encode(pickle.dumps(new_value, self.pickle_protocol)).decode("latin1")
            cursor.execute(f"UPDATE {table} SET {value_column} = %s WHERE {cache_key} = %s", [pickled, key])
        return new_value

    @staticmethod
    def _expired(connection, expires) -> bool:
        # Read the way Django's DatabaseCache.get_many reads it (aware or naive per backend).
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        return expires < tz_now()


def cache_tables_create(*, using: str = "default", **kwargs) -> None:
    """post_migrate: create the database cache's table if the cache is one (idempotent)."""
    if any(_is_database_cache(cache["BACKEND"]) for cache in settings.CACHES.values()):
        call_command("createcachetable", database=using, verbosity=0)


def _is_database_cache(backend: str) -> bool:
    return backend in ("console.core.cache.DatabaseCache", "django.core.cache.backends.db.DatabaseCache")
