"""Staff's account list reads the billing mode in force today, not the mode the account kept from
before its latest change."""

import re
from datetime import timedelta

import pytest

from console.accounts.models import BillingMode
from console.billing.services import billing_mode_change
from tests.console.billing_modes.moments import NOW
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

ACCOUNTS = "/admin/console/account/"


@pytest.fixture
def switched_yesterday(moment):
    """An account that asked for daily peak bandwidth yesterday: in force today."""
    owner = MemberFactory(account__name="Switched yesterday")
    moment.now = NOW - timedelta(days=1)
    billing_mode_change(account_id=owner.account_id, mode=BillingMode.DAILY_BANDWIDTH, actor=owner.user, member=owner)
    moment.now = NOW
    return owner.account


def listed_rows(page: str) -> str:
    """The changelist's table alone (the filter beside it names every mode)."""
    return re.search(r'<table id="result_list">.*?</table>', page, re.S).group(0)


def test_the_account_list_shows_the_mode_in_force_today(admin_client, switched_yesterday):
    rows = listed_rows(admin_client.get(ACCOUNTS).content.decode())

    assert "Bill-by-bandwidth (daily peak)" in rows
    assert "Bill-by-traffic (daily)" not in rows


@pytest.mark.parametrize(("mode", "listed"), [(BillingMode.DAILY_BANDWIDTH, True), (BillingMode.DAILY_TRAFFIC, False)])
def test_the_billing_mode_filter_goes_by_the_mode_in_force_today(admin_client, switched_yesterday, mode, listed):
    page = admin_client.get(ACCOUNTS, {"billing_mode_today": mode}).content.decode()

    assert ("Switched yesterday" in page) is listed
