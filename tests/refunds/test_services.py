import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from console.core import clock
from console.core.errors import IdempotencyKeyReused
from console.core.models import AuditEntry
from console.ledger.models import LedgerEntry, LedgerKind
from console.packages.models import Package
from refunds.policy import Reason
from refunds.services import RefundRefused, RefundRequest, package_refund
from tests.factories import AccountFactory, DeductionFactory, MemberFactory, PackageFactory


@pytest.fixture
def owner():
    return MemberFactory()


def refund(package, member, *, key: str | None = None):
    return package_refund(RefundRequest(
        package_id=package.pk,
        owner=package.owner,
        actor=member.user,
        idempotency_key=key or str(uuid.uuid4()),
        member=member,
    ))


def refused_reasons(package, member) -> tuple[Reason, ...]:
    with pytest.raises(RefundRefused) as refused:
        refund(package, member)
    return refused.value.verdict.reasons


# --- every rule blocks ----------------------------------------------------------------------

@pytest.mark.django_db
def test_a_used_package_is_not_refunded(owner):
    package = PackageFactory(owner=owner.account)
    DeductionFactory(package=package)

    assert refused_reasons(package, owner) == (Reason.USED,)


@pytest.mark.django_db
def test_a_package_past_its_deadline_is_not_refunded(owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=7))

    assert refused_reasons(package, owner) == (Reason.PAST_DEADLINE,)


@pytest.mark.django_db
def test_a_giveaway_package_is_not_refunded(owner):
    package = PackageFactory(owner=owner.account, giveaway=True)

    assert refused_reasons(package, owner) == (Reason.GIVEAWAY,)


@pytest.mark.django_db
def test_an_account_suspended_for_violating_the_rules_gets_no_refund():
    member = MemberFactory(account__suspended_for_violation=True)
    package = PackageFactory(owner=member.account)

    assert refused_reasons(package, member) == (Reason.ACCOUNT_SUSPENDED,)


@pytest.mark.django_db
def test_an_account_suspended_for_overdue_payment_may_still_refund():
    member = MemberFactory(account__suspended_for_overdue=True)
    package = PackageFactory(owner=member.account)

    assert refund(package, member).refund.total == Decimal("3.88")


@pytest.mark.django_db
def test_a_package_is_refunded_only_once(owner):
    package = PackageFactory(owner=owner.account)
    refund(package, owner)

    assert refused_reasons(package, owner) == (Reason.ALREADY_REFUNDED,)


@pytest.mark.django_db
def test_no_refund_while_the_billing_run_is_deducting_the_account(owner):
    owner.account.billing_started_at = clock.now()
    owner.account.save()
    package = PackageFactory(owner=owner.account)

    assert refused_reasons(package, owner) == (Reason.BILLING_IN_PROGRESS,)


@pytest.mark.django_db
def test_self_service_refunds_stop_once_the_yearly_allowance_is_used_up(owner, settings):
    settings.REFUND_SELF_SERVICE_ALLOWANCE = 3
    for _ in range(3):
        refund(PackageFactory(owner=owner.account), owner)
    package = PackageFactory(owner=owner.account)

    assert refused_reasons(package, owner) == (Reason.ALLOWANCE_USED_UP,)


@pytest.mark.django_db
def test_a_ticket_only_package_cannot_be_refunded_self_service(owner):
    package = PackageFactory(owner=owner.account, kind="co_anchoring")

    assert refused_reasons(package, owner) == (Reason.TICKET_REQUIRED,)


@pytest.mark.django_db
def test_a_sub_user_without_refund_permission_is_refused():
    member = MemberFactory(sub_user=True)
    package = PackageFactory(owner=member.account)

    assert refused_reasons(package, member) == (Reason.NO_PERMISSION,)


@pytest.mark.django_db
def test_a_refused_refund_changes_nothing(owner):
    package = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=7))

    refused_reasons(package, owner)

    package.refresh_from_db()
    assert not package.is_refunded
    assert not LedgerEntry.objects.exists()


# --- the money ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_refund_goes_back_to_the_payer_bucket_by_bucket(owner):
    payer = AccountFactory()
    package = PackageFactory(
        owner=owner.account, payer=payer, list_price=Decimal("37.01"), discount=Decimal("2.01"),
        voucher=Decimal("5.00"), paid_commission=Decimal("10.00"), paid_free=Decimal("4.50"),
    )

    refund(package, owner)

    entries = LedgerEntry.objects.filter(kind=LedgerKind.REFUND)
    assert {e.account_id for e in entries} == {payer.pk}
    assert {e.bucket: e.amount for e in entries} == {
        "cash": Decimal("15.50"), "commission": Decimal("10.00"), "free": Decimal("4.50"),
    }
    payer.refresh_from_db()
    assert (payer.cash_balance, payer.commission_balance, payer.free_balance) == (
        Decimal("15.50"), Decimal("10.00"), Decimal("4.50"),
    )


@pytest.mark.django_db
def test_ledger_entries_add_up_to_the_refund(owner):
    package = PackageFactory(owner=owner.account, paid_free=Decimal("1.00"), list_price=Decimal("3.88"))

    result = refund(package, owner)

    total = LedgerEntry.objects.filter(reference=f"refund:{result.refund.pk}").aggregate(s=Sum("amount"))["s"]
    assert total == result.refund.total == Decimal("3.88")


@pytest.mark.django_db
def test_the_package_records_when_and_how_much_was_refunded(owner):
    package = PackageFactory(owner=owner.account, paid_commission=Decimal("1.00"), list_price=Decimal("3.88"), auto_renew=True)

    refund(package, owner)

    package.refresh_from_db()
    assert package.refunded_at is not None
    assert (package.refunded_cash, package.refunded_commission, package.refunded_free) == (
        Decimal("2.88"), Decimal("1.00"), Decimal("0.00"),
    )
    assert package.auto_renew is False


