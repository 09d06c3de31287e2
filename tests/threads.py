"""Calls started at the same moment, each on its own thread and database connection (for race
tests on PostgreSQL, where each thread commits for real)."""

import threading

from django.db import connection


def run_together(*calls):
    """Start every call at the same moment on its own thread and connection; return the outcomes."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # a refusal is an outcome under test
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
