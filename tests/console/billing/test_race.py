"""Refund against billing on the same package: one of them happens, never both (PostgreSQL).

Deterministic, not left to luck or to sleeps: one side is stopped at a named point (an Event
handshake), the other runs meanwhile, and whether it waited for the first one's locks is
PostgreSQL's answer (pg_blocking_pids), not a timeout's.
"""

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection

from console.core import clock
from console.billing import run
from console.billing.run import billing_run, day_bounds
from console.packages.models import Deduction, Package
from refunds import selectors as refund_selectors
from refunds import services as refund_services
from refunds.policy import Reason
from refunds.services import RefundRefused, RefundRequest, package_refund
from tests.factories import MemberFactory, PackageFactory, UsageRecordFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# A fixed instant, not the time the module was imported (computed then, DAY went stale when the
# run crossed midnight in Beijing): 07:30 on 10 March in Beijing, while the UTC date is the 9th.
NOW = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)
DAY = NOW.astimezone(clock.billing_zone()).date() - timedelta(days=1)
BOUGHT = day_bounds(DAY)[0] - timedelta(days=2)
# How long a side may stay stopped, or be waited for, before the test gives up: only a failing
# test ever waits this long; no assertion depends on it.
PATIENCE = 30


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    """Every clock.now() and clock.today(), the billing run's and the refund's, reads NOW."""
    monkeypatch.setattr(clock, "now", lambda: NOW)


def _customer_with_usage():
    member = MemberFactory()
    package = PackageFactory(owner=member.account, purchased_at=BOUGHT)
    UsageRecordFactory(account=member.account, day=DAY, quantity=Decimal("10"))
    return member, package


def _refund(member, package, key, refused):
    def attempt():
        try:
            package_refund(RefundRequest(package_id=package.pk, owner=member.account, actor=member.user, idempotency_key=key, member=member))
        except RefundRefused as exc:
            refused.append(exc.verdict)

    return attempt


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


class _Side(threading.Thread):
    """Runs `target` on a database connection of its own, keeping its backend pid and any error."""

    def __init__(self, target):
        super().__init__(daemon=True)
        self.target, self.pid, self.error = target, None, None
        self.connected = threading.Event()

    def run(self):
        try:
            self.pid = _backend_pid()
            self.connected.set()
            self.target()
        except Exception as exc:  # surfaced by the test, not swallowed by the thread
            self.error = exc
        finally:
            self.connected.set()
            connection.close()


@dataclass(frozen=True)
class Stop:
    """A point where one side stops, holding whatever locks it holds there: before or after the
    first call of `owner.attr`."""

    owner: object
    attr: str
    after: bool


class _Stopped:
    """Stops the first call of the stop's function in whichever thread makes it, until `go()`."""

    def __init__(self, stop: Stop):
        self.stop = stop
        self.reached, self.released = threading.Event(), threading.Event()
        self.pid, self.gave_up = None, False

    def _wait_here(self):
        if self.reached.is_set():
            return
        self.pid = _backend_pid()
        self.reached.set()
        self.gave_up = not self.released.wait(PATIENCE)

    def patched(self):
        real = getattr(self.stop.owner, self.stop.attr)

        def stopping(*args, **kwargs):
            if not self.stop.after:
                self._wait_here()
            result = real(*args, **kwargs)
            if self.stop.after:
                self._wait_here()
            return result

        return mock.patch.object(self.stop.owner, self.stop.attr, stopping)

    def go(self):
        self.released.set()


def _waits_for(waiter: _Side, holder_pid: int) -> bool:
    """True once PostgreSQL reports `waiter`'s backend waiting for a lock `holder_pid` holds;
    False if `waiter` finishes without ever being seen so."""
    assert waiter.connected.wait(PATIENCE)
    deadline = time.monotonic() + PATIENCE
    with connection.cursor() as cursor:
        while waiter.is_alive() and time.monotonic() < deadline:
            cursor.execute("SELECT %s = ANY(pg_blocking_pids(%s))", [holder_pid, waiter.pid])
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.005)  # paces the polling; the answer is PostgreSQL's, not the clock's
    return False


def _while_stopped(stop: Stop, first, then) -> bool:
    """Run `first` until it reaches `stop`; run `then` meanwhile; let `first` go on once `then`
    has either finished or been seen by PostgreSQL waiting for `first`'s locks.

    Returns whether `then` waited for `first`.
    """
    stopped = _Stopped(stop)
    with stopped.patched():
        holder = _Side(first)
        holder.start()
        assert stopped.reached.wait(PATIENCE), f"{stop.attr} was never called"
        waiter = _Side(then)
        waiter.start()
        waited = _waits_for(waiter, stopped.pid)
        if not waited:
            waiter.join()
        stopped.go()
        holder.join()
        waiter.join()
    assert not stopped.gave_up, "the stopped side gave up waiting: the other one never finished"
    assert not (holder.error or waiter.error), (holder.error, waiter.error)
    return waited


