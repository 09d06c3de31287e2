import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from console.core import clock
from console.packages.models import RenewalFailure
from tests.factories import (
    DeductionFactory,
    FundedAccountFactory,
    MemberFactory,
    PackageFactory,
    _fund,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(client):
    member = MemberFactory(account=FundedAccountFactory(funds={"cash": "40.00", "free": "5.00"}))
    client.force_login(member.user)
    return member


def test_the_package_page_lists_the_packages_deductions_with_ratio_and_amount(client, member):
    package = PackageFactory(owner=member.account, spec_name="1 TB")
    DeductionFactory(package=package, usage_kind="LEB Asia Pacific 1", usage=Decimal("10"), ratio=Decimal("3.5385"))

    html = client.get(reverse("package_detail", args=[package.code])).content.decode()

    assert "LEB Asia Pacific 1" in html
    assert "1:3.5385" in html and "35.39 GB" in html


def test_the_deduction_table_is_paged_twenty_at_a_time(client, member):
    package = PackageFactory(owner=member.account, spec_name="1 TB")
    for _ in range(25):
        DeductionFactory(package=package)

    html = client.get(reverse("package_detail", args=[package.code]) + "?page=2", HTTP_HX_REQUEST="true").content.decode()

    assert html.count("LVB Chinese mainland") == 5
    assert "Page 2 of 2" in html


def test_the_package_page_costs_the_same_queries_however_many_deductions(client, member, django_assert_max_num_queries):
    package = PackageFactory(owner=member.account, spec_name="1 TB")
    for _ in range(40):
        DeductionFactory(package=package)

    with django_assert_max_num_queries(9):
        client.get(reverse("package_detail", args=[package.code]))


def test_another_accounts_package_page_is_not_found(client, member):
    package = PackageFactory()

    assert client.get(reverse("package_detail", args=[package.code])).status_code == 404


def test_a_failed_auto_renewal_shows_on_the_package_page(client, member):
    package = PackageFactory(owner=member.account, auto_renew=True)
    RenewalFailure.objects.create(package=package, usage_date=clock.today(), at=clock.now(), reason="Not enough balance")

    html = client.get(reverse("package_detail", args=[package.code])).content.decode()

    assert 'data-testid="renewal-failures"' in html and "Not enough balance" in html


def test_ticking_auto_renew_on_the_package_page_turns_it_on(client, member):
    package = PackageFactory(owner=member.account)

    client.post(reverse("package_auto_renew", args=[package.code]), {"auto_renew": "on"})

    package.refresh_from_db()
    assert package.auto_renew


def test_the_balance_page_shows_the_three_balances_and_the_running_balance(client, member):
    html = client.get(reverse("billing")).content.decode()

    assert 'data-testid="balance-cash">USD 40.00' in html
    assert 'data-testid="balance-free">USD 5.00' in html
    assert "<td>+40.00</td>\n          <td>40.00</td>" in html


def test_the_balance_page_costs_the_same_queries_however_many_entries(client, member, django_assert_max_num_queries):
    for _ in range(60):
        _fund(member.account, {"cash": "1.00"})

    with django_assert_max_num_queries(8):
        client.get(reverse("billing"))


def test_the_ledger_filter_keeps_entries_of_the_chosen_days(client, member):
    today = clock.today()

    outside = client.get(reverse("billing"), {"start": today + timedelta(days=1)}).content.decode()
    inside = client.get(reverse("billing"), {"start": today, "end": today}).content.decode()

    assert "No ledger entries in this period." in outside
    assert "+40.00" in inside


def test_an_end_date_before_the_start_date_is_explained_beside_the_field(client, member):
    today = clock.today()

    html = client.get(reverse("billing"), {"start": today, "end": today - timedelta(days=1)}).content.decode()

    assert 'data-testid="end-errors"' in html and "The end date is before the start date." in html


def test_the_ledger_exports_as_csv_with_the_running_balance(client, member):
    response = client.get(reverse("billing_ledger_csv"))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["time", "bucket", "kind", "amount", "balance_after", "package", "reference", "memo"]
    assert sorted((r[1], r[3], r[4]) for r in rows[1:]) == [("cash", "40.00", "40.00"), ("free", "5.00", "5.00")]
