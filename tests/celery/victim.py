"""The Celery app of the worker a test kills: the console's own app, whose billing stops for good
in the middle of a shard, inside the transaction of its N-th batch (VICTIM_STOP_AT_BATCH), when
the batch's accounts are marked "billing in progress" and locked and its packages are about to
be locked. It writes the pool process's pid to VICTIM_STOPPED_FILE when it gets there, so the
test knows when, and what, to SIGKILL; it stops once per worker.

The stop sits in the package locks of the one lock module (console.packages.locks), whichever of
them the billing run uses, so it survives the run being reorganised.

Run as `celery -A tests.celery.victim worker --pool prefork --concurrency 1`: the stop is installed
in the pool's child process, so the main process stays free to acknowledge, and a task
acknowledged early would be lost with the worker. Used by tests/celery/test_worker.py only.
"""

import functools
import os
import threading
from pathlib import Path

from celery.signals import worker_process_init

from console.celery import app  # noqa: F401  (`-A tests.celery.victim` finds it here)


@worker_process_init.connect
def _stop_mid_shard(**kwargs):
    from console.billing import run
    from console.packages import locks

    stop_at = int(os.environ["VICTIM_STOP_AT_BATCH"])
    stopped = Path(os.environ["VICTIM_STOPPED_FILE"])
    calls = 0

    def stopping(lock):
        @functools.wraps(lock)
        def wrapper(*args, **kwargs):
            nonlocal calls
            calls += 1
            if calls == stop_at and not stopped.exists():
                stopped.write_text(str(os.getpid()))
                threading.Event().wait()  # until SIGKILL
            return lock(*args, **kwargs)

        return wrapper

    for name in dir(locks):
        lock = getattr(locks, name)
        if "package" in name and callable(lock) and getattr(lock, "__module__", "") == locks.__name__:
            if getattr(run, name, None) is lock:
                setattr(run, name, stopping(lock))
