import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from console.accounts.models import AccountStatus
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

    # 11: the refund verdict beside the facts counts the account's recent self-service refunds, and
    # the layout draws the bell's unread count.
    with django_assert_max_num_queries(11):
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
    assert '<td data-label="Amount">+40.00</td>\n        <td data-label="Balance after">40.00</td>' in html


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

    assert 'data-testid="end-errors"' in html and "The end date is before the start date" in html


def test_the_ledger_exports_as_csv_with_the_running_balance(client, member):
    response = client.get(reverse("billing_ledger_csv"))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["time", "bucket", "kind", "amount", "balance_after", "package", "reference", "memo"]
    assert sorted((r[1], r[3], r[4]) for r in rows[1:]) == [("cash", "40.00", "40.00"), ("free", "5.00", "5.00")]


# --- the export follows the filter; bad ranges say which field ----------------


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_export_link_carries_the_date_filter_the_table_shows(client, member):
    today = clock.today()

    html = client.get(reverse("billing"), {"start": today, "end": today}).content.decode()

    assert f'href="{reverse("billing_ledger_csv")}?start={today}&amp;end={today}"' in html


def test_the_balances_fetch_themselves_alone_after_a_dialog_changed_them(client, member):
    html = client.get(reverse("billing"), headers={"HX-Request": "true", "HX-Target": "balances"}).content.decode()

    assert html.lstrip().startswith('<section id="balances"') and 'hx-trigger="packagesChanged from:body"' in html
    assert 'data-testid="balance-cash">USD 40.00' in html
    assert 'id="ledger"' not in html


def test_the_ledger_fetches_itself_again_with_its_filter_after_a_dialog_added_an_entry(client, member):
    today = clock.today()

    html = client.get(reverse("billing"), {"start": today}, headers={"HX-Request": "true"}).content.decode()

    assert f'hx-get="{reverse("billing")}?start={today}" hx-trigger="packagesChanged from:body"' in html


def test_an_htmx_filter_redraws_the_export_link_with_the_table(client, member):
    today = clock.today()

    html = client.get(reverse("billing"), {"start": today}, headers={"HX-Request": "true"}).content.decode()

    assert 'id="ledger"' in html and 'data-testid="ledger-filters"' in html
    assert f'{reverse("billing_ledger_csv")}?start={today}"' in html


def test_the_csv_exports_only_the_entries_of_the_filtered_days(client, member):
    tomorrow = clock.today() + timedelta(days=1)

    rows = csv_rows(client.get(reverse("billing_ledger_csv"), {"start": tomorrow}))

    assert rows == [["time", "bucket", "kind", "amount", "balance_after", "package", "reference", "memo"]]


def test_while_the_dates_are_wrong_the_export_link_exports_what_the_table_shows_every_entry(client, member):
    today = clock.today()

    html = client.get(reverse("billing"), {"start": today, "end": today - timedelta(days=1)}).content.decode()

    assert f'href="{reverse("billing_ledger_csv")}"' in html
    assert "showing every entry meanwhile" in html


def test_a_start_after_the_end_marks_the_end_field_invalid_and_points_it_at_its_error(client, member):
    today = clock.today()

    html = client.get(reverse("billing"), {"start": today, "end": today - timedelta(days=1)}).content.decode()

    assert 'name="end"' in html and 'aria-invalid="true"' in html
    assert 'aria-describedby="ledger-end-errors"' in html and 'id="ledger-end-errors"' in html
    assert 'id="ledger-start-errors"' not in html


@pytest.mark.parametrize(
    ("query", "field"),
    [({"end": "9999-12-31"}, "end"), ({"start": "0001-01-01"}, "start"), ({"start": "1999-12-31"}, "start")],
)
def test_a_date_at_the_edge_of_the_calendar_is_explained_beside_its_field(client, member, query, field):
    response = client.get(reverse("billing"), query)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="{field}-errors"' in html
    assert "Enter a date between 2000-01-01 and 2999-12-31." in html


@pytest.mark.parametrize("query", [{"end": "9999-12-31"}, {"start": "0001-01-01"}, {"start": "2026-13-45"}])
def test_the_csv_answers_a_bad_date_with_the_page_and_its_error_not_a_500(client, member, query):
    response = client.get(reverse("billing_ledger_csv"), query)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "errorlist" in response.content.decode()


def test_the_last_and_first_dates_allowed_still_filter(client, member):
    response = client.get(reverse("billing_ledger_csv"), {"start": "2000-01-01", "end": "2999-12-31"})

    assert response.status_code == 200
    assert len(csv_rows(response)) == 3


def test_the_balance_page_is_never_cached_by_the_browser(client, member):
    response = client.get(reverse("billing"))

    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


# --- auto-renewal moving between packages says so ------------------------------


def test_the_package_page_says_another_package_of_the_type_holds_auto_renewal(client, member):
    holder = PackageFactory(owner=member.account, auto_renew=True)
    package = PackageFactory(owner=member.account)

    html = client.get(reverse("package_detail", args=[package.code])).content.decode()

    assert f"Auto-renewal for this type is on for {holder.code}. Turning it on here turns it off there" in html


def test_turning_auto_renewal_on_says_which_package_it_was_taken_from(client, member):
    holder = PackageFactory(owner=member.account, auto_renew=True)
    package = PackageFactory(owner=member.account)

    response = client.post(reverse("package_auto_renew", args=[package.code]), {"auto_renew": "on"}, follow=True)

    assert f"Auto-renewal on for {package.code}. It is now off for {holder.code}" in response.content.decode()


def test_the_package_that_lost_auto_renewal_by_hand_says_where_it_went(client, member):
    holder = PackageFactory(owner=member.account, auto_renew=True)
    package = PackageFactory(owner=member.account)
    client.post(reverse("package_auto_renew", args=[package.code]), {"auto_renew": "on"})

    html = client.get(reverse("package_detail", args=[holder.code])).content.decode()

    assert f"Auto-renewal moved to {package.code}" in html


def test_a_renewal_by_the_billing_run_says_so_on_both_packages(client, member):
    from django.db import transaction

    from console.billing.renewal import renew_locked

    old = PackageFactory(owner=member.account, spec_name="100 GB", auto_renew=True)
    _fund(member.account, {"cash": "10.00"})
    with transaction.atomic():
        new = renew_locked(account=member.account, renewing_id=old.pk, spec_id=old.spec_id,
                           usage_date=clock.today(), attempt=1, now=clock.now())

    old_page = client.get(reverse("package_detail", args=[old.code])).content.decode()
    new_page = client.get(reverse("package_detail", args=[new.code])).content.decode()
    assert f"auto-renewal bought {new.code}" in old_page
    assert f"Bought by the auto-renewal of {old.code}" in new_page


def test_the_auto_renew_checkbox_submits_without_an_inline_handler(client, member):
    package = PackageFactory(owner=member.account)

    html = client.get(reverse("package_detail", args=[package.code])).content.decode()

    assert "data-autosubmit" in html and "onchange=" not in html


def test_the_standing_banner_fetches_itself_alone(client):
    suspended = MemberFactory(account=FundedAccountFactory(funds={"owed": "7.50"}, status=AccountStatus.SUSPENDED_OVERDUE))
    client.force_login(suspended.user)

    html = client.get(reverse("account_standing_banner")).content.decode()

    assert html.lstrip().startswith("<section class=\"account-banner") and 'data-status="suspended_overdue"' in html
    assert "<html" not in html
