"""One day of billing for 100,000 accounts and 1,000,000 packages (PostgreSQL).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/css_console_c uv run pytest -m benchmark -s \
    tests/benchmarks/test_bench_billing.py
The figures are printed and recorded in docs/benchmarks-billing.md.
"""

import os
import resource
import time
from datetime import timedelta

import pytest
from django.db import connection

from console import clock
from console.billing.checks import ledger_drift
from console.billing.run import DEFAULT_BATCH_SIZE, billing_run, day_bounds
from console.models import DailyBill, Deduction, LedgerEntry, LedgerKind

ACCOUNTS = int(os.environ.get("BENCH_ACCOUNTS", 100_000))
PACKAGES_PER_ACCOUNT = 10
BATCH = int(os.environ.get("BENCH_BATCH", DEFAULT_BATCH_SIZE))
DAY = clock.today() - timedelta(days=1)

pytestmark = [
    pytest.mark.benchmark,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def _build_data_set():
    """Accounts, packages, top-ups and usage written by PostgreSQL itself (INSERT ... SELECT)."""
    day_start = day_bounds(DAY)[0]
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO console_account (uin, name, status, billing_mode, cash_balance, commission_balance, free_balance)
            SELECT 900000000000 + i, 'Bench ' || i, 'active',
                   CASE WHEN i %% 20 = 0 THEN 'daily_bandwidth' ELSE 'daily_traffic' END, 50.00, 0, 0
            FROM generate_series(1, %s) AS i
            """,
            [ACCOUNTS],
        )
        cur.execute(
            """
            INSERT INTO console_ledgerentry (account_id, bucket, amount, balance_after, kind, reference, memo, created_at)
            SELECT id, 'cash', 50.00, 50.00, 'top_up', '', 'benchmark top-up', %s FROM console_account
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


def test_billing_one_day_for_100k_accounts_and_1m_packages():
    started = time.monotonic()
    _build_data_set()
    built = time.monotonic() - started
    before, server_before = resource.getrusage(resource.RUSAGE_SELF), _server_cpu_seconds()

    summary = billing_run(day=DAY, batch_size=BATCH)

    after, server_cpu = resource.getrusage(resource.RUSAGE_SELF), _server_cpu_seconds() - server_before
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    check_started = time.monotonic()
    drift = ledger_drift()
    check_seconds = time.monotonic() - check_started
    print(
        f"\nbuilt data set in {built:.1f} s; {summary}\n"
        f"peak RSS {after.ru_maxrss / 1024:.0f} MiB (before the run {before.ru_maxrss / 1024:.0f} MiB); "
        f"CPU: Python process {cpu:.1f} s, PostgreSQL backend {server_cpu:.1f} s; "
        f"{summary.deductions / summary.seconds:,.0f} deductions/s; "
        f"{LedgerEntry.objects.filter(kind=LedgerKind.PAY_AS_YOU_GO).count()} pay-as-you-go ledger entries; "
        f"check_ledger {check_seconds:.1f} s, drift {len(drift)}; load average {os.getloadavg()[0]:.1f}"
    )
    assert summary.accounts_billed == DailyBill.objects.count() == ACCOUNTS - ACCOUNTS // 20
    assert summary.deductions == Deduction.objects.filter(usage_date=DAY).count()
    assert not drift
