import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from console.packages.models import Package, PackageSpec
from tests.factories import (
    FundedAccountFactory,
    MemberFactory,
    StaffFactory,
    VoucherFactory,
    spec,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def member(client):
    member = MemberFactory(account=FundedAccountFactory(funds={"cash": "50.00"}))
    client.force_login(member.user)
    return member


def confirm(client, spec_obj, **fields):
    data = {
        "spec": spec_obj.pk, "shown_spec": spec_obj.pk, "shown_price": spec_obj.list_price,
        "idempotency_key": str(uuid.uuid4()), "voucher": "", "action": "buy", **fields,
    }
    return client.post(reverse("package_buy"), data, **HTMX)


def test_the_buy_button_opens_a_dialog_with_the_price_and_how_it_is_paid(client, member):
    response = client.get(reverse("package_buy"), **HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith("<dialog")
    assert 'data-testid="quote-list-price">USD 3.88' in html
    assert "free credits first, then commission credits, then cash" in html


def test_choosing_another_spec_redraws_the_quote_without_buying(client, member):
    ten_tb = spec("traffic", "10 TB")

    response = client.post(
        reverse("package_buy"),
        {"spec": ten_tb.pk, "shown_spec": spec().pk, "shown_price": "3.88", "idempotency_key": str(uuid.uuid4())},
        **HTMX,
    )

    assert 'data-testid="quote-discount">- USD 35.08' in response.content.decode()
    assert not Package.objects.exists()


def test_confirming_buys_the_package_and_closes_the_dialog_with_a_toast(client, member):
    response = confirm(client, spec("traffic", "100 GB"))

    package = Package.objects.get(owner=member.account)
    assert response.status_code == 204
    assert "closeDialog" in response.headers["HX-Trigger"]
    assert "packagesChanged" in response.headers["HX-Trigger"]
    assert package.code in response.headers["HX-Trigger"]


def test_a_refused_purchase_redraws_the_form_with_the_error_beside_the_voucher(client, member):
    other = VoucherFactory()

    response = confirm(client, spec("traffic", "100 GB"), voucher=other.code)

    html = response.content.decode()
    assert response.status_code == 409
    assert 'id="voucher-errors"' in html and "No voucher with this code belongs to your account." in html
    assert not Package.objects.exists()


def test_a_key_replayed_for_another_package_is_a_409_in_the_dialog_and_buys_nothing_more(client, member):
    key = str(uuid.uuid4())
    confirm(client, spec("traffic", "100 GB"), idempotency_key=key)

    response = confirm(client, spec("traffic", "500 GB"), idempotency_key=key)

    assert response.status_code == 409
    assert "already used for a purchase of another package or price" in response.content.decode()
    assert Package.objects.count() == 1


def test_a_stale_price_is_shown_beside_the_package_field(client, member):
    hundred_gb = spec("traffic", "100 GB")
    PackageSpec.objects.filter(pk=hundred_gb.pk).update(list_price=Decimal("4.00"))

    response = confirm(client, hundred_gb, shown_price="3.88")

    assert response.status_code == 409
    assert "changed from USD 3.88 to USD 4.00" in response.content.decode()


def test_not_enough_balance_shows_in_the_dialog(client, member):
    response = confirm(client, spec("traffic", "10 TB"))

    assert response.status_code == 409
    assert "Not enough balance" in response.content.decode()


def test_without_javascript_the_purchase_redirects_to_the_new_package(client, member):
    hundred_gb = spec("traffic", "100 GB")

    response = client.post(reverse("package_buy"), {
        "spec": hundred_gb.pk, "shown_spec": hundred_gb.pk, "shown_price": "3.88", "idempotency_key": str(uuid.uuid4()),
    })

    package = Package.objects.get(owner=member.account)
    assert response.url == reverse("package_detail", args=[package.code])


def test_a_sub_user_without_the_refund_grant_sees_no_confirm_button(client):
    member = MemberFactory(sub_user=True)
    client.force_login(member.user)

    html = client.get(reverse("package_buy"), **HTMX).content.decode()

    assert "Confirm and pay" not in html


def test_a_sub_user_who_may_not_buy_is_told_why_on_the_buy_page(client):
    member = MemberFactory(sub_user=True)
    client.force_login(member.user)

    html = client.get(reverse("package_buy")).content.decode()

    assert 'data-testid="buy-refusal"' in html
    assert "You do not have permission to buy packages. Ask the account owner." in html


def test_a_sub_user_who_may_not_buy_is_offered_no_price_to_confirm_nor_the_balances_split(client):
    member = MemberFactory(sub_user=True, account=FundedAccountFactory(funds={"cash": "50.00"}))
    client.force_login(member.user)

    html = client.get(reverse("package_buy")).content.decode()

    assert "Show price" not in html
    assert 'data-testid="buy-quote"' not in html


def test_a_sub_user_who_may_not_buy_is_not_shown_the_accounts_vouchers(client):
    account = FundedAccountFactory(funds={"cash": "50.00"})
    voucher = VoucherFactory(account=account)
    member = MemberFactory(sub_user=True, account=account)
    client.force_login(member.user)

    html = client.get(reverse("package_buy")).content.decode()

    assert voucher.code not in html


def test_a_sub_user_allowed_to_buy_gets_the_quote_and_no_refusal(client):
    member = MemberFactory(sub_user=True, policies=["QCloudFinanceFullAccess"])
    client.force_login(member.user)

    html = client.get(reverse("package_buy")).content.decode()

    assert 'data-testid="buy-refusal"' not in html
    assert 'data-testid="buy-quote"' in html and "Show price" in html


def test_an_account_suspended_for_violation_is_told_why_it_cannot_buy(client):
    member = MemberFactory(account=FundedAccountFactory(suspended_for_violation=True))
    client.force_login(member.user)

    html = client.get(reverse("package_buy"), **HTMX).content.decode()

    assert "The account is suspended for violating the rules, so no packages can be bought." in html
    assert "Confirm and pay" not in html


def test_staff_grant_a_giveaway_from_the_admin(client):
    account = FundedAccountFactory()
    client.force_login(StaffFactory(is_superuser=True))

    response = client.post(reverse("admin:console_package_grant"), {
        "uin": account.uin, "spec": spec("traffic", "500 GB").pk, "note": "Partner launch",
    })

    package = Package.objects.get(owner=account)
    assert response.url == reverse("admin:console_package_change", args=[package.pk])
    assert package.source == "giveaway"


def test_the_admin_grant_form_says_when_no_account_has_the_uin(client):
    client.force_login(StaffFactory(is_superuser=True))

    response = client.post(reverse("admin:console_package_grant"), {"uin": 1, "spec": spec().pk, "note": "x"})

    assert "No account has this UIN." in response.content.decode()
    assert not Package.objects.exists()


def test_every_option_of_the_buy_drop_down_says_its_type(client, member):
    html = client.get(reverse("package_buy"), **HTMX).content.decode()

    # three kinds sell a "1,000 hours" size; a closed drop-down shows only the option's own text
    options = [spec(kind, "1,000 hours") for kind in ("transcode_standard", "transcode_tsc", "co_anchoring")]
    labels = ["Standard transcoding 1,000 hours", "TSC transcoding 1,000 hours", "Co-anchoring 1,000 hours"]
    for option, label in zip(options, labels, strict=True):
        assert f'<option value="{option.pk}">{label} - USD {option.list_price}</option>' in html


def test_the_buy_dialog_sends_one_request_at_a_time_and_has_no_inline_style(client, member):
    html = client.get(reverse("package_buy"), **HTMX).content.decode()

    assert 'hx-sync="this:drop"' in html and "hx-disabled-elt=" in html
    assert " style=" not in html
