"""The package page's Billing mode panel: the mode in force, a pending change with its day, Change
with a confirmation that says what happens to the traffic packages; the confirmed POST changes
the mode, a POST without confirmation changes nothing."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from console.accounts.models import Account, BillingMode, PresetPolicy
from console.billing.models import BillingModeChange
from console.core import clock
from console.packages.status import PackageStatus
from tests.console.billing_modes.moments import NOW
from tests.factories import MemberFactory, PackageFactory, UsageRecordFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("packages")
TO_BANDWIDTH = reverse("billing_mode_change", args=[BillingMode.DAILY_BANDWIDTH])
TO_TRAFFIC = reverse("billing_mode_change", args=[BillingMode.DAILY_TRAFFIC])
HTMX = {"HX-Request": "true"}


@pytest.fixture
def owner(client, moment):
    member = MemberFactory()
    PackageFactory(owner=member.account, purchased_at=NOW - timedelta(days=10), expires_at=datetime(2027, 3, 1, 4, tzinfo=UTC))
    PackageFactory(owner=member.account, purchased_at=NOW - timedelta(days=2), expires_at=datetime(2027, 12, 6, 4, tzinfo=UTC))
    PackageFactory(owner=member.account, kind="transcode_standard", purchased_at=NOW - timedelta(days=2))
    client.force_login(member.user)
    return member


def panel(client) -> str:
    html = client.get(PAGE).content.decode()
    start = html.index('data-testid="billing-mode-panel"')
    return html[start:html.index("</div>", start)]


def test_the_panel_shows_the_mode_in_force_and_offers_the_other_daily_mode(client, owner):
    html = panel(client)

    assert "Bill-by-traffic (daily)" in html
    assert "Change to Bill-by-bandwidth (daily peak)" in html
    assert TO_BANDWIDTH in html


def test_the_confirmation_says_how_many_traffic_packages_freeze_and_until_when_they_stay_valid(client, owner):
    response = client.get(TO_BANDWIDTH, headers=HTMX)

    text = response.content.decode()
    assert response.status_code == 200 and "<dialog" in text
    assert "From 2026-12-09 (UTC+8) the billing mode is Bill-by-bandwidth (daily peak)." in text
    assert "Its 2 traffic packages are frozen from 2026-12-09 (UTC+8)" in text
    assert "from 2027-03-01 12:00:00 (UTC+8) to 2027-12-06 12:00:00 (UTC+8)" in text
    assert "Transcoding packages are not affected." in text


def test_a_traffic_package_expiring_before_the_change_takes_effect_is_not_counted_as_frozen(client, owner):
    PackageFactory(owner=owner.account, purchased_at=NOW - timedelta(days=364), expires_at=NOW + timedelta(hours=6))

    text = client.get(TO_BANDWIDTH).content.decode()

    assert "Its 2 traffic packages are frozen from 2026-12-09 (UTC+8)" in text


def test_the_confirmation_says_so_when_usage_today_delays_the_change(client, owner):
    UsageRecordFactory(account=owner.account, day=NOW.astimezone(clock.billing_zone()).date())

    text = client.get(TO_BANDWIDTH).content.decode()

    assert "From 2026-12-10 (UTC+8)" in text
    assert "today and tomorrow are still billed in the current mode" in text


def test_a_post_without_the_confirmation_changes_nothing(client, owner):
    response = client.post(TO_BANDWIDTH)

    assert response.status_code == 200 and "confirm-dialog" in response.content.decode()
    assert not BillingModeChange.objects.exists()


def test_the_confirmed_post_changes_the_mode_and_tells_the_page_to_refresh(client, owner):
    response = client.post(TO_BANDWIDTH, {"confirmed": "yes"}, headers=HTMX)

    assert response.status_code == 204
    assert "packagesChanged" in response.headers["HX-Trigger"]
    assert Account.objects.get(pk=owner.account_id).billing_mode_next == BillingMode.DAILY_BANDWIDTH


def test_without_javascript_the_confirmed_post_returns_to_the_page_with_the_pending_change(client, owner):
    response = client.post(TO_BANDWIDTH, {"confirmed": "yes"}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == PAGE
    assert "The billing mode changes to Bill-by-bandwidth (daily peak) from 2026-12-09 (UTC+8)." in html
    assert "Changing to Bill-by-bandwidth (daily peak) from 2026-12-09 (UTC+8)" in panel(client)
    assert f"Asked by {owner.user.username} at 2026-12-08 18:00:00 (UTC+8)" in panel(client)
    assert "You can change the billing mode again tomorrow." in panel(client)


def test_a_pending_change_does_not_freeze_the_packages_yet_and_does_the_day_it_takes_effect(client, owner, moment):
    client.post(TO_BANDWIDTH, {"confirmed": "yes"})
    statuses = {row.status for row in client.get(PAGE).context["view"].rows}
    assert PackageStatus.FROZEN not in statuses

    moment.now = NOW + timedelta(days=1)

    response = client.get(PAGE)
    assert {row.status for row in response.context["view"].rows} == {PackageStatus.FROZEN}
    assert "Bill-by-bandwidth (daily peak)" in panel(client)
    assert "Change to Bill-by-traffic (daily)" in panel(client)


def test_the_next_day_the_pending_change_can_be_cancelled(client, owner, moment):
    UsageRecordFactory(account=owner.account, day=NOW.astimezone(clock.billing_zone()).date())
    client.post(TO_BANDWIDTH, {"confirmed": "yes"})
    moment.now = NOW + timedelta(days=1)
    assert "Cancel the change" in panel(client)

    text = client.get(TO_TRAFFIC).content.decode()
    client.post(TO_TRAFFIC, {"confirmed": "yes"})

    assert "The pending change to Bill-by-bandwidth (daily peak) from 2026-12-10 (UTC+8) is cancelled" in text
    assert "Changing to" not in panel(client)


def test_a_sub_user_with_read_only_access_sees_no_change_button_and_is_refused_in_words(client, moment):
    viewer = MemberFactory(sub_user=True, policies=[PresetPolicy.LIVE_READ_ONLY_ACCESS])
    client.force_login(viewer.user)

    assert 'data-testid="billing-mode-change"' not in panel(client)
    response = client.post(TO_BANDWIDTH, {"confirmed": "yes"})
    assert response.status_code == 403
    assert "live:ModifyBillingMode" in response.content.decode()
    assert not BillingModeChange.objects.exists()


def test_an_unknown_mode_is_refused_without_a_server_error(client, owner):
    assert client.get(reverse("billing_mode_change", args=["hourly"])).status_code == 422
