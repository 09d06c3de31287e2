"""Top-up, the billing run and the lifecycle sweep racing on one account: exactly one outcome
(PostgreSQL). Each trial releases the three together on a Barrier, on connections of their own;
whatever order the row lock gives them, the money moves once per cause, each notice is written at
most once, the ledger adds up and the standing matches what is owed."""

import threading
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection

from console.accounts.models import Account
from console.billing.arrears import standing_next, standing_sweep
from console.billing.models import DailyBill, TopUp, TopUpChannel
from console.billing.run import billing_run
from console.billing.topup import account_top_up
from console.core import clock
from console.ledger.checks import ledger_drift
from console.notifications.models import Notification, ReminderKind
from tests.factories import FundedAccountFactory, MemberFactory, UsageRecordFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
DAY = NOW.astimezone(clock.billing_zone()).date() - timedelta(days=1)
TRIALS = 12
OWED = Decimal("4.00")


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def account_due_for_suspension():
    """In arrears since yesterday, its 24 hours ending now, owing OWED, with a day of usage unbilled."""
    account = FundedAccountFactory(funds={"owed": OWED}, status="in_arrears")
    account.standing_since, account.arrears_deadline = NOW - timedelta(hours=24), NOW
    account.save()
    MemberFactory(account=account)
    UsageRecordFactory(account=account, day=DAY, item="lvb:mainland", quantity=Decimal("50"))
    return account


def trial(account) -> list[str]:
    barrier = threading.Barrier(3)
    errors: list[str] = []

    def side(work):
        def run():
            try:
                barrier.wait()
                work()
            except Exception as error:  # noqa: BLE001 - any ending but success is reported
                errors.append(repr(error))
            finally:
                connection.close()

        return threading.Thread(target=run)

    key = str(uuid.uuid4())
    threads = [
        side(lambda: account_top_up(account_id=account.pk, amount=OWED, idempotency_key=key, channel=TopUpChannel.CONSOLE)),
        side(lambda: billing_run(day=DAY)),
        side(lambda: standing_sweep()),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def doubles(account) -> list[str]:
    """Every way the trial produced an outcome twice or an inconsistent one."""
    account.refresh_from_db()
    found = []
    if TopUp.objects.filter(account=account).count() != 1:
        found.append("top-up count")
    if DailyBill.objects.filter(account=account, day=DAY).count() != 1:
        found.append("bill count")
    events = Counter(
        subject for subject in Notification.objects.filter(account=account, kind=ReminderKind.OVERDUE).values_list("subject", flat=True)
    )
    if any(count > 1 for count in events.values()):
        found.append(f"notice twice: {events}")
    bill = DailyBill.objects.get(account=account, day=DAY)
    if account.owed_balance != OWED + bill.owed - TopUp.objects.get(account=account).to_owed:
        found.append("owed does not add up")
    if standing_next(
        status=account.status, owed=account.owed_balance, since=account.standing_since,
        deadline=account.arrears_deadline, warned=account.repossession_warned, now=NOW,
    ) is not None:
        found.append(f"standing {account.status} does not match owed {account.owed_balance}")
    return found


def test_top_up_billing_and_sweep_racing_on_one_account_have_exactly_one_outcome():
    outcomes, failures = Counter(), []
    for _ in range(TRIALS):
        account = account_due_for_suspension()
        errors = trial(account)
        problems = errors + doubles(account)
        failures.extend(problems)
        outcomes[Account.objects.get(pk=account.pk).status] += 1

    print(f"\n{TRIALS} trials of top-up vs billing vs sweep: final standings {dict(outcomes)}, {len(failures)} double or inconsistent outcomes")
    assert failures == []
    assert ledger_drift() == []


def test_ten_confirmations_of_one_top_up_at_the_same_instant_pay_once():
    account = FundedAccountFactory(funds={"owed": OWED}, status="in_arrears")
    key, barrier, outcomes = str(uuid.uuid4()), threading.Barrier(10), []

    def confirm():
        try:
            barrier.wait()
            result = account_top_up(account_id=account.pk, amount=Decimal("14.00"), idempotency_key=key, channel=TopUpChannel.CONSOLE)
            outcomes.append("replayed" if result.replayed else "paid")
        except Exception as error:  # noqa: BLE001
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    account.refresh_from_db()
    print(f"\n10 simultaneous confirmations of one top-up: {dict(Counter(outcomes))}")
    assert Counter(outcomes) == {"paid": 1, "replayed": 9}
    assert (account.owed_balance, account.cash_balance) == (Decimal("0.00"), Decimal("10.00"))
