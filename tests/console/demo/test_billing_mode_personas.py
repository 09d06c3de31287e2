"""The demo's billing-mode personas: pinewood switched to daily peak bandwidth yesterday (in force,
traffic packages frozen, usage today); cedar asked today (pending until tomorrow), and the
presenter's "+1 day" makes it take effect with no extra step."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from console.accounts.models import Account, BillingMode
from console.core import clock
from console.demo import services
from console.packages.status import PackageStatus

PAGE = reverse("packages")


@pytest.fixture
def seeded(demo_mode, django_capture_on_commit_callbacks):
    # The billing-mode changes are made after the seed's transaction (the service is durable).
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    return demo_mode


def traffic_statuses(client) -> set[PackageStatus]:
    return {row.status for row in client.get(PAGE, {"tab": "traffic"}).context["view"].rows}


def test_pinewood_is_billed_by_bandwidth_today_with_its_traffic_packages_frozen(seeded, client):
    client.force_login(Account.objects.get(uin=100016180339).members.get().user)

    html = client.get(PAGE).content.decode()

    assert traffic_statuses(client) == {PackageStatus.FROZEN}
    assert "Change to Bill-by-traffic (daily)" in html
    # Pinewood streamed today: switching back waits until the day after tomorrow.
    confirmation = client.get(reverse("billing_mode_change", args=[BillingMode.DAILY_TRAFFIC])).content.decode()
    assert "today and tomorrow are still billed in the current mode" in confirmation


def test_cedars_pending_change_takes_effect_when_the_presenter_moves_one_day(seeded, client):
    cedar = Account.objects.get(uin=100017320508).members.get().user
    client.force_login(cedar)
    tomorrow = clock.today() + timedelta(days=1)
    assert "Changing to Bill-by-bandwidth (daily peak)" in client.get(PAGE).content.decode()
    assert PackageStatus.FROZEN not in traffic_statuses(client)

    services.clock_advance(actor=cedar, by=timedelta(days=1))

    assert clock.today() == tomorrow
    html = client.get(PAGE).content.decode()
    assert "Changing to" not in html
    assert traffic_statuses(client) == {PackageStatus.FROZEN}
