"""A refund to an account in arrears pays what it owes first; settling it lifts the suspension."""

import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from console.accounts.models import AccountStatus
from console.ledger.checks import ledger_drift
from console.ledger.models import Bucket, LedgerEntry
from console.notifications.models import Notification, ReminderKind
from refunds.services import RefundRequest, package_refund
from tests.factories import FundedAccountFactory, MemberFactory, PackageFactory

pytestmark = pytest.mark.django_db


def owing_with_a_package(owed: str, status=AccountStatus.SUSPENDED_OVERDUE):
    account = FundedAccountFactory(funds={"owed": owed}, status=status)
    member = MemberFactory(account=account)
    package = PackageFactory(owner=account, spec_name="1 TB", paid_commission=Decimal("5.00"))
    assert package.paid_cash > Decimal("10.00")
    return member, package


def refund(member, package):
    return package_refund(RefundRequest(
        package_id=package.pk, owner=member.account, actor=member.user, idempotency_key=str(uuid.uuid4()), member=member,
    ))


def test_the_refunds_cash_pays_the_amount_owed_first_and_credits_keep_their_buckets():
    member, package = owing_with_a_package("8.00")

    refund(member, package)

    account = member.account
    account.refresh_from_db()
    assert (account.owed_balance, account.cash_balance, account.commission_balance) == (
        Decimal("0.00"), package.paid_cash - Decimal("8.00"), Decimal("5.00"),
    )
    assert ledger_drift() == []


def test_a_refund_that_settles_the_amount_owed_lifts_the_suspension_for_overdue_payment():
    member, package = owing_with_a_package("8.00")

    refund(member, package)

    member.account.refresh_from_db()
    assert member.account.status == AccountStatus.ACTIVE
    assert Notification.objects.filter(account=member.account, kind=ReminderKind.OVERDUE, subject="Suspension for overdue payment lifted").exists()


def test_a_refund_short_of_the_amount_owed_leaves_the_suspension():
    price = Decimal("37.01") - Decimal("5.00")  # the 1 TB package's cash part
    member, package = owing_with_a_package(str(price + Decimal("10.00")))

    refund(member, package)

    member.account.refresh_from_db()
    assert (member.account.status, member.account.owed_balance, member.account.cash_balance) == (
        AccountStatus.SUSPENDED_OVERDUE, Decimal("10.00"), Decimal("0.00"),
    )


def test_the_receipt_says_how_much_of_the_cash_paid_the_amount_owed():
    member, package = owing_with_a_package("8.00")

    result = refund(member, package)

    receipt = Notification.objects.get(account=member.account, kind=ReminderKind.REFUND)
    assert f"USD 8.00 paid what the account owed and USD {package.paid_cash - 8} went to its cash balance" in receipt.body
    assert LedgerEntry.objects.get(reference=f"refund:{result.refund.pk}", bucket=Bucket.OWED).amount == Decimal("-8.00")


def test_the_refund_dialog_says_how_much_goes_to_the_amount_owed(client):
    member, package = owing_with_a_package("8.00")
    client.force_login(member.user)

    html = client.get(reverse("refund_dialog", args=[package.pk]), HTTP_HX_REQUEST="true").content.decode()

    assert 'data-testid="refund-to-owed">USD 8.00<' in html
