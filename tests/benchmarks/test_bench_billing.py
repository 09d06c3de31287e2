"""One day of billing for 100,000 accounts and 1,000,000 packages (PostgreSQL).

Run (the full size; BENCH_ACCOUNTS=10000 for a tenth of it, BENCH_BATCH=N for N accounts per batch):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/css_console uv run pytest -m benchmark -s \
        tests/benchmarks/test_bench_billing.py

It prints the run's time, deductions per second and peak memory beside the aims (under 40 s and
under 1 GiB at full size), and a ratio to a reference measured in the same run: the same rows
written by PostgreSQL alone, set-based (`_reference_seconds`). The machine is shared and noisy;
the reference slows down with it, so the ratio says how much the run costs beyond the writes it
must make, whatever the load. The figures are recorded in docs/benchmarks-billing.md.
"""

import os
import resource
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections, transaction

from console.billing import run
from console.billing.models import DailyBill
from console.billing.run import DEFAULT_BATCH_SIZE, billing_run, day_bounds
from console.core import clock
from console.ledger.checks import ledger_drift
from console.ledger.models import LedgerEntry, LedgerKind
from console.packages.models import Deduction

FULL_SIZE = 100_000
ACCOUNTS = int(os.environ.get("BENCH_ACCOUNTS", FULL_SIZE))
PACKAGES_PER_ACCOUNT = 10
# The aims at full size: the run under 40 s, the process under 1 GiB at its peak.
AIM_SECONDS = 40
AIM_PEAK_MIB = 1024
BATCH = int(os.environ.get("BENCH_BATCH", DEFAULT_BATCH_SIZE))
WORKERS = int(os.environ.get("BENCH_WORKERS", 2))
# A fixed instant (07:30 on 10 March in Beijing), not the time of import, so a run that crosses
# midnight in Beijing bills the day the data set was built for.
NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
DAY = NOW.astimezone(clock.billing_zone()).date() - timedelta(days=1)

