"""Balance and bills shows money only to who the API would show it to: the owner and sub-users
allowed finance:DescribeAccountBalance."""

import pytest
from django.urls import reverse

from console.accounts.models import MemberRole, PresetPolicy
from tests.factories import FundedAccountFactory, MemberFactory, PolicyFactory, _fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def account():
    return FundedAccountFactory(funds={"cash": "40.00"})


def signed_in(client, member):
    client.force_login(member.user)
    return member


@pytest.mark.parametrize("page", ["billing", "billing_ledger_csv"])
def test_a_live_read_only_sub_user_is_refused_balances_and_ledger_with_a_403(client, account, page):
    signed_in(client, MemberFactory(account=account, sub_user=True, policies=[PresetPolicy.LIVE_READ_ONLY_ACCESS]))

    response = client.get(reverse(page))

    assert response.status_code == 403
    html = response.content.decode()
    assert "You do not have permission to see the account&#x27;s balances, bills and refunds." in html
    assert "40.00" not in html


def test_an_htmx_filter_by_a_sub_user_without_finance_is_refused_too(client, account):
    signed_in(client, MemberFactory(account=account, sub_user=True))

    response = client.get(reverse("billing"), {"start": "2024-01-01"}, headers={"HX-Request": "true"})

    assert response.status_code == 403
    assert "40.00" not in response.content.decode()


def test_a_bad_date_in_the_export_is_refused_for_permission_before_it_is_explained(client, account):
    signed_in(client, MemberFactory(account=account, sub_user=True))

    response = client.get(reverse("billing_ledger_csv"), {"start": "nonsense"})

    assert response.status_code == 403


def test_a_sub_user_with_the_finance_policy_sees_balances_and_exports_the_ledger(client, account):
    signed_in(client, MemberFactory(account=account, sub_user_with_refund=True))

    page = client.get(reverse("billing"))
    export = client.get(reverse("billing_ledger_csv"))

    assert page.status_code == 200 and 'data-testid="balance-cash">USD 40.00' in page.content.decode()
    assert export.status_code == 200 and b"40.00" in b"".join(export.streaming_content)


def test_a_custom_policy_allowing_describe_account_balance_alone_opens_the_page(client, account):
    policy = PolicyFactory(
        account=account,
        document={"version": "2.0", "statement": [{"effect": "allow", "action": "finance:DescribeAccountBalance", "resource": "*"}]},
    )
    signed_in(client, MemberFactory(account=account, role=MemberRole.SUB_USER, policies=[policy]))

    assert client.get(reverse("billing")).status_code == 200


def test_an_explicit_deny_of_describe_account_balance_wins_over_finance_full_access(client, account):
    deny = PolicyFactory(
        account=account,
        document={"version": "2.0", "statement": [{"effect": "deny", "action": "finance:DescribeAccountBalance", "resource": "*"}]},
    )
    signed_in(client, MemberFactory(account=account, sub_user_with_refund=True, policies=[deny]))

    assert client.get(reverse("billing")).status_code == 403


def test_the_balance_page_of_a_finance_sub_user_costs_the_same_queries_however_many_entries(
    client, account, django_assert_max_num_queries
):
    signed_in(client, MemberFactory(account=account, sub_user_with_refund=True))
    for _ in range(60):
        _fund(account, {"cash": "1.00"})

    # The owner's page costs 8; the sub-user's policies are read once, for the page and the menu.
    with django_assert_max_num_queries(9):
        client.get(reverse("billing"))
