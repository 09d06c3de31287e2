from decimal import Decimal

import pytest
from django.core.management import call_command

from console.accounts.models import Account
from console.packages.models import Package
from tests.factories import DeductionFactory, FundedAccountFactory, PackageFactory

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
