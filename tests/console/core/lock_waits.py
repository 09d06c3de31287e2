"""Proof that a statement is waiting on another transaction's lock, read from PostgreSQL."""

import time

from django.db import connection


def wait_until_blocked(query_like: str, *, within: float = 30) -> None:
    """Poll pg_stat_activity until a session of this database waits on a lock while running a
    statement LIKE `query_like`; AssertionError if none does within `within` seconds."""
    deadline = time.monotonic() + within
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE %s",
                [query_like],
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.005)
    raise AssertionError(f"no statement LIKE {query_like!r} came to wait on a lock")
