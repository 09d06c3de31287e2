"""What a bill cannot collect is owed, in the ledger, to the cent; the API and pages show it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from console.accounts.models import AccountStatus
from console.api.billing import describe_account_balance
from console.billing.run import billing_run
from console.core import clock
from console.ledger.checks import ledger_drift
from console.ledger.models import Bucket, LedgerEntry, LedgerKind
from tests.factories import FundedAccountFactory, MemberFactory, UsageRecordFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
DAY = NOW.astimezone(clock.billing_zone()).date() - timedelta(days=1)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def billed_into_arrears(cash="1.10", gb="100"):
    """An account with `cash` and no package, billed for `gb` GB of mainland traffic."""
    account = FundedAccountFactory(funds={"cash": cash})
    UsageRecordFactory(account=account, day=DAY, item="lvb:mainland", quantity=Decimal(gb))
    billing_run(day=DAY)
    account.refresh_from_db()
    return account


def test_what_the_bill_could_not_collect_is_posted_to_the_owed_bucket_to_the_cent():
    account = billed_into_arrears()
    bill = account.daily_bills.get()

    owed_entry = LedgerEntry.objects.get(account=account, bucket=Bucket.OWED)

    assert bill.owed > 0
    assert owed_entry.amount == bill.owed
    assert owed_entry.kind == LedgerKind.ARREARS
    assert account.owed_balance == bill.owed
    assert account.cash_balance == Decimal("0.00")


def test_check_ledger_finds_no_drift_after_billing_into_arrears():
    billed_into_arrears()

    assert ledger_drift() == []


def test_check_ledger_reports_an_owed_balance_that_differs_from_its_entries():
    account = billed_into_arrears()
    type(account).objects.filter(pk=account.pk).update(owed_balance=account.owed_balance + Decimal("0.01"))

    assert [d.subject for d in ledger_drift()] == [f"Account {account.uin} amount owed balance"]


def test_describe_account_balance_reports_the_owed_amount_and_a_balance_below_zero_in_cents():
    account = billed_into_arrears(cash="1.10")
    member = MemberFactory(account=account)
    owed_cents = int(account.owed_balance * 100)

    answer = describe_account_balance(type("Caller", (), {"account": account, "member": member})(), {})

    assert answer["OweAmount"] == owed_cents
    assert answer["CashAccountBalance"] == 0
    assert answer["Balance"] == answer["RealBalance"] == -owed_cents
    assert answer["CreditBalance"] == -owed_cents


def test_the_bill_that_leaves_an_amount_owed_puts_the_account_in_arrears_with_a_24_hour_deadline():
    account = billed_into_arrears()

    assert account.status == AccountStatus.IN_ARREARS
    assert account.arrears_deadline == NOW + timedelta(hours=24)


def test_balance_and_bills_shows_the_amount_owed(client):
    account = billed_into_arrears()
    member = MemberFactory(account=account)
    client.force_login(member.user)

    html = client.get(reverse("billing")).content.decode()

    assert f'data-testid="balance-owed">USD {account.owed_balance}<' in html
