"""Two people send the same ticket submission key at the same moment. The service looks the key
up under its own account's lock, so both can miss the other's row; the second insert then meets
the unique constraint. That must end as IdempotencyKeyReused (409), never as an IntegrityError
(500). (Refund and purchase keys are unique per account, so two accounts' keys never meet.)

The interleaving is forced, not hoped for: the first request stops after its insert, before it
commits; the second is started and observed (pg_stat_activity) waiting on the first's row lock;
only then does the first commit."""

import threading
import uuid

import pytest
from django.db import connection

from console.core.errors import IdempotencyKeyReused
from tests.console.core.lock_waits import wait_until_blocked
from tests.factories import MemberFactory
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
