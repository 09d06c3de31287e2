from decimal import Decimal

import pytest
from django.core.management import call_command

from console.accounts.models import Account
from console.ledger.checks import ledger_drift
from console.packages.models import Deduction, Package, PackageSpec
from console.purchases.services import package_purchase
from tests.factories import DeductionFactory, FundedAccountFactory, MemberFactory, PackageFactory

pytestmark = pytest.mark.django_db


def test_a_consistent_ledger_passes(capsys):
    DeductionFactory(package=PackageFactory(owner=FundedAccountFactory()))

    call_command("check_ledger")

    assert "Ledger OK" in capsys.readouterr().out


def test_a_balance_that_drifted_from_its_entries_fails_with_the_drift(capsys):
    account = FundedAccountFactory(funds={"cash": "10.00"})
    Account.objects.filter(pk=account.pk).update(cash_balance=Decimal("12.50"))

    with pytest.raises(SystemExit) as exited:
        call_command("check_ledger")

    assert exited.value.code == 1
    assert f"Account {account.uin} cash balance: recorded 12.50, sum of entries 10.00 (drift +2.50)" in capsys.readouterr().out


def test_a_package_whose_used_differs_from_its_deductions_fails(capsys):
    package = PackageFactory(owner=FundedAccountFactory())
    DeductionFactory(package=package, usage=Decimal("4"))
    Package.objects.filter(pk=package.pk).update(used=Decimal("5"))

    with pytest.raises(SystemExit):
        call_command("check_ledger")

    assert f"Package {package.code} used: recorded 5.000, sum of entries 4.000" in capsys.readouterr().out


def test_eleven_purchases_from_a_100000_top_up_reconcile_exactly(capsys):
    # Summed as binary floats, 100000.00 - 11 x 3.88 is 99957.31999999995, not 99957.32.
    member = MemberFactory(account=FundedAccountFactory(funds={"cash": "100000.00"}))
    spec = PackageSpec.objects.get(kind="traffic", name="100 GB")
    for n in range(11):
        package_purchase(
            account=member.account, member=member, spec_id=spec.pk, shown_price=spec.list_price, idempotency_key=f"buy-{n}"
        )

    call_command("check_ledger")

    member.account.refresh_from_db()
    assert member.account.cash_balance == Decimal("99957.32")
    assert "Ledger OK" in capsys.readouterr().out


def test_a_package_used_up_by_deductions_that_add_up_exactly_reconciles():
    # 28.064 + 35.968 + 35.968 is 100.00000000000001 as binary floats.
    package = PackageFactory(owner=FundedAccountFactory(), spec_name="100 GB")
    for amount in ("28.064", "35.968", "35.968"):
        Deduction.objects.create(
            package=package, usage_date=package.purchased_at.date(), deducted_at=package.purchased_at,
            usage_kind="LVB Chinese mainland", usage=Decimal(amount), amount=Decimal(amount),
        )
    Package.objects.filter(pk=package.pk).update(used=Decimal("100.000"))

    assert ledger_drift() == []
