from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from console.accounts.models import Account
from console.core.audit import AuditAction, audit_record
from console.core.models import AuditEntry
from console.ledger.models import Bucket, LedgerEntry, LedgerKind
from console.ledger.services import InsufficientBalance, ledger_post
from tests.factories import AccountFactory, PackageFactory, UserFactory

pytestmark = pytest.mark.django_db


def post(account, amount, bucket=Bucket.CASH):
    with transaction.atomic():
        return ledger_post(account=account, bucket=bucket, amount=Decimal(amount), kind=LedgerKind.TOP_UP)


def test_a_credit_raises_the_balance_and_records_the_balance_after():
    account = AccountFactory()
    entry = post(account, "120.50", Bucket.COMMISSION)
    account.refresh_from_db()
    assert account.commission_balance == Decimal("120.50")
    assert entry.balance_after == Decimal("120.50")


def test_balances_always_equal_the_sum_of_their_entries():
    account = AccountFactory()
    for amount in ("100.00", "-30.25", "12.10", "-81.85"):
        post(account, amount)
    account.refresh_from_db()
    entries = LedgerEntry.objects.filter(account=account, bucket=Bucket.CASH)
    assert account.cash_balance == sum(e.amount for e in entries) == Decimal("0.00")


def test_a_debit_beyond_the_balance_is_refused_and_changes_nothing():
    account = AccountFactory()
    post(account, "10.00")
    with pytest.raises(InsufficientBalance):
        post(account, "-10.01")
    account.refresh_from_db()
    assert account.cash_balance == Decimal("10.00")
    assert LedgerEntry.objects.filter(account=account).count() == 1


def test_the_database_forbids_a_negative_balance_even_past_the_service():
    account = AccountFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(cash_balance=Decimal("-0.01"))


@pytest.mark.django_db(transaction=True)
def test_posting_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        ledger_post(account=AccountFactory(), bucket=Bucket.CASH, amount=Decimal("1"), kind=LedgerKind.TOP_UP)


def test_ledger_entries_cannot_be_changed_or_deleted():
    entry = post(AccountFactory(), "5.00")
    entry.memo = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


def test_audit_entries_cannot_be_changed_or_deleted():
    account = AccountFactory()
    entry = audit_record(actor=UserFactory(), action=AuditAction.DEMO_RESET, obj=account, account=account)
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get().actor_label == entry.actor_label


def test_a_package_whose_payment_does_not_add_up_is_rejected_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        PackageFactory(paid_cash=Decimal("1.00"))  # list price 3.88


def test_the_database_forbids_refunding_more_than_was_paid():
    package = PackageFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        type(package).objects.filter(pk=package.pk).update(
            refunded_at=package.purchased_at, refunded_cash=package.paid_cash + Decimal("0.01")
        )


def test_a_giveaway_records_no_payment():
    with pytest.raises(IntegrityError), transaction.atomic():
        PackageFactory(giveaway=True, list_price=Decimal("3.88"), paid_cash=Decimal("3.88"))
