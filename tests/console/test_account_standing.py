"""Every page says when the account is suspended and what that means; an account
suspended for violating the rules cannot buy, whatever the page shows."""

import uuid

import pytest
from django.urls import reverse

from console.accounts.permissions import AccountSuspended, account_standing
from console.accounts.models import AccountStatus
from console.packages.models import Package
from console.purchases.services import package_purchase
from tests.factories import FundedAccountFactory, MemberFactory, spec

pytestmark = pytest.mark.django_db


def owner_of(status: str):
    return MemberFactory(account=FundedAccountFactory(funds={"cash": "100.00"}, status=status))


def buy(member):
    one_tb = spec("traffic", "1 TB")
    return package_purchase(
        account=member.account, member=member, spec_id=one_tb.pk, shown_price=one_tb.list_price,
        idempotency_key=str(uuid.uuid4()),
    )


def test_an_account_suspended_for_violations_cannot_buy_and_the_refusal_has_a_stable_code():
    member = owner_of(AccountStatus.SUSPENDED_VIOLATION)

    with pytest.raises(AccountSuspended) as refused:
        buy(member)

    assert refused.value.code == "account_suspended_violation"
    assert refused.value.http_status == 403
    assert not Package.objects.filter(owner=member.account).exists()


def test_an_account_suspended_for_overdue_payment_cannot_buy_and_the_refusal_has_its_own_code():
    member = owner_of(AccountStatus.SUSPENDED_OVERDUE)

    with pytest.raises(AccountSuspended) as refused:
        buy(member)

    assert refused.value.code == "account_suspended_overdue"
    assert not Package.objects.filter(owner=member.account).exists()


def test_an_account_in_arrears_within_its_24_hours_may_still_buy():
    member = owner_of(AccountStatus.IN_ARREARS)

    assert buy(member).package.owner == member.account


def test_the_buy_dialogs_confirm_is_refused_for_an_account_suspended_for_violations(client):
    member = owner_of(AccountStatus.SUSPENDED_VIOLATION)
    client.force_login(member.user)
    one_tb = spec("traffic", "1 TB")

    response = client.post(reverse("package_buy"), {
        "spec": one_tb.pk, "shown_spec": one_tb.pk, "shown_price": one_tb.list_price,
        "idempotency_key": str(uuid.uuid4()), "voucher": "", "action": "buy",
    }, HTTP_HX_REQUEST="true")

    assert "suspended for violating the rules, so no packages can be bought" in response.content.decode()
    assert not Package.objects.filter(owner=member.account).exists()


@pytest.mark.parametrize(
    ("status", "headline"),
    [
        (AccountStatus.SUSPENDED_VIOLATION, "This account is suspended for violating the rules."),
        (AccountStatus.SUSPENDED_OVERDUE, "This account is suspended for overdue payment."),
    ],
)
@pytest.mark.parametrize("page", ["packages", "billing", "tickets:mine", "tickets:submit"])
def test_every_page_carries_a_banner_saying_the_account_is_suspended_and_why(client, status, headline, page):
    member = owner_of(status)
    client.force_login(member.user)

    html = client.get(reverse(page)).content.decode()

    assert 'data-testid="account-banner"' in html
    assert headline in html
    assert account_standing(member.account).meaning in html


def test_an_active_account_has_no_banner(client):
    member = owner_of(AccountStatus.ACTIVE)
    client.force_login(member.user)

    assert 'data-testid="account-banner"' not in client.get(reverse("billing")).content.decode()


def test_the_buy_button_of_an_account_suspended_for_violations_is_off_and_says_why(client):
    member = owner_of(AccountStatus.SUSPENDED_VIOLATION)
    client.force_login(member.user)

    html = client.get(reverse("packages")).content.decode()

    assert 'data-testid="buy-package"' not in html
    assert 'data-testid="buy-package-refused"' in html
    assert "The account is suspended for violating the rules, so no packages can be bought." in html


def test_the_buy_button_of_an_account_suspended_for_overdue_payment_is_off_and_says_to_top_up(client):
    member = owner_of(AccountStatus.SUSPENDED_OVERDUE)
    client.force_login(member.user)

    html = client.get(reverse("packages")).content.decode()

    assert 'data-testid="buy-package"' not in html
    assert "suspended for overdue payment, so no packages can be bought. Top up to lift it." in html
