"""Migration 0023 starts every existing account's billing-mode history with the mode it had, so the
history says every account's mode on every day."""

from datetime import date

import pytest

BEFORE = ("console", "0022_package_reclaimed")
AFTER = ("console", "0023_billing_modes_history_and_daily_peaks")


@pytest.mark.django_db(transaction=True)
def test_each_existing_accounts_mode_becomes_its_first_history_row(migrator):
    apps = migrator.migrate(BEFORE)
    Account = apps.get_model("console", "Account")
    Account.objects.create(uin=100099990301, name="On traffic", billing_mode="daily_traffic")
    Account.objects.create(uin=100099990302, name="On bandwidth", billing_mode="daily_bandwidth")

    apps = migrator.migrate(AFTER)

    rows = apps.get_model("console", "BillingModeChange").objects.filter(account__uin__in=[100099990301, 100099990302])
    assert sorted(rows.values_list("account__uin", "channel", "from_mode", "to_mode", "effective_on")) == [
        (100099990301, "history_start", "daily_traffic", "daily_traffic", date(2000, 1, 1)),
        (100099990302, "history_start", "daily_bandwidth", "daily_bandwidth", date(2000, 1, 1)),
    ]
    kept = apps.get_model("console", "Account").objects.get(uin=100099990302)
    assert (kept.billing_mode, kept.billing_mode_next, kept.billing_mode_next_from) == ("daily_bandwidth", "", None)
