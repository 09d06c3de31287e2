"""One day of billing through real Celery workers: 1 worker, then 2, on the same data, same run.

Run (PostgreSQL, Redis; the full size is 100,000 accounts and 1,000,000 packages, BENCH_ACCOUNTS=N
for fewer, BENCH_SHARD=N accounts per shard):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/css_console uv run pytest -m benchmark -s \
        tests/benchmarks/test_bench_workers.py

The data set is the billing benchmark's (tests/benchmarks/test_bench_billing.py). Each round
starts `celery -A console worker --concurrency 1` processes (one pool process each), waits until
they are ready, then times `manage.py run_billing` from start to its last shard; between rounds
the day's billing is undone in SQL, so both rounds bill the same day from the same state. It
prints per round the time, deductions per second, every worker's peak memory (VmHWM of its main
and its pool process) and `check_ledger`'s verdict, which must be clean after each.
"""

import os
import re
import time
from pathlib import Path

import pytest
from django.db import connection

from console.billing.models import DailyBill
from console.ledger.checks import ledger_drift
from console.packages.models import Deduction
from tests.benchmarks.test_bench_billing import ACCOUNTS, DAY, PACKAGES_PER_ACCOUNT, _build_data_set
from tests.celery.cluster import Cluster, cluster  # noqa: F401  (the fixture)

SHARD = int(os.environ.get("BENCH_SHARD", 1000))
ROUNDS = (1, 2)

pytestmark = [
    pytest.mark.benchmark,
    pytest.mark.postgres,
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True),
]


def _peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _wait(condition, *, timeout: float, what: str, running: Cluster) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in running.tmp.glob("*.log"))
            pytest.fail(f"Timed out waiting for {what}\n{logs}")
        time.sleep(0.2)


def _undo_the_day() -> None:
    """Put the data back as it was before the day was billed (no renewals in this data set)."""
    with connection.cursor() as cur:
        cur.execute(
            """
            UPDATE console_package p SET used = p.used - d.amount
            FROM (SELECT package_id, SUM(amount) AS amount FROM console_deduction WHERE usage_date = %s
                  GROUP BY package_id) d
            WHERE p.id = d.package_id
            """,
            [DAY],
        )
        cur.execute("DELETE FROM console_deduction WHERE usage_date = %s", [DAY])
        cur.execute(
            """
            UPDATE console_account a SET cash_balance = a.cash_balance + b.paid_cash
            FROM console_dailybill b WHERE b.account_id = a.id AND b.day = %s AND b.paid_cash > 0
            """,
            [DAY],
        )
        cur.execute("DELETE FROM console_ledgerentry WHERE kind = 'pay_as_you_go' AND reference = %s", [f"bill:{DAY}"])
        cur.execute("DELETE FROM console_dailybill WHERE day = %s", [DAY])
        cur.execute("UPDATE console_account SET billing_started_at = NULL WHERE billing_started_at IS NOT NULL")
        cur.execute("DELETE FROM notifications_notificationdelivery")
        cur.execute("DELETE FROM notifications_outboxmessage")
        cur.execute("DELETE FROM notifications_notification")
        cur.execute("ANALYZE")


def _round(running: Cluster, workers: int) -> dict:
    started_workers = [running.worker(f"w{n + 1}-of-{workers}") for n in range(workers)]
    for n in range(workers):
        _wait(lambda n=n: "ready." in running.log(f"w{n + 1}-of-{workers}"), timeout=120, what="a worker", running=running)
    started = time.monotonic()
    billing = running.manage("run_billing", "--date", DAY.isoformat(), "--shard-size", str(SHARD), "--poll", "0.5",
                             name=f"run_billing-{workers}")
    _wait(lambda: billing.poll() is not None, timeout=3600, what="run_billing", running=running)
    seconds = time.monotonic() - started
    assert billing.returncode == 0, running.log(f"run_billing-{workers}")
    peaks = []
    for worker in started_workers:
        children = running.workers_of(worker)
        peaks.append((_peak_mib(worker.pid), max((_peak_mib(pid) for pid in children), default=0.0)))
    for worker in started_workers:
        Cluster.kill(worker)
    check_started = time.monotonic()
    drift = ledger_drift()
    deductions = Deduction.objects.filter(usage_date=DAY).count()
    summary = running.log(f"run_billing-{workers}").strip().splitlines()[-1]
    return {
        # From queueing the first shard to the last one's report, as run_billing measures it
        # (`seconds` adds the command's start-up: Django and Celery imported on a loaded machine).
        "billing_seconds": float(re.search(r" in ([0-9.]+) s\.$", summary).group(1)),
        "workers": workers, "seconds": seconds, "deductions": deductions, "peaks": peaks, "drift": drift,
        "bills": DailyBill.objects.filter(day=DAY).count(), "check_seconds": time.monotonic() - check_started,
        "summary": summary,
    }


def test_billing_one_day_with_1_and_with_2_workers(cluster):  # noqa: F811 (the fixture)
    started = time.monotonic()
    _build_data_set()
    built = time.monotonic() - started
    print(f"\nbuilt {ACCOUNTS:,} accounts, {ACCOUNTS * PACKAGES_PER_ACCOUNT:,} packages in {built:.1f} s; "
          f"shards of {SHARD} accounts, batches of the default size; one pool process per worker")
    results = []
    for workers in ROUNDS:
        if results:
            _undo_the_day()
        result = _round(cluster, workers)
        results.append(result)
        peaks = ", ".join(
            f"worker {n + 1}: main {main:.0f} MiB, pool {pool:.0f} MiB" for n, (main, pool) in enumerate(result["peaks"])
        )
        ledger = "clean" if not result["drift"] else f"{len(result['drift'])} DRIFTED"
        print(
            f"{workers} worker(s): billing {result['billing_seconds']:.1f} s ({result['seconds']:.1f} s with the "
            f"command's start-up), {result['deductions']:,} deductions, "
            f"{result['deductions'] / result['billing_seconds']:,.0f} deductions/s; peak memory {peaks}; "
            f"check_ledger {ledger} "
            f"({result['check_seconds']:.1f} s); load average {os.getloadavg()[0]:.1f}\n  {result['summary']}"
        )
    one, two = results
    print(f"2 workers against 1: {one['billing_seconds'] / two['billing_seconds']:.2f}x as fast")
    for result in results:
        assert not result["drift"]
        assert result["bills"] == ACCOUNTS - ACCOUNTS // 20
    assert one["deductions"] == two["deductions"]
