"""Billing through real Celery workers on Redis: one of two workers is killed with SIGKILL in the
middle of a shard, and nothing is lost, nothing billed twice, no account left marked.

Marked `celery`: skipped when Redis is not reachable; .ci/run starts Redis, so CI runs them.
"""

import os
import signal
import time
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from console.accounts.models import Account
from console.billing.models import DailyBill
from console.ledger.models import LedgerEntry, LedgerKind
from console.notifications.models import Notification, NotificationDelivery, OutboxMessage, ReminderKind
from console.packages.models import Deduction
from tests.factories import FundedAccountFactory, MemberFactory, PackageFactory, UsageRecordFactory

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

DAY = date(2026, 3, 9)
BOUGHT = datetime(2026, 3, 1, 1, 0, tzinfo=UTC)
ACCOUNTS = 12
SHARD = 3


def wait_until(condition, *, timeout: float, what: str, cluster=None) -> None:
    """Until `condition()` holds; fails after `timeout` seconds (a deadline, not a proof)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            logs = "" if cluster is None else "\n".join(
                f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}" for path in cluster.tmp.glob("*.log")
            )
            pytest.fail(f"Timed out waiting for {what}\n{logs}")
        time.sleep(0.1)


@pytest.fixture
def accounts():
    """Twelve accounts with a 100 GB traffic package each and two usage items on DAY; every
    third uses more than its package, so it also pays pay-as-you-go through the ledger, and its
    package goes from full to nothing left: a low-remaining reminder."""
    made = []
    for n in range(ACCOUNTS):
        account = FundedAccountFactory()
        MemberFactory(account=account)  # the owner, who receives the reminders
        PackageFactory(owner=account, spec_name="100 GB", purchased_at=BOUGHT, expires_at=BOUGHT.replace(year=2027))
        UsageRecordFactory(account=account, day=DAY, item="lvb:mainland", quantity=Decimal("60.000" if n % 3 else "90.000"))
        UsageRecordFactory(account=account, day=DAY, item="lvb:ap1", quantity=Decimal("7.500"))
        made.append(account)
    return made


def test_a_worker_killed_mid_shard_loses_nothing_bills_nothing_twice_and_leaves_no_mark(cluster, accounts, tmp_path):
    # given: a worker that stops for good in its first shard's second batch, after marking it
    stopped = tmp_path / "victim-stopped"
    victim = cluster.worker("victim", app="tests.celery.victim", extra_env={
        "VICTIM_STOP_AT_BATCH": "2", "VICTIM_STOPPED_FILE": str(stopped),
    })
    billing = cluster.manage(
        "run_billing", "--date", DAY.isoformat(), "--shard-size", str(SHARD), "--batch-size", "1", "--poll", "0.2",
        name="run_billing",
    )
    wait_until(stopped.exists, timeout=90, what="the victim to stop mid-shard", cluster=cluster)
    first, second = accounts[0], accounts[1]
    assert DailyBill.objects.filter(account=first, day=DAY).exists()
    assert Account.objects.get(pk=second.pk).billing_in_progress
    assert not DailyBill.objects.filter(account=second, day=DAY).exists()

    # when: it is killed, and a second worker takes over
    cluster.kill(victim)
    cluster.worker("healthy")
    wait_until(lambda: billing.poll() is not None, timeout=120, what="run_billing to finish", cluster=cluster)
    assert billing.returncode == 0, cluster.log("run_billing")

    # then: every account billed exactly once, no mark left, the ledger reconciles
    output = cluster.log("run_billing")
    assert f"Billed {DAY}: {ACCOUNTS} accounts" in output
    assert "100% 12/12 accounts" in output
    assert DailyBill.objects.filter(day=DAY).count() == ACCOUNTS
    assert sorted(DailyBill.objects.filter(day=DAY).values_list("account_id", flat=True)) == [a.pk for a in accounts]
    assert not Account.objects.filter(billing_started_at__isnull=False).exists()
    for account in accounts:
        assert Deduction.objects.filter(package__owner=account, usage_date=DAY).count() == 2
        assert LedgerEntry.objects.filter(account=account, kind=LedgerKind.PAY_AS_YOU_GO).count() <= 1
    assert LedgerEntry.objects.filter(kind=LedgerKind.PAY_AS_YOU_GO).count() == ACCOUNTS // 3
    call_command("check_ledger")  # exits 1 on any drift

    # and the low-remaining reminders, the killed shard's first account's included (billed before
    # the kill), reach the message center and the mail exactly once
    crossing = [a.pk for n, a in enumerate(accounts) if n % 3 == 0]
    wait_until(
        lambda: OutboxMessage.objects.filter(key__startswith="reminder:", sent_at__isnull=False).count() >= len(crossing),
        timeout=60, what="the reminders' mail", cluster=cluster,
    )
    reminders = Notification.objects.filter(kind=ReminderKind.LOW_REMAINING, day=DAY)
    assert sorted(reminders.values_list("account_id", flat=True)) == crossing
    assert NotificationDelivery.objects.filter(notification__in=reminders).count() == len(crossing)
    assert OutboxMessage.objects.filter(key__startswith="reminder:").count() == len(crossing)


def test_a_pool_process_killed_mid_shard_gives_its_shard_back_to_the_queue(cluster, accounts, tmp_path):
    # given: a worker whose pool process stops in the middle of the first shard
    stopped = tmp_path / "victim-stopped"
    cluster.worker("victim", app="tests.celery.victim", extra_env={
        "VICTIM_STOP_AT_BATCH": "2", "VICTIM_STOPPED_FILE": str(stopped),
    })
    billing = cluster.manage(
        "run_billing", "--date", DAY.isoformat(), "--shard-size", str(SHARD), "--batch-size", "1", "--poll", "0.2",
        name="run_billing",
    )
    wait_until(lambda: stopped.exists() and stopped.read_text(), timeout=90, what="the pool process to stop", cluster=cluster)

    # when: only that process is killed (out of memory, say); the worker itself lives on
    os.kill(int(stopped.read_text()), signal.SIGKILL)

    # then: the worker gives the shard back (reject_on_worker_lost) and bills it with a new process
    wait_until(lambda: billing.poll() is not None, timeout=120, what="run_billing to finish", cluster=cluster)
    assert billing.returncode == 0, cluster.log("run_billing")
    assert "WorkerLostError" in cluster.log("victim")
    assert DailyBill.objects.filter(day=DAY).count() == ACCOUNTS
    assert not Account.objects.filter(billing_started_at__isnull=False).exists()
    call_command("check_ledger")


def test_run_billing_no_wait_queues_the_shards_and_a_worker_bills_them(cluster, accounts):
    queued = cluster.manage("run_billing", "--date", DAY.isoformat(), "--shard-size", "5", "--no-wait", name="queue")
    wait_until(lambda: queued.poll() is not None, timeout=60, what="run_billing to queue", cluster=cluster)
    assert queued.returncode == 0, cluster.log("queue")
    assert f"Queued billing of {DAY}: {ACCOUNTS} accounts in 3 shards" in cluster.log("queue")

    cluster.worker("worker")

    wait_until(lambda: DailyBill.objects.filter(day=DAY).count() == ACCOUNTS, timeout=90, what="the bills", cluster=cluster)
    wait_until(
        lambda: not Account.objects.filter(billing_started_at__isnull=False).exists(),
        timeout=30, what="the marks to clear", cluster=cluster,
    )
    call_command("check_ledger")
