"""The console asks the same CAM action as the API before it shows money: the menu, the package
page's balances, and the permission itself."""

import pytest
from django.urls import reverse

from console.accounts.models import PresetPolicy
from console.accounts.permissions import MemberAction, api_action_allowed, member_may
from console.api.actions import ACTIONS
from tests.factories import FundedAccountFactory, MemberFactory, PackageFactory, PolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    return FundedAccountFactory(funds={"cash": "40.00"})


def live_read_only(account):
    return MemberFactory(account=account, sub_user=True, policies=[PresetPolicy.LIVE_READ_ONLY_ACCESS])


def test_seeing_money_in_the_console_is_the_apis_describe_account_balance(account):
    describe_balance = ACTIONS[("billing", "DescribeAccountBalance")].cam_action
    deny = PolicyFactory(
        account=account,
        document={"version": "2.0", "statement": [{"effect": "deny", "action": "finance:Describe*", "resource": "*"}]},
    )
    members = [
        MemberFactory(account=account),
        live_read_only(account),
        MemberFactory(account=account, sub_user_with_refund=True),
        MemberFactory(account=account, sub_user_with_refund=True, policies=[deny]),
    ]

    seen = [member_may(member, MemberAction.SEE_MONEY) for member in members]

    assert seen == [api_action_allowed(member, describe_balance) for member in members]
    assert seen == [True, False, True, False]


def test_the_menu_offers_balances_and_refund_records_only_to_who_may_see_money(client, account):
    client.force_login(live_read_only(account).user)
    viewer_menu = client.get(reverse("packages")).content.decode()
    client.force_login(MemberFactory(account=account, sub_user_with_refund=True).user)
    finance_menu = client.get(reverse("packages")).content.decode()

    for link in (f'href="{reverse("billing")}"', f'href="{reverse("refund_records")}"'):
        assert link not in viewer_menu
        assert link in finance_menu


def test_the_package_page_shows_balances_to_the_owner_and_not_to_a_live_read_only_sub_user(client, account):
    client.force_login(live_read_only(account).user)
    viewer_page = client.get(reverse("packages")).content.decode()
    client.force_login(MemberFactory(account=account).user)
    owner_page = client.get(reverse("packages")).content.decode()

    assert 'data-testid="balance-cash"' not in viewer_page and "USD 40.00" not in viewer_page
    assert 'data-testid="balance-cash">USD 40.00' in owner_page


def test_the_package_pages_balances_refreshed_alone_stay_hidden_from_a_live_read_only_sub_user(client, account):
    client.force_login(live_read_only(account).user)

    summary = client.get(reverse("packages"), headers={"HX-Request": "true", "HX-Target": "account-summary"})

    html = summary.content.decode()
    assert 'id="account-summary"' in html and 'data-testid="billing-mode"' in html
    assert "40.00" not in html


def test_a_packages_own_page_shows_what_was_paid_only_to_who_may_see_money(client, account):
    package = PackageFactory(owner=account)
    client.force_login(live_read_only(account).user)
    viewer_page = client.get(reverse("package_detail", args=[package.code])).content.decode()
    client.force_login(MemberFactory(account=account).user)
    owner_page = client.get(reverse("package_detail", args=[package.code])).content.decode()

    assert 'data-testid="package-paid"' not in viewer_page and f"USD {package.paid_total}" not in viewer_page
    assert f'data-testid="package-paid">USD {package.paid_total}' in owner_page
