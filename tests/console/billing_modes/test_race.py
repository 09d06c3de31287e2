"""Two billing-mode requests for one account at the same moment: one wins, the other is refused in
the rule's words ("again tomorrow"), never an IntegrityError and never two rows (PostgreSQL:
real row locks; the account lock is what makes the loser see the winner's row)."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from console.accounts.models import BillingMode
from console.billing.models import BillingModeChange
from console.billing.services import billing_mode_change
from console.core import clock
from console.core.errors import ServiceError
from tests.factories import MemberFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def test_two_simultaneous_requests_one_wins_and_the_other_is_refused_until_tomorrow():
    owner = MemberFactory()
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def ask(mode):
        try:
            start.wait(timeout=30)
            outcomes.append(billing_mode_change(account_id=owner.account_id, mode=mode, actor=owner.user, member=owner))
        except ServiceError as refused:
            outcomes.append(refused.code)
        except Exception as failed:  # an IntegrityError would mean the lock did not hold
            outcomes.append(repr(failed))
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(BillingMode.DAILY_BANDWIDTH,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    refusals = [outcome for outcome in outcomes if isinstance(outcome, str)]
    assert refusals == ["billing_mode_changed_today"]
    assert BillingModeChange.objects.count() == 1
