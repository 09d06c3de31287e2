"""Refund against billing on the same package: one of them happens, never both (PostgreSQL)."""

import random
import threading
import time
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection

from console import clock
from console.billing import run
from console.billing.run import billing_run, day_bounds
from console.models import Deduction, Package
from refunds import services as refund_services
from refunds.policy import Reason
from refunds.services import RefundRefused, package_refund
from tests.factories import MemberFactory, PackageFactory, UsageRecordFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DAY = clock.today() - timedelta(days=1)
BOUGHT = day_bounds(DAY)[0] - timedelta(days=2)
TRIALS = 200


def _customer_with_usage():
    member = MemberFactory()
    package = PackageFactory(owner=member.account, purchased_at=BOUGHT)
    UsageRecordFactory(account=member.account, day=DAY, quantity=Decimal("10"))
    return member, package


def _refund(member, package, key):
    def attempt():
        try:
            package_refund(package_id=package.pk, owner=member.account, actor=member.user, idempotency_key=key, member=member)
        except RefundRefused:
            pass

    return attempt


def _in_thread(target, errors, barrier=None):
    def body():
        try:
            if barrier is not None:
                barrier.wait()
            target()
        except Exception as exc:  # surfaced by the test, not swallowed by the thread
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=body)
    thread.start()
    return thread


def test_racing_a_refund_against_billing_never_both_refunds_and_deducts():
    outcomes = {"refunded": 0, "deducted": 0}
    rng = random.Random(4)
    for trial in range(TRIALS):
        # given
        member, package = _customer_with_usage()
        barrier, errors = threading.Barrier(2), []
        refund, bill = _refund(member, package, f"race-{trial}"), lambda: billing_run(day=DAY)
        jitter = rng.uniform(0, 0.004)

        def late(fn, delay=jitter):
            return lambda: (time.sleep(delay), fn())

        # when: alternate which side starts first and which one is held back a little
        pair = (refund, late(bill)) if trial % 2 else (bill, late(refund))
        threads = [_in_thread(fn, errors, barrier) for fn in pair]
        for thread in threads:
            thread.join()

        # then
        assert not errors, errors
        package.refresh_from_db()
        deducted = Deduction.objects.filter(package=package).exists()
        assert package.is_refunded != deducted, f"trial {trial}: refunded={package.is_refunded} deducted={deducted}"
        assert package.used == (0 if package.is_refunded else Decimal("10"))
        outcomes["refunded" if package.is_refunded else "deducted"] += 1
    assert outcomes["refunded"] and outcomes["deducted"], outcomes


def test_a_refund_waits_for_billing_that_holds_the_account_then_is_refused_as_used():
    # given: billing has deducted and holds its locks
    member, package = _customer_with_usage()
    holding, proceed, errors, refused = threading.Event(), threading.Event(), [], []
    real_write = run._Batch.write

    def write_and_hold(batch):
        real_write(batch)
        holding.set()
        proceed.wait(10)

    def refund():
        try:
            package_refund(package_id=package.pk, owner=member.account, actor=member.user, idempotency_key="held", member=member)
        except RefundRefused as exc:
            refused.append(exc.verdict)

    with mock.patch.object(run._Batch, "write", write_and_hold):
        billing = _in_thread(lambda: billing_run(day=DAY), errors)
        assert holding.wait(10)
        # when: the customer asks for the refund meanwhile
        refunding = _in_thread(refund, errors)
        refunding.join(0.5)
        waited = refunding.is_alive()
        proceed.set()
        billing.join()
        refunding.join()

    # then
    assert not errors, errors
    assert waited
    assert Reason.USED in refused[0].reasons
    package.refresh_from_db()
    assert not package.is_refunded


def test_billing_waits_for_a_refund_that_holds_the_account_then_skips_the_refunded_package():
    # given: the refund has been written and holds its locks
    member, package = _customer_with_usage()
    holding, proceed, errors = threading.Event(), threading.Event(), []
    real_refund_locked = refund_services._refund_locked

    def refund_and_hold(**kwargs):
        refund = real_refund_locked(**kwargs)
        holding.set()
        proceed.wait(10)
        return refund

    with mock.patch.object(refund_services, "_refund_locked", refund_and_hold):
        refunding = _in_thread(_refund(member, package, "held"), errors)
        assert holding.wait(10)
        # when: the billing run reaches the account meanwhile
        billing = _in_thread(lambda: billing_run(day=DAY), errors)
        billing.join(0.5)
        waited = billing.is_alive()
        proceed.set()
        refunding.join()
        billing.join()

    # then
    assert not errors, errors
    assert waited
    package.refresh_from_db()
    assert package.is_refunded
    assert not Deduction.objects.filter(package=package).exists()
    assert Package.objects.get(pk=package.pk).used == 0
