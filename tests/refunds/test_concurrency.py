"""Twenty people press Refund on the same package at the same instant: the money moves once."""

import threading
import uuid
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Sum

from console.accounts.models import Account
from console.ledger.models import LedgerEntry, LedgerKind
from refunds.models import Refund
from refunds.services import RefundRefused, RefundRequest, package_refund
from tests.factories import AccountFactory, MemberFactory, PackageFactory

THREADS = 20



def race(package, member, keys: list[str]) -> Counter:
    """Run one refund per key, all released together; count how each one ended."""
    barrier = threading.Barrier(len(keys))
    outcomes: list[str] = []

    def attempt(key: str) -> None:
        try:
            barrier.wait()
            result = package_refund(RefundRequest(
                package_id=package.pk, owner=member.account, actor=member.user, idempotency_key=key, member=member
            ))
            outcomes.append("replayed" if result.replayed else "refunded")
        except RefundRefused as refused:
            outcomes.append(",".join(refused.verdict.reasons))
        except Exception as error:  # noqa: BLE001 - any other ending is a failure to report
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(outcomes)


@pytest.fixture
def paid_by_another_account():
    member = MemberFactory()
    payer = AccountFactory()
    package = PackageFactory(
        owner=member.account, payer=payer, list_price=Decimal("37.01"),
        paid_commission=Decimal("7.00"), paid_free=Decimal("3.00"),
    )
    return member, payer, package


def assert_refunded_once(payer: Account, package) -> None:
    assert Refund.objects.filter(package=package).count() == 1
    entries = LedgerEntry.objects.filter(account=payer, kind=LedgerKind.REFUND)
    assert Counter(entries.values_list("bucket", flat=True)) == {"cash": 1, "commission": 1, "free": 1}
    assert entries.aggregate(total=Sum("amount"))["total"] == Decimal("37.01")
    payer.refresh_from_db()
    assert (payer.cash_balance, payer.commission_balance, payer.free_balance) == (
        Decimal("27.01"), Decimal("7.00"), Decimal("3.00"),
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_refunds_with_different_keys_refund_once(paid_by_another_account):
    member, payer, package = paid_by_another_account

    outcomes = race(package, member, [str(uuid.uuid4()) for _ in range(THREADS)])

    assert outcomes == {"refunded": 1, "already_refunded": THREADS - 1}
    assert_refunded_once(payer, package)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_retries_of_one_request_refund_once_and_replay_the_rest(paid_by_another_account):
    member, payer, package = paid_by_another_account

    outcomes = race(package, member, [str(uuid.uuid4())] * THREADS)

    assert outcomes == {"refunded": 1, "replayed": THREADS - 1}
    assert_refunded_once(payer, package)