pytestmark = [
    pytest.mark.benchmark,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def _build_data_set():
    """Accounts, packages, top-ups and usage written by PostgreSQL itself (INSERT ... SELECT)."""
    day_start = day_bounds(DAY)[0]
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO console_account (uin, name, status, billing_mode, cash_balance, commission_balance, free_balance, owed_balance)
            SELECT 900000000000 + i, 'Bench ' || i, 'active',
                   CASE WHEN i %% 20 = 0 THEN 'daily_bandwidth' ELSE 'daily_traffic' END, 50.00, 0, 0, 0
            FROM generate_series(1, %s) AS i
            """,
            [ACCOUNTS],
        )
        cur.execute(
            """
            INSERT INTO console_ledgerentry (account_id, bucket, amount, balance_after, kind, reference, memo_kind, memo_params, memo, created_at)
            SELECT id, 'cash', 50.00, 50.00, 'top_up', '', '', '{}', 'benchmark top-up', %s FROM console_account
            WHERE uin > 900000000000
            """,
            [day_start - timedelta(days=400)],
        )
        # Per account: five traffic, three standard and two TSC transcoding package, bought over
        # the last 300 days; every 7th used up, every 13th refunded.
        cur.execute(
            """
            WITH specs AS (
                SELECT kind, (array_agg(id ORDER BY size))[1] AS id, (array_agg(size ORDER BY size))[1] AS size,
                       (array_agg(list_price ORDER BY size))[1] AS price
                FROM console_packagespec WHERE kind IN ('traffic', 'transcode_standard', 'transcode_tsc') GROUP BY kind
            ), slots AS (
                SELECT a.id AS account_id, n,
                       CASE WHEN n <= 5 THEN 'traffic' WHEN n <= 8 THEN 'transcode_standard' ELSE 'transcode_tsc' END AS kind,
                       %s::timestamptz - ((a.id * 7 + n * 31) %% 300 + 1) * interval '1 day' AS bought
                FROM console_account a CROSS JOIN generate_series(1, %s) AS n
                WHERE a.uin > 900000000000
            )
            INSERT INTO console_package (code, owner_id, payer_id, spec_id, kind, source, total, used, purchased_at,
                expires_at, auto_renew, list_price, discount, voucher, paid_cash, paid_commission, paid_free,
                refunded_at, refunded_cash, refunded_commission, refunded_free)
            SELECT 'bench-' || s.account_id || '-' || s.n, s.account_id, s.account_id, specs.id, s.kind, 'purchased',
                   specs.size, CASE WHEN (s.account_id + s.n) %% 7 = 0 THEN specs.size ELSE 0 END, s.bought,
                   s.bought + interval '365 days', false, specs.price, 0, 0, specs.price, 0, 0,
                   CASE WHEN (s.account_id + s.n) %% 13 = 0 THEN s.bought + interval '1 day' END,
                   CASE WHEN (s.account_id + s.n) %% 13 = 0 THEN specs.price ELSE 0 END, 0, 0
            FROM slots s JOIN specs ON specs.kind = s.kind
            """,
            [day_start, PACKAGES_PER_ACCOUNT],
        )
        # The used-up packages were used up by earlier days' deductions.
        cur.execute(
            """
            INSERT INTO console_deduction (package_id, usage_date, deducted_at, usage_kind, usage, ratio, amount)
            SELECT id, %s, %s, 'LVB Chinese mainland', used, 1, used FROM console_package
            WHERE used > 0 AND code LIKE 'bench-%%'
            """,
            [DAY - timedelta(days=30), day_start - timedelta(days=29)],
        )
        # Usage: mainland LVB, overseas LEB and two transcoding tiers; sized so that about one
        # account in ten runs past its packages and pays as it goes.
        cur.execute(
            """
            INSERT INTO console_usagerecord (account_id, day, package_kind, item, quantity)
            SELECT a.id, %s, u.kind, u.item,
                   CASE WHEN a.id %% 10 = 0 THEN u.big ELSE u.small END
            FROM console_account a CROSS JOIN (VALUES
                ('traffic', 'lvb:mainland', 40.0, 900.0),
                ('traffic', 'leb:ap1', 5.0, 100.0),
                ('transcode_standard', 'h264:720p', 120.0, 1200.0),
                ('transcode_tsc', 'h264:1080p', 60.0, 600.0)
            ) AS u(kind, item, small, big)
            WHERE a.uin > 900000000000
            """,
            [DAY],
        )
        cur.execute("ANALYZE")


def _server_cpu_seconds() -> float:
    """CPU time of the PostgreSQL backend serving this connection (same host: read from /proc)."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _reference_seconds() -> tuple[float, float]:
    """The rows the run wrote, written again by PostgreSQL alone, set-based, then rolled back;
    returns the seconds it took and, of those, the foreign-key checks'.

    The day's deductions inserted again, their packages updated, the bills and the pay-as-you-go
    entries inserted again (as the next day's) and their accounts' balances updated: the writes
    any billing of this day must make, with the same tables and indexes, and none of the reading,
    locking and deciding. Measured after the run, so the run met the tables as they were built.
    The foreign keys are checked at commit (Django declares them deferred), and a transaction
    rolled back never gets there, so they are checked explicitly: the run's commits check them too.
    """
    next_day = DAY + timedelta(days=1)
    with transaction.atomic(), connection.cursor() as cur:
        started = time.monotonic()
        cur.execute(
            """
            INSERT INTO console_deduction (package_id, usage_date, deducted_at, usage_kind, usage, ratio, amount)
            SELECT package_id, usage_date, deducted_at, usage_kind, usage, ratio, amount FROM console_deduction
            WHERE usage_date = %s
            """,
            [DAY],
        )
        cur.execute(
            """
            UPDATE console_package p SET used = p.used
            FROM (SELECT DISTINCT package_id FROM console_deduction WHERE usage_date = %s) d WHERE p.id = d.package_id
            """,
            [DAY],
        )
        cur.execute(
            """
            INSERT INTO console_dailybill (account_id, day, billed_at, deducted_items, pay_as_you_go, paid_cash, owed, lines)
            SELECT account_id, %s, billed_at, deducted_items, pay_as_you_go, paid_cash, owed, lines FROM console_dailybill
            WHERE day = %s
            """,
            [next_day, DAY],
        )
        cur.execute(
            """
            INSERT INTO console_ledgerentry (account_id, bucket, amount, balance_after, kind, package_id, reference, memo_kind, memo_params, memo, created_at)
            SELECT account_id, bucket, amount, balance_after, kind, package_id, %s, memo_kind, memo_params, memo, created_at FROM console_ledgerentry
            WHERE kind = 'pay_as_you_go' AND reference = %s
            """,
            [f"bill:{next_day}", f"bill:{DAY}"],
        )
        cur.execute(
            """
            UPDATE console_account a SET cash_balance = a.cash_balance
            FROM (SELECT DISTINCT account_id FROM console_ledgerentry WHERE reference = %s) e WHERE a.id = e.account_id
            """,
            [f"bill:{DAY}"],
        )
        checks_started = time.monotonic()
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        seconds, checks = time.monotonic() - started, time.monotonic() - checks_started
        transaction.set_rollback(True)
    return seconds, checks


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


class _CountingConnections:
    """Stands in for `django.db.connections` in the billing run: before a worker thread closes its
    connection, the CPU time of the PostgreSQL backend that served it is noted."""

    def __init__(self):
        self.backend_cpu: list[float] = []

    def close_all(self) -> None:
        if connection.connection is not None:
            self.backend_cpu.append(_server_cpu_seconds())
        connections.close_all()


def test_billing_one_day_for_100k_accounts_and_1m_packages(monkeypatch):
    # The other processes' load, before building the data set loads the host itself.
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    _build_data_set()
    built = time.monotonic() - started
    before, server_before = resource.getrusage(resource.RUSAGE_SELF), _server_cpu_seconds()
    counting = _CountingConnections()
    monkeypatch.setattr(run, "connections", counting)

    summary = billing_run(day=DAY, batch_size=BATCH, workers=WORKERS)

    after = resource.getrusage(resource.RUSAGE_SELF)
    server_cpu = _server_cpu_seconds() - server_before + sum(counting.backend_cpu)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    check_started = time.monotonic()
    drift = ledger_drift()
    check_seconds = time.monotonic() - check_started
    reference, reference_checks = _reference_seconds()
    peak_mib = after.ru_maxrss / 1024
    full = ACCOUNTS == FULL_SIZE
    aim = "aim" if full else f"aim at {FULL_SIZE:,} accounts, not this size"
    print(
        f"\nbuilt the data set ({ACCOUNTS:,} accounts, {ACCOUNTS * PACKAGES_PER_ACCOUNT:,} packages) in {built:.1f} s; "
        f"batches of {BATCH}, {WORKERS} at a time\n{summary}\n"
        f"billing: {summary.seconds:.1f} s ({aim} < {AIM_SECONDS} s: {_verdict(summary.seconds < AIM_SECONDS)}), "
        f"{summary.deductions:,} deductions, {summary.deductions / summary.seconds:,.0f} deductions/s\n"
        f"peak RSS {peak_mib:.0f} MiB ({aim} < {AIM_PEAK_MIB} MiB: {_verdict(peak_mib < AIM_PEAK_MIB)}; "
        f"{before.ru_maxrss / 1024:.0f} MiB before the run)\n"
        f"reference, the same writes by PostgreSQL alone (INSERT ... SELECT, UPDATE ... FROM, foreign keys checked): "
        f"{reference:.1f} s, of which the foreign-key checks {reference_checks:.1f} s; "
        f"billing / reference = {summary.seconds / reference:.1f}\n"
        f"CPU: Python process {cpu:.1f} s, PostgreSQL backends {server_cpu:.1f} s; "
        f"{LedgerEntry.objects.filter(kind=LedgerKind.PAY_AS_YOU_GO).count():,} pay-as-you-go ledger entries; "
        f"check_ledger {check_seconds:.1f} s, drift {len(drift)}; "
        f"1-minute load average {load_before:.1f} before the data set was built, {os.getloadavg()[0]:.1f} after the run"
    )
    # Every account is billed: one in 20 by its day's peak bandwidth, its traffic packages frozen.
    assert summary.accounts_billed == DailyBill.objects.count() == ACCOUNTS
    assert summary.frozen_accounts == ACCOUNTS // 20
    assert summary.deductions == Deduction.objects.filter(usage_date=DAY).count()
    assert not drift
