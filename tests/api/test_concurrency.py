"""Twenty RefundInstance calls for one package at the same instant, through the official SDK and
the live server: the money moves once, with different ClientTokens and with the same one."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal

import pytest
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException

from console.ledger.models import LedgerEntry, LedgerKind
from refunds.models import Refund
from tests.api import live_sdk
from tests.factories import MemberFactory, PackageFactory

CALLS = 20

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(live_server, calls: list[tuple[live_sdk.Key, str]]) -> list[str]:
    """One RefundInstance per (key, ClientToken), all released together; each outcome is the
    answered order ID or the error code."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def call(key: live_sdk.Key, token: str) -> None:
        barrier.wait()
        try:
            (order_id,) = live_sdk.refund(live_server, key, "lvpkg-race0001", client_token=token).OrderIdList
            outcomes.append(order_id)
        except TencentCloudSDKException as error:
            outcomes.append(error.code)
        except Exception as error:  # noqa: BLE001 - any other ending is a failure to report
            outcomes.append(repr(error))

    threads = [threading.Thread(target=call, args=pair) for pair in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def owner(settings):
    settings.API_RATE_LIMIT = "1000/s"  # the race is about locks, not about the rate limit
    return MemberFactory()


@pytest.fixture
def package(owner):
    return PackageFactory(owner=owner.account, code="lvpkg-race0001", list_price=Decimal("37.01"))


def assert_refunded_once(owner, package) -> str:
    refund = Refund.objects.get(package=package)
    assert LedgerEntry.objects.filter(package=package, kind=LedgerKind.REFUND).count() == 1
    owner.account.refresh_from_db()
    assert owner.account.cash_balance == Decimal("37.01")
    return refund.order_id


def test_twenty_calls_with_different_client_tokens_refund_once(live_server, sdk_clock, api_key, owner, package):
    key = api_key(owner)

    outcomes = race(live_server, [(key, f"token-{n}") for n in range(CALLS)])

    order_id = assert_refunded_once(owner, package)
    assert Counter(outcomes) == {order_id: 1, "FailedOperation.AlreadyRefunded": CALLS - 1}


def test_twenty_calls_with_the_same_client_token_refund_once_and_all_answer_its_order_id(
    live_server, sdk_clock, api_key, owner, package
):
    # One key per call, so that no two requests carry the same signature (which would be refused
    # as a replay before reaching the refund); the idempotency is the account's, whoever calls.
    keys = [api_key(owner) for _ in range(CALLS)]

    outcomes = race(live_server, [(key, "one-token") for key in keys])

    order_id = assert_refunded_once(owner, package)
    assert outcomes == [order_id] * CALLS
