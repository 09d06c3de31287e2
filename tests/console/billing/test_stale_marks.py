"""A "billing in progress" mark expires: a batch killed before it could clear its marks (SIGKILL,
out of memory) must not keep an account's refunds refused forever. A mark older than the longest
batch (BILLING_BATCH_MAX_SECONDS) is stale: the refund policy ignores it, check_ledger reports it
and clear_billing_marks removes it."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from console.accounts.models import Account
from console.billing.progress import billing_progress
from console.core import clock
from console.core.models import AuditEntry
from refunds.models import Refund
from tests.factories import MemberFactory, PackageFactory, UsageRecordFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch, settings):
    settings.BILLING_BATCH_MAX_SECONDS = 900
    monkeypatch.setattr(clock, "now", lambda: NOW)


def marked(seconds_ago: int) -> Account:
    member = MemberFactory()
    Account.objects.filter(pk=member.account_id).update(billing_started_at=NOW - timedelta(seconds=seconds_ago))
    return Account.objects.get(pk=member.account_id)


def refund_post(client, account: Account):
    member = account.members.get()
    package = PackageFactory(owner=account, purchased_at=NOW - timedelta(hours=1))
    client.force_login(member.user)
    return client.post(
        reverse("refund_confirm", args=[package.pk]),
        {"confirm": "on", "reason": "", "idempotency_key": str(uuid.uuid4())},
    )


def test_a_refund_is_not_refused_for_a_billing_mark_older_than_the_longest_batch(client):
    account = marked(seconds_ago=901)

    refund_post(client, account)

    assert Refund.objects.filter(owner=account).exists()


def test_a_refund_still_waits_for_a_mark_younger_than_the_longest_batch(client):
    account = marked(seconds_ago=899)

    refund_post(client, account)

    assert not Refund.objects.exists()


def test_check_ledger_reports_a_stale_mark_and_fails(capsys):
    account = marked(seconds_ago=3600)

    with pytest.raises(SystemExit):
        call_command("check_ledger")

    assert f"Stale billing mark: {account.name} (UIN {account.uin})" in capsys.readouterr().out


def test_check_ledger_says_nothing_of_a_running_batchs_mark(capsys):
    marked(seconds_ago=60)

    call_command("check_ledger")

    assert "Ledger OK" in capsys.readouterr().out


def test_clear_billing_marks_clears_only_the_stale_marks():
    stale, fresh = marked(seconds_ago=3600), marked(seconds_ago=60)

    call_command("clear_billing_marks", stdout=None)

    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.billing_started_at, fresh.billing_started_at) == (None, NOW - timedelta(seconds=60))


def test_clearing_a_stale_mark_is_audited():
    stale = marked(seconds_ago=3600)

    call_command("clear_billing_marks")

    entry = AuditEntry.objects.get(action="billing.mark_cleared")
    assert (entry.account_id, entry.after) == (stale.pk, {"billing_started_at": None})


def test_the_longest_batch_is_a_setting(client, settings):
    settings.BILLING_BATCH_MAX_SECONDS = 7200
    account = marked(seconds_ago=3600)

    refund_post(client, account)

    assert not Refund.objects.exists()


def test_the_account_reads_a_stale_mark_as_no_billing_in_progress():
    assert (marked(seconds_ago=901).billing_in_progress, marked(seconds_ago=899).billing_in_progress) == (False, True)


def test_billing_progress_counts_only_the_marks_a_batch_may_still_hold():
    stale, fresh = marked(seconds_ago=901), marked(seconds_ago=899)
    day = NOW.date() - timedelta(days=1)
    for account in (stale, fresh):
        UsageRecordFactory(account=account, day=day)

    assert billing_progress(day=day).in_progress == 1