def _exactly_one_happened(package) -> str:
    package.refresh_from_db()
    deducted = Deduction.objects.filter(package=package).exists()
    assert package.is_refunded != deducted, f"refunded={package.is_refunded} deducted={deducted}"
    assert package.used == (0 if package.is_refunded else Decimal("10"))
    return "refunded" if package.is_refunded else "deducted"


# Billing: reads the day's usage, marks the accounts "billing in progress" (_mark_billing, its own
# short transaction), then in one transaction locks the accounts, decides which packages pay
# (pays_for_day), locks them, deducts and writes (_Batch.write) and clears the mark.
# Refund: in one transaction locks the accounts, then the package, asks the policy
# (refund_verdict) and writes the refund (_refund_locked).
BILLING_BEFORE_MARKING = Stop(run, "_mark_billing", after=False)
BILLING_MARKED = Stop(run, "_mark_billing", after=True)
BILLING_HOLDING_THE_ACCOUNTS = Stop(run, "pays_for_day", after=False)
BILLING_WRITTEN = Stop(run._Batch, "write", after=True)
REFUND_HOLDING_THE_LOCKS = Stop(refund_selectors, "refund_verdict", after=False)
REFUND_WRITTEN = Stop(refund_services, "_refund_locked", after=True)


@pytest.mark.parametrize(
    ("first", "stop", "waits", "happens", "refusal"),
    [
        ("billing", None, False, "deducted", Reason.USED),
        ("refund", None, False, "refunded", None),
        ("billing", BILLING_BEFORE_MARKING, False, "refunded", None),
        ("billing", BILLING_MARKED, False, "deducted", Reason.BILLING_IN_PROGRESS),
        ("billing", BILLING_HOLDING_THE_ACCOUNTS, True, "deducted", Reason.USED),
        ("billing", BILLING_WRITTEN, True, "deducted", Reason.USED),
        ("refund", REFUND_HOLDING_THE_LOCKS, True, "refunded", None),
        ("refund", REFUND_WRITTEN, True, "refunded", None),
    ],
    ids=[
        "billing-then-refund",
        "refund-then-billing",
        "refund-while-billing-has-read-usage",
        "refund-while-billing-has-marked-the-account",
        "refund-while-billing-holds-the-accounts",
        "refund-while-billing-holds-its-writes",
        "billing-while-the-refund-holds-its-locks-undecided",
        "billing-while-the-refund-holds-its-writes",
    ],
)
def test_racing_a_refund_against_billing_never_both_refunds_and_deducts(first, stop, waits, happens, refusal):
    # given
    member, package = _customer_with_usage()
    refused = []
    sides = {"billing": lambda: billing_run(day=DAY), "refund": _refund(member, package, "race", refused)}
    second = "refund" if first == "billing" else "billing"

    # when: one side runs to `stop` (or to its end) and the other runs meanwhile
    if stop is None:
        sides[first]()
        sides[second]()
        waited = False
    else:
        waited = _while_stopped(stop, sides[first], sides[second])

    # then
    assert waited == waits
    assert _exactly_one_happened(package) == happens
    if refusal is None:
        assert refused == []
    else:
        (verdict,) = refused
        assert refusal in verdict.reasons


def test_a_refund_waits_for_billing_that_holds_the_account_then_is_refused_as_used():
    # given: billing has deducted and holds its locks
    member, package = _customer_with_usage()
    refused = []

    # when: the customer asks for the refund meanwhile
    waited = _while_stopped(BILLING_WRITTEN, lambda: billing_run(day=DAY), _refund(member, package, "held", refused))

    # then
    assert waited
    assert Reason.USED in refused[0].reasons
    package.refresh_from_db()
    assert not package.is_refunded


def test_billing_waits_for_a_refund_that_holds_the_account_then_skips_the_refunded_package():
    # given: the refund has been written and holds its locks
    member, package = _customer_with_usage()

    # when: the billing run reaches the account meanwhile
    waited = _while_stopped(REFUND_WRITTEN, _refund(member, package, "held", []), lambda: billing_run(day=DAY))

    # then
    assert waited
    package.refresh_from_db()
    assert package.is_refunded
    assert not Deduction.objects.filter(package=package).exists()
    assert Package.objects.get(pk=package.pk).used == 0
