"""The demo's overdue-payment cases are made by the lifecycle: Harbor billed into arrears and
suspended when its 24 hours passed; Lumen in arrears within its 24 hours, until the presenter
moves the clock past them."""

from datetime import timedelta

import pytest
from django.urls import reverse

from console.accounts.models import Account, AccountStatus
from console.billing.models import DailyBill
from console.core.models import AuditEntry
from console.demo import data as demo_data
from console.demo import services
from console.ledger.checks import ledger_drift
from console.notifications.models import Notification, ReminderKind

HARBOR, LUMEN = 100027182818, demo_data.LUMEN_UIN


@pytest.fixture
def seeded(demo_mode, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demo_data.demo_seed()


def test_the_overdue_persona_was_billed_into_arrears_then_suspended_by_the_lifecycle(seeded):
    harbor = Account.objects.get(uin=HARBOR)

    events = list(
        AuditEntry.objects.filter(action="account.standing_changed", account_id=harbor.pk).order_by("id").values_list("verdict__event", flat=True)
    )
    assert harbor.status == AccountStatus.SUSPENDED_OVERDUE
    assert harbor.owed_balance == DailyBill.objects.get(account=harbor).owed > 0
    assert events == ["arrears", "suspended"]


def test_the_in_arrears_persona_is_within_its_24_hours_and_owes_what_its_bill_could_not_collect(seeded):
    lumen = Account.objects.get(uin=LUMEN)

    assert lumen.status == AccountStatus.IN_ARREARS
    assert timedelta(hours=20) < lumen.arrears_deadline - services.clock.now() <= timedelta(hours=21)
    assert lumen.owed_balance == DailyBill.objects.get(account=lumen).owed > 0
    assert Notification.objects.filter(account=lumen, kind=ReminderKind.OVERDUE).count() == 1


def test_the_seeded_ledger_adds_up(seeded):
    assert ledger_drift() == []


def test_the_presenter_moving_the_clock_a_day_suspends_the_in_arrears_persona(seeded, client, django_capture_on_commit_callbacks):
    client.force_login(Account.objects.get(uin=LUMEN).members.get().user)

    # The sweep runs once the clock move commits.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("demo:clock"), {"step": "day"})

    assert Account.objects.get(uin=LUMEN).status == AccountStatus.SUSPENDED_OVERDUE


def test_the_in_arrears_persona_sees_the_countdown_on_every_page(seeded, client):
    client.force_login(Account.objects.get(uin=LUMEN).members.get().user)

    html = client.get(reverse("packages")).content.decode()

    assert 'data-testid="banner-countdown"' in html
    assert "left" in html
