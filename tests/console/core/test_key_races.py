"""Two accounts send the same idempotency or submission key at the same moment. Each service
looks the key up under its own account's lock, so both can miss the other's row; the second
insert then meets the unique constraint. That must end as IdempotencyKeyReused (409), never as an
IntegrityError (500).

The interleaving is forced, not hoped for: the first request stops after its insert, before it
commits; the second is started and observed (pg_stat_activity) waiting on the first's row lock;
only then does the first commit."""

import threading
import uuid

import pytest
from django.db import connection

from console.core.errors import IdempotencyKeyReused
from console.purchases import services as purchase_services
from console.purchases.models import Purchase
from refunds import services as refund_services
from refunds.models import Refund
from tests.console.core.lock_waits import wait_until_blocked
from tests.factories import FundedAccountFactory, MemberFactory, PackageFactory, spec
from tickets import services as ticket_services
from tickets.models import Ticket

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

FIRST = "first-request"


def race(monkeypatch, module, table: str, first_call, second_call):
    """Run `first_call` until it has inserted (it stops in `module.audit_record`, which each
    service calls after its insert, inside its transaction), then `second_call` until it waits on
    the first's uncommitted row of `table`; let the first commit. Returns both outcomes."""
    inserted, release = threading.Event(), threading.Event()
    real_audit_record = module.audit_record

    def audit_record_then_pause(**kwargs):
        entry = real_audit_record(**kwargs)
        if threading.current_thread().name == FIRST and not inserted.is_set():
            inserted.set()
            assert release.wait(30), "the second request never came to wait on the first"
        return entry

    monkeypatch.setattr(module, "audit_record", audit_record_then_pause)
    outcomes = {}

    def run(name, call):
        try:
            outcomes[name] = call()
        except Exception as error:  # the outcome under test may be an exception
            outcomes[name] = error
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first", first_call), name=FIRST)
    first.start()
    assert inserted.wait(30), "the first request did not get to its insert"
    second = threading.Thread(target=run, args=("second", second_call))
    second.start()
    try:
        wait_until_blocked(f'INSERT INTO "{table}"%')
    finally:
        release.set()
        first.join()
        second.join()
    return outcomes["first"], outcomes["second"]


def test_two_accounts_refunding_with_one_key_at_once_get_one_refund_and_one_reused(monkeypatch):
    first, second = MemberFactory(), MemberFactory()
    first_package, second_package = PackageFactory(owner=first.account), PackageFactory(owner=second.account)

    def refund(member, package):
        return lambda: refund_services.package_refund(
            package_id=package.pk, owner=member.account, actor=member.user, idempotency_key="same-key", member=member,
        )

    one, other = race(monkeypatch, refund_services, "refunds_refund", refund(first, first_package), refund(second, second_package))

    assert isinstance(one, refund_services.RefundResult)
    assert isinstance(other, IdempotencyKeyReused), repr(other)
    assert list(Refund.objects.values_list("package_id", flat=True)) == [first_package.pk]


def test_two_accounts_buying_with_one_key_at_once_get_one_package_and_one_reused(monkeypatch):
    first = MemberFactory(account=FundedAccountFactory(funds={"cash": "50.00"}))
    second = MemberFactory(account=FundedAccountFactory(funds={"cash": "50.00"}))
    one_spec = spec("traffic", "100 GB")

    def buy(member):
        return lambda: purchase_services.package_purchase(
            account=member.account, member=member, spec_id=one_spec.pk, shown_price=one_spec.list_price,
            idempotency_key="same-key",
        )

    one, other = race(monkeypatch, purchase_services, "console_purchase", buy(first), buy(second))

    assert isinstance(one, purchase_services.PurchaseResult)
    assert isinstance(other, IdempotencyKeyReused), repr(other)
    assert list(Purchase.objects.values_list("account_id", flat=True)) == [first.account_id]


def test_two_people_submitting_one_ticket_key_at_once_get_one_ticket_and_one_reused(monkeypatch):
    first, second, key = MemberFactory(), MemberFactory(), uuid.uuid4()

    def submit(member):
        return lambda: ticket_services.ticket_submit(
            member=member, product="css", issue_type="other", title="Refund", description="Please.",
            package=None, contact_email="a@example.com", contact_phone="+86 13800000000",
            contact_time="anytime", attachments=[], submission_key=key,
        )

    one, other = race(monkeypatch, ticket_services, "tickets_ticket", submit(first), submit(second))

    assert isinstance(one, Ticket)
    assert isinstance(other, IdempotencyKeyReused), repr(other)
    assert list(Ticket.objects.values_list("raised_by_id", flat=True)) == [first.user_id]
