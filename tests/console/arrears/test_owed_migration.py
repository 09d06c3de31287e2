"""Bills written before the owed bucket kept what they could not collect only in `DailyBill.owed`:
the migration carries each account's sum into the ledger, so the API's OweAmount stays the same
and check_ledger proves it."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

BEFORE = ("console", "0019_licence_spec_named_by_its_term")
AFTER = ("console", "0020_arrears_owed_bucket_and_standing")


@pytest.mark.django_db(transaction=True)
def test_unpaid_bills_before_the_owed_bucket_are_carried_into_it_to_the_cent(migrator):
    apps = migrator.migrate(BEFORE)
    account = apps.get_model("console", "Account").objects.create(uin=100099990202, name="Owed before the bucket")
    DailyBill = apps.get_model("console", "DailyBill")
    for day, owed in ((date(2026, 11, 1), "0.10"), (date(2026, 11, 2), "0.20"), (date(2026, 11, 3), "0")):
        DailyBill.objects.create(
            account=account, day=day, billed_at=timezone.now(), pay_as_you_go=Decimal(owed), paid_cash=0, owed=Decimal(owed),
        )

    apps = migrator.migrate(AFTER)

    account = apps.get_model("console", "Account").objects.get(uin=100099990202)
    entry = apps.get_model("console", "LedgerEntry").objects.get(account=account)
    assert account.owed_balance == Decimal("0.30")
    assert (entry.bucket, entry.amount, entry.balance_after, entry.memo_kind) == ("owed", Decimal("0.30"), Decimal("0.30"), "owed_carried_over")