@pytest.mark.django_db
def test_the_database_refuses_to_refund_more_than_was_paid(owner):
    package = PackageFactory(owner=owner.account)

    with pytest.raises(IntegrityError), transaction.atomic():
        Package.objects.filter(pk=package.pk).update(refunded_at=clock.now(), refunded_cash=package.paid_cash + 1)


@pytest.mark.django_db
def test_the_database_refuses_refunded_amounts_without_a_refund_time(owner):
    package = PackageFactory(owner=owner.account)

    with pytest.raises(IntegrityError), transaction.atomic():
        Package.objects.filter(pk=package.pk).update(refunded_cash=Decimal("1.00"))


# --- audit, idempotency, receipt ------------------------------------------------------------

@pytest.mark.django_db
def test_a_completed_refund_is_audited_with_the_verdict(owner):
    package = PackageFactory(owner=owner.account)

    refund(package, owner)

    entry = AuditEntry.objects.get(action="refund.completed")
    assert (entry.actor, entry.object_id, entry.account) == (owner.user, str(package.pk), owner.account)
    assert entry.verdict["eligible"] is True
    assert entry.after["total"] == "3.88"


@pytest.mark.django_db
def test_a_package_reclaimed_by_a_repossession_is_not_refunded_even_inside_its_window(owner):
    package = PackageFactory(owner=owner.account, reclaimed_at=clock.now() - timedelta(minutes=5))

    assert refused_reasons(package, owner) == (Reason.PACKAGE_RECLAIMED,)
    package.refresh_from_db()
    assert package.refunded_at is None and LedgerEntry.objects.count() == 0


@pytest.mark.django_db
def test_a_refused_refund_is_audited_with_its_reasons(owner):
    package = PackageFactory(owner=owner.account, giveaway=True)

    refused_reasons(package, owner)

    entry = AuditEntry.objects.get(action="refund.refused")
    assert entry.verdict["reasons"] == ["giveaway"]


@pytest.mark.django_db
def test_replaying_the_same_key_returns_the_first_refund(owner):
    package = PackageFactory(owner=owner.account)
    first = refund(package, owner, key="key-1")

    again = refund(package, owner, key="key-1")

    assert again.replayed and again.refund == first.refund
    assert LedgerEntry.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_on_another_package_raises(owner):
    refund(PackageFactory(owner=owner.account), owner, key="key-1")

    with pytest.raises(IdempotencyKeyReused):
        refund(PackageFactory(owner=owner.account), owner, key="key-1")


@pytest.mark.django_db
def test_the_same_key_on_another_package_that_may_not_be_refunded_raises_too(owner):
    refund(PackageFactory(owner=owner.account), owner, key="key-1")
    past_deadline = PackageFactory(owner=owner.account, purchased_at=clock.now() - timedelta(days=7))

    with pytest.raises(IdempotencyKeyReused):
        refund(past_deadline, owner, key="key-1")


@pytest.mark.django_db
def test_the_receipt_is_mailed_only_after_the_refund_commits(owner, django_capture_on_commit_callbacks, mailoutbox):
    package = PackageFactory(owner=owner.account)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        refund(package, owner)
    assert mailoutbox == []
    for callback in callbacks:
        callback()

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [owner.user.email]
    assert "Total: USD 3.88" in mailoutbox[0].body


# --- what a refund costs --------------------------------------------------------------------

# The savepoint (the test runs in a transaction), the accounts locked (the payer's id read in the
# same statement), the package locked with its spec, the year's self-service refunds counted, the
# refund inserted, the ledger posted (balance and entry), the package marked, the audit entry; the
# receipt: its message inserted, the owner's choice of recipients and the account's members read,
# delivered to the message center, the recipients' languages read, the mail queued; the savepoint
# released.
REFUND_QUERIES = 16


def refund_queries(package, member, **kwargs) -> int:
    with CaptureQueriesContext(connection) as queries:
        package_refund(RefundRequest(
            package_id=package.pk, owner=member.account, actor=member.user, idempotency_key=str(uuid.uuid4()),
            member=member, **kwargs,
        ))
    return len(queries)


@pytest.mark.django_db
def test_a_refund_costs_the_same_queries_however_many_the_account_made_before(owner, settings):
    settings.REFUND_SELF_SERVICE_ALLOWANCE = 100
    first = refund_queries(PackageFactory(owner=owner.account), owner)
    for _ in range(5):
        refund(PackageFactory(owner=owner.account), owner)

    assert first == refund_queries(PackageFactory(owner=owner.account), owner) == REFUND_QUERIES


@pytest.mark.django_db
def test_a_refund_to_another_payer_costs_no_more_queries(owner):
    package = PackageFactory(owner=owner.account, payer=AccountFactory())

    assert refund_queries(package, owner) == REFUND_QUERIES


# --- keys and transactions ------------------------------------------------------------------


@pytest.mark.django_db
def test_two_accounts_refunding_with_one_key_each_get_their_own_refund(owner):
    other = MemberFactory()
    mine, theirs = PackageFactory(owner=owner.account), PackageFactory(owner=other.account)

    refund(mine, owner, key="shared-key")
    result = refund(theirs, other, key="shared-key")

    assert not result.replayed
    assert result.refund.package == theirs


@pytest.mark.django_db
def test_a_refund_cannot_be_wrapped_in_a_callers_transaction(owner):
    package = PackageFactory(owner=owner.account)

    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        refund(package, owner)
