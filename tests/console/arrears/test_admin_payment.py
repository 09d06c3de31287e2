"""Staff record a payment received elsewhere in the admin: the same service as the console's Top up."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from console.accounts.models import AccountStatus
from console.billing.models import TopUp, TopUpChannel
from tests.factories import FundedAccountFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("boss", "boss@example.com", "pw"))
    return client


def record(client, account, amount, key):
    return client.post(reverse("admin:console_topup_record"), {
        "uin": account.uin, "amount": amount, "idempotency_key": key, "note": "bank transfer",
    })


def test_a_payment_recorded_in_the_admin_settles_the_amount_owed_and_lifts_the_suspension(superuser_client):
    account = FundedAccountFactory(funds={"owed": "6.00"}, status=AccountStatus.SUSPENDED_OVERDUE)

    response = record(superuser_client, account, "16.00", "wire-7")

    account.refresh_from_db()
    top_up = TopUp.objects.get(account=account)
    assert response.status_code == 302
    assert (top_up.channel, top_up.to_owed, top_up.to_cash) == (TopUpChannel.ADMIN, Decimal("6.00"), Decimal("10.00"))
    assert account.status == AccountStatus.ACTIVE


def test_the_same_key_recorded_twice_pays_once(superuser_client):
    account = FundedAccountFactory(funds={"owed": "6.00"}, status=AccountStatus.SUSPENDED_OVERDUE)

    record(superuser_client, account, "16.00", "wire-7")
    record(superuser_client, account, "16.00", "wire-7")

    account.refresh_from_db()
    assert TopUp.objects.filter(account=account).count() == 1
    assert account.cash_balance == Decimal("10.00")


def test_a_recorded_payment_cannot_be_changed_afterwards(superuser_client):
    account = FundedAccountFactory(funds={"owed": "6.00"})
    record(superuser_client, account, "16.00", "wire-8")
    top_up = TopUp.objects.get(account=account)

    response = superuser_client.post(reverse("admin:console_topup_change", args=[top_up.pk]), {"amount": "999.00"})

    top_up.refresh_from_db()
    assert response.status_code == 403
    assert top_up.amount == Decimal("16.00")


def test_the_top_up_list_offers_record_a_payment(superuser_client):
    html = superuser_client.get(reverse("admin:console_topup_changelist")).content.decode()

    assert 'data-testid="record-payment"' in html
