"""A top-up settles what is owed first, then credits cash; it lifts an overdue suspension at once."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from console.accounts.models import AccountStatus
from console.billing.models import TopUp, TopUpChannel
from console.billing.topup import TopUpRefused, account_top_up
from console.core.errors import IdempotencyKeyMismatch
from console.core.models import AuditEntry
from console.ledger.checks import ledger_drift
from console.ledger.models import LedgerEntry
from tests.console.arrears.moments import NOW
from tests.factories import FundedAccountFactory, MemberFactory

pytestmark = pytest.mark.django_db


def owing(amount: str, *, status=AccountStatus.IN_ARREARS):
    """An account with no cash that owes `amount` (posted through the ledger, as a bill does)."""
    account = FundedAccountFactory(funds={"owed": amount}, status=status)
    account.standing_since = NOW - timedelta(hours=1)
    account.arrears_deadline = NOW + timedelta(hours=23) if status == AccountStatus.IN_ARREARS else None
    account.save()
    return account


def top_up(account, amount, key=None, **kwargs):
    return account_top_up(
        account_id=account.pk, amount=Decimal(amount), idempotency_key=key or str(uuid.uuid4()),
        channel=kwargs.pop("channel", TopUpChannel.CONSOLE), **kwargs,
    )


def test_a_top_up_pays_the_amount_owed_first_and_credits_the_rest_to_cash(now):
    account = owing("12.34")

    result = top_up(account, "22.34")

    account.refresh_from_db()
    assert (result.top_up.to_owed, result.top_up.to_cash) == (Decimal("12.34"), Decimal("10.00"))
    assert (account.owed_balance, account.cash_balance) == (Decimal("0.00"), Decimal("10.00"))
    assert ledger_drift() == []


def test_a_top_up_that_settles_everything_lifts_an_overdue_suspension_at_once(now):
    account = owing("12.34", status=AccountStatus.SUSPENDED_OVERDUE)

    result = top_up(account, "12.34")

    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    assert result.lifted
    assert result.top_up.lifted_suspension


def test_a_top_up_short_of_the_amount_owed_leaves_the_suspension_in_place(now):
    account = owing("12.34", status=AccountStatus.SUSPENDED_OVERDUE)

    top_up(account, "12.33")

    account.refresh_from_db()
    assert account.status == AccountStatus.SUSPENDED_OVERDUE
    assert account.owed_balance == Decimal("0.01")


def test_a_top_up_never_lifts_a_suspension_for_violations(now):
    account = owing("5.00", status=AccountStatus.SUSPENDED_VIOLATION)

    top_up(account, "100.00")

    account.refresh_from_db()
    assert account.status == AccountStatus.SUSPENDED_VIOLATION
    assert account.owed_balance == Decimal("0.00")


def test_a_top_up_replayed_with_its_key_answers_the_first_and_pays_once(now):
    account = owing("1.00")
    key = str(uuid.uuid4())

    first = top_up(account, "30.00", key)
    again = top_up(account, "30.00", key)

    assert again.replayed and again.top_up.pk == first.top_up.pk
    assert TopUp.objects.filter(account=account).count() == 1
    assert LedgerEntry.objects.filter(account=account, reference=f"top_up:{first.top_up.pk}").count() == 2


def test_a_key_reused_for_another_amount_is_refused(now):
    account = owing("1.00")
    key = str(uuid.uuid4())
    top_up(account, "30.00", key)

    with pytest.raises(IdempotencyKeyMismatch):
        top_up(account, "31.00", key)


@pytest.mark.parametrize("amount", ["0", "-1", "0.001", "1000000.01", "NaN"])
def test_an_amount_outside_a_cent_to_a_million_is_refused(now, amount):
    account = owing("1.00")

    with pytest.raises(TopUpRefused):
        top_up(account, amount)


def test_a_top_up_is_audited_with_its_split(now):
    account = owing("2.00")

    result = top_up(account, "5.00")

    entry = AuditEntry.objects.get(action="account.topped_up", object_id=str(result.top_up.pk))
    assert entry.verdict == {"amount": "5.00", "to_owed": "2.00", "to_cash": "3.00", "channel": "console"}


def test_the_top_up_command_records_a_payment_like_the_console(now):
    account = owing("3.00", status=AccountStatus.SUSPENDED_OVERDUE)

    call_command("top_up", str(account.uin), "13.00", "--key", "bank-transfer-1", "--note", "wire 1")
    call_command("top_up", str(account.uin), "13.00", "--key", "bank-transfer-1", "--note", "wire 1")

    account.refresh_from_db()
    assert (account.status, account.owed_balance, account.cash_balance) == (AccountStatus.ACTIVE, Decimal("0.00"), Decimal("10.00"))
    assert TopUp.objects.get(account=account).channel == TopUpChannel.COMMAND


def test_the_dialog_confirms_the_split_then_shows_a_receipt_that_says_the_suspension_is_lifted(client, now):
    account = owing("7.50", status=AccountStatus.SUSPENDED_OVERDUE)
    client.force_login(MemberFactory(account=account).user)
    key = str(uuid.uuid4())

    review = client.post(reverse("billing_top_up"), {"amount": "17.50", "idempotency_key": key, "action": "review"}, HTTP_HX_REQUEST="true")
    done = client.post(reverse("billing_top_up"), {"amount": "17.50", "idempotency_key": key, "action": "confirm"}, HTTP_HX_REQUEST="true")

    assert 'data-testid="split-owed">USD 7.50<' in review.content.decode()
    assert 'data-testid="split-cash">USD 10.00<' in review.content.decode()
    html = done.content.decode()
    assert 'data-testid="receipt-lifted"' in html
    assert "Sandbox" in html


def test_the_review_step_pays_nothing(client, now):
    account = owing("7.50")
    client.force_login(MemberFactory(account=account).user)

    client.post(reverse("billing_top_up"), {"amount": "17.50", "idempotency_key": str(uuid.uuid4()), "action": "review"}, HTTP_HX_REQUEST="true")

    assert not TopUp.objects.exists()


def test_a_sub_user_without_finance_access_cannot_top_up(client, now):
    account = owing("7.50")
    client.force_login(MemberFactory(account=account, sub_user=True).user)

    response = client.get(reverse("billing_top_up"))

    assert response.status_code == 403


def test_the_dialog_names_the_sandbox_provider_once(client, now):
    member = MemberFactory(account=owing("7.50"))
    client.force_login(member.user)

    html = client.get(reverse("billing_top_up"), HTTP_HX_REQUEST="true").content.decode()

    assert html.count("Sandbox") == 1
